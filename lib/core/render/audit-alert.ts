/**
 * The alert-topic publication of the scheduled trust-policy audit: one per role with new or changed findings, each
 * subscriber protocol with its own rendering (SNS MessageStructure `json`), as the verdict alerts do: JSON for
 * SQS/Lambda, plain text for email, an AWS Chatbot custom notification for Slack. Role names, paths and policy
 * values quoted in messages come from trust policies and GitLab: escaped for each medium and length-limited.
 * See: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import type { RoleNews } from '../trust-policy/state';
import { AUDIT_CHECKS_BY_CODE } from '../trust-policy/checks';
import { SEVERITY_RANK, type Severity } from '../verdict';
import { asciiText, plainText, slackCode, slackText } from './escape';

export interface AuditSnsAlert {
  readonly subject: string;
  /** For PublishCommand with MessageStructure `json`. */
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** SNS allows 256 KiB; findings are dropped from the human renderings (never from the report) to stay well inside. */
const MESSAGE_BUDGET_BYTES = 240 * 1024;
const MAX_FINDINGS_SHOWN = 20;

function worst(news: RoleNews): Severity {
  return news.findings.reduce<Severity>(
    (w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w),
    'info',
  );
}

function renderEmail(news: RoleNews, max: number): string {
  const r = news.report;
  const lines = [
    `Trust-policy audit: ${r.status.toUpperCase()} role ${plainText(r.roleName, 128)}`,
    '',
    `Role:     ${plainText(r.roleArn, 256)}`,
    `Account:  ${r.accountId}`,
    `Watched:  ${r.watched ? `yes (production role ${plainText(r.productionRole ?? '', 64)})` : 'no: no production role pattern matches it'}`,
    '',
    'New or changed findings:',
  ];
  for (const f of news.findings.slice(0, max)) {
    lines.push(`- ${f.code} (${f.severity}): ${plainText(f.message, 600)}`);
    const check = AUDIT_CHECKS_BY_CODE.get(f.code);
    if (check) lines.push(`  Fix: ${check.remediation}`);
  }
  if (news.findings.length > max)
    lines.push(`- ...and ${news.findings.length - max} more: see the audit report`);
  if (r.suggestedTrustPolicy) {
    lines.push('', 'Suggested trust policy (review before applying; never applied by oidc-watch):');
    lines.push(plainText(JSON.stringify(r.suggestedTrustPolicy, null, 2), 20_000));
  }
  lines.push('', `Re-run locally: oidc-watch audit --config <your config> --format table`);
  return lines.join('\n');
}

function renderChatbot(news: RoleNews, max: number): object {
  const r = news.report;
  const lines = [
    `*Role* ${slackCode(r.roleArn, 256)}  *Account* ${slackCode(r.accountId, 12)}`,
    `*Watched* ${r.watched ? slackCode(r.productionRole ?? 'yes', 64) : '_no production role pattern matches it_'}`,
    '*New or changed findings*',
    ...news.findings.slice(0, max).map((f) => `• *${f.code}* (${f.severity}): ${slackText(f.message, 400)}`),
  ];
  if (news.findings.length > max)
    lines.push(`• _...and ${news.findings.length - max} more: see the audit report_`);
  return {
    version: '1.0',
    source: 'custom',
    id: asciiText(`audit-${r.accountId}-${r.roleName}`, 64),
    content: {
      textType: 'client-markdown',
      title: `:mag: *AUDIT* (${worst(news)}): ${slackText(r.roleName, 64)} is ${r.status}`,
      description: lines.join('\n').slice(0, 8_000),
      nextSteps: [...new Set(news.findings.map((f) => f.code))]
        .slice(0, 5)
        .map((c) => `${c}: ${AUDIT_CHECKS_BY_CODE.get(c)?.remediation ?? ''}`.slice(0, 300)),
    },
  };
}

export function renderAuditAlert(news: RoleNews): AuditSnsAlert {
  const r = news.report;
  const severity = worst(news);
  const subject = asciiText(`oidc-watch audit: ${r.status} role ${r.roleName}`, 100);
  const attributes = { severity, verdict: 'audit', account: r.accountId, role: r.roleArn };
  // The machine copy carries the role report without its full finding list (the report in the decision log has it).
  const { findings, ...rest } = r;
  const build = (max: number, maxJson: number): string =>
    JSON.stringify({
      default: JSON.stringify({
        kind: 'trust-policy-audit',
        ...rest,
        findingCodes: [...new Set(findings.map((f) => f.code))],
        newFindings: news.findings.slice(0, maxJson),
        ...(news.findings.length > maxJson ? { newFindingsOmitted: news.findings.length - maxJson } : {}),
      }),
      email: renderEmail(news, max),
      https: JSON.stringify(renderChatbot(news, max)),
    });
  const encoder = new TextEncoder();
  for (let maxJson = news.findings.length; ; maxJson = Math.floor(maxJson / 2)) {
    const message = build(Math.min(MAX_FINDINGS_SHOWN, maxJson), maxJson);
    if (encoder.encode(message).length <= MESSAGE_BUDGET_BYTES || maxJson === 0)
      return { subject, message, attributes };
  }
}
