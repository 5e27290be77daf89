import { renderAuditAlert } from '../../../lib/core/render/audit-alert';
import type { RoleReport } from '../../../lib/core/trust-policy/audit';
import type { AuditFinding } from '../../../lib/core/trust-policy/checks';

const finding = (
  message: string,
  code: AuditFinding['code'] = 'SUB_ADMITS_OTHER_PROJECTS',
): AuditFinding => ({
  code,
  severity: 'critical',
  message,
  statement: 0,
});

function report(findings: AuditFinding[], roleName = 'ci-cache-writer'): RoleReport {
  return {
    roleArn: `arn:aws:iam::123456789012:role/${roleName}`,
    accountId: '123456789012',
    roleName,
    watched: false,
    productionRole: null,
    status: 'exposed',
    severity: 'critical',
    admits: [],
    findings,
    suggestedTrustPolicy: { Version: '2012-10-17', Statement: [] },
    suggestionNotes: [],
  };
}

function parts(message: string): { default: string; email: string; https: string } {
  return JSON.parse(message) as { default: string; email: string; https: string };
}

describe('renderAuditAlert', () => {
  it('renders JSON for machines, text with the remediation for email, a Chatbot notification for Slack', () => {
    const f = finding('statement 0 admits other projects: "project_path:acme/*"');
    const alert = renderAuditAlert({ report: report([f]), findings: [f] });
    expect(alert.subject).toBe('oidc-watch audit: exposed role ci-cache-writer');
    expect(alert.attributes).toEqual({
      severity: 'critical',
      verdict: 'audit',
      account: '123456789012',
      role: 'arn:aws:iam::123456789012:role/ci-cache-writer',
    });
    const m = parts(alert.message);
    expect(JSON.parse(m.default)).toMatchObject({ kind: 'trust-policy-audit', newFindings: [f] });
    expect(m.email).toContain('Fix: Name the project exactly in `sub`');
    expect(m.email).toContain('Suggested trust policy');
    expect(JSON.parse(m.https)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
  });

  it('neutralises terminal escapes and Slack mentions coming from policy values', () => {
    const f = finding('statement 0 admits "project_path:<!channel>\u001b[31m/*"');
    const m = parts(renderAuditAlert({ report: report([f], 'role\u202e'), findings: [f] }).message);
    expect(m.email).not.toContain('\u001b');
    expect(m.email).not.toContain('\u202e');
    expect(m.https).not.toContain('<!channel>');
  });

  it('shows fewer findings when the message would not fit SNS (the report in the decision log keeps them all)', () => {
    const many = Array.from({ length: 400 }, (_, i) => finding(`${i}: ${'x'.repeat(590)}`));
    const alert = renderAuditAlert({ report: report(many), findings: many });
    expect(new TextEncoder().encode(alert.message).length).toBeLessThanOrEqual(256 * 1024);
    expect(parts(alert.message).email).toContain('more: see the audit report');
  });
});
