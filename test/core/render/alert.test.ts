import {
  followUpCommands,
  renderAttributes,
  renderChatbot,
  renderEmail,
  renderSnsAlert,
  renderSubject,
  renderVerdictJson,
  SNS_MESSAGE_MAX_BYTES,
  SNS_SUBJECT_MAX,
  TRIAGE_HINTS,
  UPDATE_REASONS,
} from '../../../lib/core/render/alert';
import type { PublicationContext } from '../../../lib/core/publication';
import { FINDING_CODES, type Finding, type Verdict } from '../../../lib/core/verdict';
import { makeVerdict } from './verdict-fixture';

const HOSTILE_REF = '<!channel>*boom*';
const BIDI_REF = 'main\u202e\u2066txt.exe\u2069';
const HUGE_SESSION = 'x'.repeat(10 * 1024);

function hostileVerdict(): Verdict {
  const base = makeVerdict();
  return makeVerdict({
    roleSessionName: HUGE_SESSION,
    subject: `project_path:acme/deploy:ref_type:branch:ref:${HOSTILE_REF}`,
    userAgent: '@here `rm -rf` <https://evil.example.com|totally legit>',
    findings: [
      {
        code: 'UNPROTECTED_REF',
        class: 'alert',
        severity: 'critical',
        message: `branch '${HOSTILE_REF}' is not protected`,
      },
    ],
    pipeline: base.pipeline && {
      ...base.pipeline,
      ref: HOSTILE_REF,
      username: '@channel',
      source: 'trigger\u202e',
    },
  });
}

function parseMessage(message: string): { default: string; email: string; https: string } {
  return JSON.parse(message) as { default: string; email: string; https: string };
}

describe('renderSubject', () => {
  it('names severity, verdict, role, account and the first finding', () => {
    expect(renderSubject(makeVerdict())).toBe(
      '[CRITICAL] GitLab OIDC ALERT prod-deploy in 123456789012: UNPROTECTED_REF',
    );
  });

  it('stays ASCII, on one line and under 100 characters whatever the role name', () => {
    const v = makeVerdict({ roleArn: `arn:aws:iam::123456789012:role/${'é\n'.repeat(200)}`, findings: [] });
    const subject = renderSubject(v);
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('counts the further findings', () => {
    const f = makeVerdict().findings[0] as Finding;
    expect(renderSubject(makeVerdict({ findings: [f, f, f] }))).toMatch(/UNPROTECTED_REF \+2$/);
  });
});

describe('renderAttributes', () => {
  it('gives severity, verdict, account, role and policy as strings for filter policies', () => {
    expect(renderAttributes(makeVerdict())).toEqual({
      severity: 'critical',
      verdict: 'alert',
      account: '123456789012',
      role: 'arn:aws:iam::123456789012:role/prod-deploy',
      policy: 'prod-deploy',
    });
  });

  it('limits attribute values to 256 printable ASCII characters', () => {
    const attrs = renderAttributes(
      makeVerdict({ roleArn: `arn:aws:iam::123456789012:role/${'\u202er'.repeat(400)}` }),
    );
    expect(attrs.role?.length).toBeLessThanOrEqual(256);
    expect(attrs.role).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('renderEmail', () => {
  it('tells who, what and where with a triage hint per finding and follow-up commands', () => {
    const text = renderEmail(makeVerdict());
    for (const expected of [
      'GitLab OIDC Watch: ALERT (critical)',
      'project_path:acme/deploy:ref_type:branch:ref:feature/quick-fix',
      '#1234567890 in project 4242',
      'mallory',
      'https://gitlab.com/acme/deploy/-/pipelines/1234567890',
      'arn:aws:iam::123456789012:role/prod-deploy',
      'pipeline-1234567890 (chosen by the caller: a hint, not proof)',
      '123456789012',
      'us-east-1',
      '192.0.2.10',
      '[critical] UNPROTECTED_REF (alert)',
      `Triage: ${TRIAGE_HINTS.UNPROTECTED_REF}`,
      '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
      'aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=EventId,AttributeValue=3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('says plainly that an unverified verdict is not a clean result', () => {
    const text = renderEmail(
      makeVerdict({
        verdict: 'unverified',
        findings: [
          {
            code: 'GITLAB_UNAVAILABLE',
            class: 'unverified',
            severity: 'critical',
            message: 'GitLab answered 503',
          },
        ],
        pipeline: null,
      }),
    );
    expect(text).toContain('NOT a clean result');
    expect(text).toContain('(not identified; project 4242)');
  });

  it('strips bidi characters and cuts a 10 KB session name', () => {
    const text = renderEmail(makeVerdict({ roleSessionName: `${BIDI_REF}${HUGE_SESSION}` }));
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).not.toContain('x'.repeat(200));
    expect(text.length).toBeLessThan(5000);
  });

  it('does not show a pipeline URL that is not a plain http(s) URL', () => {
    const base = makeVerdict();
    const v = makeVerdict({ pipeline: base.pipeline && { ...base.pipeline, webUrl: 'javascript:alert(1)' } });
    expect(renderEmail(v)).not.toContain('javascript:');
  });
});

describe('renderChatbot', () => {
  it('follows the AWS Chatbot custom notification schema', () => {
    const n = renderChatbot(makeVerdict());
    expect(n).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
      content: { textType: 'client-markdown' },
      metadata: { threadId: 'gitlab-oidc-watch-3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f' },
    });
    expect(n.content.title).toContain('*ALERT*');
    expect(n.content.description).toContain(
      '<https://gitlab.com/acme/deploy/-/pipelines/1234567890|pipeline #1234567890>',
    );
    expect(n.content.nextSteps?.[0]).toBe(`UNPROTECTED_REF: ${TRIAGE_HINTS.UNPROTECTED_REF}`);
    expect(n.content.keywords).toEqual(['alert', 'critical', 'UNPROTECTED_REF']);
  });

  it('renders a branch named <!channel>*boom* inertly and breaks mentions anywhere', () => {
    const { description } = renderChatbot(hostileVerdict()).content;
    expect(description).not.toContain('<!channel>');
    expect(description).toContain('`&lt;!channel&gt;*boom*`');
    expect(description).not.toMatch(/(^|[^\u2060])@(channel|here)\b/);
    expect(description).not.toContain('<https://evil.example.com');
    expect(description).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // Outside code spans, the hostile finding message cannot open bold text.
    const findingLine = description.split('\n').find((l) => l.startsWith('• *UNPROTECTED_REF*'));
    expect(findingLine).toBeDefined();
    expect(findingLine?.replace('*UNPROTECTED_REF*', '')).not.toContain('*');
  });

  it('keeps a 10 KB session name out of the description', () => {
    const { description } = renderChatbot(hostileVerdict()).content;
    expect(description).not.toContain('x'.repeat(200));
    expect(Array.from(description).length).toBeLessThanOrEqual(8000);
  });
});

describe('renderVerdictJson', () => {
  it('is the verdict as recorded for machine subscribers', () => {
    const v = makeVerdict();
    expect(JSON.parse(renderVerdictJson(v))).toEqual(v);
  });

  it('caps very long strings', () => {
    const parsed = JSON.parse(renderVerdictJson(makeVerdict({ userAgent: 'u'.repeat(20_000) }))) as Verdict;
    expect(parsed.userAgent?.length).toBeLessThanOrEqual(4096);
  });
});

describe('followUpCommands', () => {
  it('does not interpolate an event id that does not look like one', () => {
    const commands = followUpCommands(makeVerdict({ eventId: "x'; DROP TABLE t; --" }));
    expect(commands.join('\n')).not.toContain('DROP TABLE');
  });
});

describe('renderSnsAlert', () => {
  it('gives each protocol its own rendering in one MessageStructure json message', () => {
    const alert = renderSnsAlert(makeVerdict());
    const message = parseMessage(alert.message);
    expect(JSON.parse(message.default)).toMatchObject({
      eventId: '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
      verdict: 'alert',
    });
    expect(message.email).toContain('GitLab OIDC Watch: ALERT');
    expect(JSON.parse(message.https)).toMatchObject({ version: '1.0', source: 'custom' });
    expect(alert.attributes.verdict).toBe('alert');
  });

  it('fits in 256 KiB even with thousands of long findings', () => {
    const finding: Finding = {
      code: 'REF_NOT_ALLOWED',
      class: 'alert',
      severity: 'high',
      message: `"${'\u{1F4A5}'.repeat(900)}"`,
    };
    const alert = renderSnsAlert(makeVerdict({ findings: Array.from({ length: 2000 }, () => finding) }));
    expect(new TextEncoder().encode(alert.message).length).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    const verdictJson = JSON.parse(parseMessage(alert.message).default) as {
      findings: unknown[];
      findingsOmitted: number;
    };
    expect(verdictJson.findings.length + verdictJson.findingsOmitted).toBe(2000);
    expect(verdictJson.findingsOmitted).toBeGreaterThan(0);
  });
});

describe('TRIAGE_HINTS', () => {
  it('has a runbook line for every finding code', () => {
    for (const code of FINDING_CODES) expect(TRIAGE_HINTS[code]).toEqual(expect.any(String));
  });
});

describe('updates', () => {
  const update: PublicationContext = {
    kind: 'update',
    sequence: 2,
    reason: 'escalated',
    routingSeverity: 'critical',
    previous: { verdict: 'unverified', severity: 'critical', alertCodes: [] },
    first: {
      messageId: 'b5d1c2e3-0000-4000-8000-000000000001',
      publishedAt: '2025-04-16T02:47:01.000Z',
      verdict: 'unverified',
      severity: 'critical',
    },
  };

  it('says UPDATE, what it was and what it is now, and names the first alert, in every format', () => {
    const v = makeVerdict();
    expect(renderSubject(v, update)).toBe(
      '[CRITICAL] GitLab OIDC UPDATE UNVERIFIED->ALERT prod-deploy in 123456789012: UNPROTECTED_REF',
    );
    const email = renderEmail(v, undefined, update);
    expect(email.split('\n').slice(0, 4)).toEqual([
      'GitLab OIDC Watch: UPDATE, now ALERT (critical)',
      '',
      'UPDATE #2 to the alert of 2025-04-16T02:47:01.000Z (SNS message b5d1c2e3-0000-4000-8000-000000000001): was UNVERIFIED (critical), now ALERT (critical).',
      UPDATE_REASONS.escalated,
    ]);
    const chatbot = renderChatbot(v, undefined, update);
    expect(chatbot.content.title).toMatch(/^:arrows_counterclockwise: \*UPDATE\* /);
    expect(chatbot.content.description.split('\n')[0]).toContain('b5d1c2e3-0000-4000-8000-000000000001');
    expect(chatbot.metadata?.threadId).toBe(renderChatbot(v).metadata?.threadId);
    expect(JSON.parse(renderVerdictJson(v, undefined, 4096, update))).toMatchObject({
      verdict: 'alert',
      publication: { kind: 'update', sequence: 2, first: { messageId: update.first?.messageId } },
    });
    expect(renderAttributes(v, update)).toMatchObject({
      kind: 'update',
      sequence: '2',
      previousVerdict: 'unverified',
    });
  });

  it('routes a resolution at the severity of the alert it resolves', () => {
    const ok = makeVerdict({ verdict: 'ok', severity: 'info', findings: [] });
    expect(renderAttributes(ok, { ...update, reason: 'resolved' }).severity).toBe('critical');
    expect(renderSubject(ok, { ...update, reason: 'resolved' })).toMatch(
      /^\[CRITICAL\] GitLab OIDC UPDATE UNVERIFIED->OK/,
    );
  });

  it('shows nothing of the kind on a first alert', () => {
    const first: PublicationContext = {
      ...update,
      kind: 'initial',
      sequence: 1,
      previous: null,
      first: null,
    };
    expect(renderEmail(makeVerdict(), undefined, first)).not.toContain('UPDATE');
    expect(renderAttributes(makeVerdict(), first)).toMatchObject({ kind: 'initial', sequence: '1' });
  });
});
