/**
 * Alert renderers: pure functions from a Verdict to what each alert medium shows.
 *
 * One SNS message carries every rendering (MessageStructure `json`): email subscribers get the plain-text `email`
 * body, HTTPS subscribers (AWS Chatbot) the custom-notification JSON in `https`, SQS/Lambda/everything else the
 * verdict JSON in `default`. Every attacker-controlled string is escaped for its medium and length-limited here.
 * See: https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 * See: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import type { PublicationContext, PublicationReason } from '../publication';
import { FINDING_CODES, type Finding, type FindingCode, type Verdict } from '../verdict';
import { asciiText, plainText, safeHttpUrl, slackCode, slackText, truncate } from './escape';
import { REGION_PATTERN } from '../aws-names';

/** Length limits (code points) for values from the record or from GitLab, per field. */
export const FIELD_LIMITS = {
  roleArn: 512,
  /** STS allows 64; the record is AWS's, but a forged or future record must not flood the alert. */
  sessionName: 128,
  subject: 512,
  issuer: 256,
  audience: 256,
  ref: 256,
  username: 128,
  pipelineSource: 64,
  userAgent: 256,
  sourceIp: 64,
  errorCode: 64,
  findingMessage: 1000,
  reason: 500,
  generic: 256,
} as const;

/**
 * SNS: a subject is ASCII-safe, on one line and under 100 characters; a message with its attributes at most
 * 256 KiB. We stay a little under both.
 * See: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_SUBJECT_MAX = 99;
export const SNS_MESSAGE_MAX_BYTES = 256 * 1024;
/** Headroom for message attributes and the JSON envelope of MessageStructure `json`. */
const SNS_MESSAGE_BUDGET_BYTES = SNS_MESSAGE_MAX_BYTES - 8 * 1024;
/** Message attribute values: SNS filter policies match them; keep them short and printable. */
export const ATTRIBUTE_VALUE_MAX = 256;

/** Chatbot custom notifications: conservative limits for title and description (Slack truncates long blocks). */
const CHATBOT_TITLE_MAX = 250;
const CHATBOT_DESCRIPTION_MAX = 8000;
const MAX_FINDINGS_SHOWN = 25;

/** One-line runbook hint per finding code: what to check first. */
export const TRIAGE_HINTS: Readonly<Partial<Record<FindingCode, string>>> = {
  UNPROTECTED_REF:
    'The ref is not protected in GitLab: anyone with Developer access could push it. Check who pushed it and what the job ran; tighten the trust policy to protected refs.',
  REF_NOT_ALLOWED:
    'The ref is outside the allowed list for this role. Check the commit and the job log; if legitimate, add the ref to allowedRefs.',
  REF_TYPE_NOT_ALLOWED:
    'Branch/tag type not allowed for this role (e.g. a tag where only branches deploy). Check who created the ref.',
  REF_TYPE_UNKNOWN:
    'The token did not say whether the ref is a branch or a tag and GitLab could not tell: check the pipeline by hand.',
  PIPELINE_SOURCE_NOT_ALLOWED:
    'Started by an unusual source (trigger token, API, schedule, web, MR). Look for leaked trigger tokens and who started it.',
  SESSION_NAME_MISMATCH:
    'The session name claims a different pipeline than the signed token: likely spoofed. Trust the sub; investigate the caller.',
  SESSION_NAME_UNPARSED:
    'The session name is missing or one STS would never log: the record is damaged or forged. Fetch the original from the trail bucket.',
  PIPELINE_NOT_FOUND:
    'GitLab has no such pipeline for this project: deleted, another instance, or a forged session name. Treat as suspicious.',
  PROJECT_ID_MISMATCH:
    'The project path now belongs to a different project ID: renamed, transferred or recycled. Pin project IDs in the trust policy.',
  PROJECT_NOT_ALLOWED:
    'The project is not pinned for this role. Check the project and why its pipelines can assume the role.',
  UNTRUSTED_ISSUER:
    'The token came from an issuer not in trustedIssuers: another GitLab instance or IdP shares the role. Review the role trust policy now.',
  AUDIENCE_NOT_ALLOWED:
    'Unexpected aud: the token was minted for another audience. Pin a project-specific aud in the trust policy.',
  ASSUME_ROLE_FAILED:
    'The assumption failed (probe or misconfiguration). Repeated failures from one project or IP suggest someone is testing the trust policy.',
  SUBJECT_UNPARSED:
    'The token sub has an unknown format: check the project sub claim settings and the raw event.',
  GITLAB_UNAVAILABLE:
    'GitLab could not be asked (timeout, 5xx, rate limit). Verify the pipeline in GitLab by hand or re-run the event with oidc-watch evaluate.',
  CHECKS_INCOMPLETE: 'Not every check could run: verify the pipeline in GitLab by hand.',
  // ---- provenance (issue 8) ----
  NO_MINTING_PIPELINE:
    'GitLab shows no job of this project and ref running when the role was assumed: a deleted pipeline, a token from elsewhere, or a job longer than the token lifetime setting.',
  TOKEN_USED_AFTER_JOB:
    'The token was used after its job had finished: it left the job (log, artifact, compromised tool). Check the job log and where the call came from.',
  CANDIDATES_OVER_BUDGET:
    'Too many pipelines ran on this ref around the event to judge them all: find the job by hand, or raise provenance.maxCandidatePipelines.',
  DOWNSTREAM_NOT_ALLOWED:
    'A downstream (child or multi-project) pipeline of a kind this role does not allow: check what triggered it.',
  UPSTREAM_NOT_ALLOWED:
    'An upstream pipeline ran in a project or on a ref this role does not accept: find who can trigger the deploy pipeline.',
  UPSTREAM_UNRESOLVED:
    "A downstream pipeline's chain could not be followed to its root: open the pipeline graph and check how the root started.",
  ENVIRONMENT_NOT_ALLOWED:
    "The job that held the credentials did not deploy to this role's environment: check what it ran.",
  ENVIRONMENT_NOT_PROTECTED:
    'The deploy environment is not protected: anyone who can push the ref could deploy. Check the protected environments settings.',
  RUNNER_NOT_ALLOWED:
    'The job ran on a runner this role does not allow (shared or unknown): check the runner and the job tags.',
  JOB_FACTS_UNVERIFIED:
    'A required job fact (environment, protection, runner) could not be established; a 403/404 on protected environments is a GitLab tier limit.',
  SUBJECT_CONFLICT:
    "The record's userName and subjectFromWebIdentityToken disagree: fetch the original record from the trail bucket and validate it.",
};

const GENERIC_HINT = 'Review the pipeline in GitLab and the role trust policy.';

export function triageHint(code: FindingCode): string {
  return TRIAGE_HINTS[code] ?? GENERIC_HINT;
}

/** Codes known when this file was written; tests check every code has a hint. */
export const KNOWN_FINDING_CODES: readonly FindingCode[] = FINDING_CODES;

const UUID_LIKE = /^[A-Za-z0-9-]{1,64}$/;

function headline(v: Verdict): string {
  switch (v.verdict) {
    case 'alert':
      // A failed call issued no credentials: the role was asked for, not taken.
      return v.errorCode !== null
        ? 'attempted, and the attempt was denied (a probe)'
        : 'assumed by a pipeline that breaks policy';
    case 'unverified':
      return 'assumption could not be verified';
    case 'ok':
      return 'assumption verified';
    case 'ignored':
      return 'assumption ignored';
  }
}

function roleName(roleArn: string): string {
  const slash = roleArn.lastIndexOf('/');
  return slash >= 0 ? roleArn.slice(slash + 1) : roleArn;
}

/**
 * SNS subject, e.g. `[CRITICAL] ALERT prod-deploy in 123456789012: UNPROTECTED_REF +2`. ASCII, one line,
 * under 100 characters. Only the role name and account come from the record, and they are ASCII-filtered.
 */
export function renderSubject(v: Verdict, p?: PublicationContext): string {
  const first = v.findings[0];
  const more = v.findings.length > 1 ? ` +${v.findings.length - 1}` : '';
  const what = first ? `: ${first.code}${more}` : '';
  const severity = (p?.routingSeverity ?? v.severity).toUpperCase();
  const verdict =
    p?.kind === 'update' && p.previous !== null
      ? `UPDATE ${p.previous.verdict.toUpperCase()}->${v.verdict.toUpperCase()}`
      : v.verdict.toUpperCase();
  const subject = `[${severity}] GitLab OIDC ${verdict} ${roleName(v.roleArn)} in ${v.accountId}${what}`;
  return asciiText(subject, SNS_SUBJECT_MAX);
}

/** What changed, in the words a responder needs, per publication reason. */
export const UPDATE_REASONS: Readonly<Record<PublicationReason, string>> = {
  'first-alert': 'First alert for this event.',
  escalated:
    'The earlier verdict could not be verified; a re-evaluation (GitLab answering again) found a policy breach.',
  resolved:
    'The earlier verdict could not be verified; a re-evaluation (GitLab answering again) found the assumption within policy.',
  withdrawn:
    "A re-evaluation no longer finds the earlier policy breach (GitLab's record or the policy changed): find out why before standing down.",
  'new-findings': 'A re-evaluation found policy breaches that the earlier alert did not report.',
  reopened: 'An assumption earlier judged within policy was re-evaluated and breaks policy.',
  duplicate: 'Nothing new.',
  'conclusion-stands': 'The re-evaluation could not tell; the earlier conclusion stands.',
  'nothing-to-tell': 'Nothing to tell.',
};

/**
 * The update banner, plain text: which alert this updates, what it said, what it says now, why. Empty for a first
 * alert. Values are an SNS MessageId, an ISO time we wrote and enum words, escaped anyway.
 */
export function updateBanner(v: Verdict, p: PublicationContext | undefined): readonly string[] {
  if (p === undefined || p.kind !== 'update') return [];
  const first =
    p.first === null
      ? 'the first alert for this event'
      : `the alert of ${plainText(p.first.publishedAt, 64)} (SNS message ${plainText(p.first.messageId, 128)})`;
  const was = p.previous === null ? '' : `was ${p.previous.verdict.toUpperCase()} (${p.previous.severity}), `;
  return [
    `UPDATE #${p.sequence} to ${first}: ${was}now ${v.verdict.toUpperCase()} (${v.severity}).`,
    UPDATE_REASONS[p.reason],
  ];
}

/** SNS message attributes for subscription filter policies (all String). */
export function renderAttributes(v: Verdict, p?: PublicationContext): Record<string, string> {
  const attributes: Record<string, string> = {
    // Routing severity: an update reaches every subscriber that the alert it updates reached.
    severity: p?.routingSeverity ?? v.severity,
    verdict: v.verdict,
    account: asciiText(v.accountId, ATTRIBUTE_VALUE_MAX),
    role: asciiText(v.roleArn, ATTRIBUTE_VALUE_MAX),
  };
  if (v.policy !== null) attributes.policy = asciiText(v.policy, ATTRIBUTE_VALUE_MAX);
  if (p !== undefined) {
    attributes.kind = p.kind;
    attributes.sequence = String(p.sequence);
    if (p.previous !== null) attributes.previousVerdict = p.previous.verdict;
  }
  return attributes;
}

function or(value: string | null, limit: number, none = '(none)'): string {
  return value === null ? none : plainText(value, limit);
}

/** The CLI and Athena lines an analyst runs next; ids are only interpolated when they look like ids. */
export function followUpCommands(v: Verdict): readonly string[] {
  if (!UUID_LIKE.test(v.eventId))
    return ['The event ID has an unexpected format: search CloudTrail by event time and role instead.'];
  const region = REGION_PATTERN.test(v.region) ? v.region : 'us-east-1';
  // LookupEvents covers the last 90 days, in the region where the call was logged.
  // See: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
  const lookup = `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=EventId,AttributeValue=${v.eventId} --query 'Events[0].CloudTrailEvent' --output text`;
  return [
    lookup,
    `${lookup} | oidc-watch evaluate -c oidc-watch.config.yaml -`,
    `Athena (CloudTrail table): SELECT eventtime, useridentity.username, sourceipaddress, requestparameters, responseelements FROM <cloudtrail_table> WHERE eventid = '${v.eventId}'`,
  ];
}

function findingsShown(v: Verdict, max: number): { shown: readonly Finding[]; omitted: number } {
  const shown = v.findings.slice(0, Math.max(0, max));
  return { shown, omitted: v.findings.length - shown.length };
}

function uniqueCodes(findings: readonly Finding[]): FindingCode[] {
  return [...new Set(findings.map((f) => f.code))];
}

/** Adds one `  Label:               value` line of the email. */
type Row = (label: string, value: string) => void;

function emailWho(v: Verdict, row: Row): void {
  const L = FIELD_LIMITS;
  const p = v.pipeline;
  row('Token subject (sub)', or(v.subject, L.subject));
  row('Issuer', or(v.issuer, L.issuer));
  row('Audience', or(v.audience, L.audience));
  if (!p) {
    row('Pipeline', v.projectId === null ? '(not identified)' : `(not identified; project ${v.projectId})`);
    return;
  }
  row('Pipeline', `#${p.id} in project ${p.projectId}`);
  row('  ref', plainText(p.ref, L.ref));
  row('  source', or(p.source, L.pipelineSource, '(unknown)'));
  row('  started by', or(p.username, L.username, '(unknown)'));
  row('  status', or(p.status, L.generic, '(unknown)'));
  row('  created', or(p.createdAt, L.generic, '(unknown)'));
  const url = safeHttpUrl(p.webUrl);
  if (url) row('  web', url);
}

function emailWhatAndWhere(v: Verdict, row: Row, lines: string[]): void {
  const L = FIELD_LIMITS;
  lines.push('WHAT');
  row('Role', plainText(v.roleArn, L.roleArn));
  row('Policy', or(v.policy, L.generic));
  row('Session name', `${or(v.roleSessionName, L.sessionName)} (chosen by the caller: a hint, not proof)`);
  row(
    'Result',
    v.errorCode === null ? 'credentials issued' : `FAILED: ${plainText(v.errorCode, L.errorCode)}`,
  );
  if (v.reason !== null) row('Reason', plainText(v.reason, L.reason));
  lines.push('');
  lines.push('WHERE');
  row('Account', plainText(v.accountId, L.generic));
  row('Region', plainText(v.region, L.generic));
  row('Source IP', or(v.sourceIp, L.sourceIp));
  row('User agent', or(v.userAgent, L.userAgent));
}

function emailFindings(v: Verdict, maxFindings: number, lines: string[]): void {
  lines.push('FINDINGS');
  const { shown, omitted } = findingsShown(v, maxFindings);
  if (v.findings.length === 0) lines.push('  (none)');
  shown.forEach((f, i) => {
    lines.push(`  ${i + 1}. [${f.severity}] ${f.code} (${f.class})`);
    lines.push(`     ${plainText(f.message, FIELD_LIMITS.findingMessage)}`);
    lines.push(`     Triage: ${triageHint(f.code)}`);
  });
  if (omitted > 0) lines.push(`  ... and ${omitted} more finding(s): see the decision log.`);
}

/** Email body: plain text, who / what / where, findings with triage hints, follow-up commands. */
export function renderEmail(
  v: Verdict,
  maxFindings = MAX_FINDINGS_SHOWN,
  publication?: PublicationContext,
): string {
  const L = FIELD_LIMITS;
  const lines: string[] = [];
  const row: Row = (label, value) => {
    lines.push(`  ${(label + ':').padEnd(22)}${value}`);
  };
  const banner = updateBanner(v, publication);
  lines.push(
    `GitLab OIDC Watch: ${banner.length > 0 ? 'UPDATE, now ' : ''}${v.verdict.toUpperCase()} (${v.severity})`,
  );
  lines.push('');
  if (banner.length > 0) lines.push(...banner, '');
  lines.push(`Production role ${plainText(roleName(v.roleArn), L.generic)} ${headline(v)}.`);
  if (v.verdict === 'unverified') {
    lines.push('Not every check could be completed; this is NOT a clean result. Verify by hand.');
  }
  lines.push('', 'WHO');
  emailWho(v, row);
  lines.push('');
  emailWhatAndWhere(v, row, lines);
  lines.push('');
  emailFindings(v, maxFindings, lines);
  lines.push('', 'EVENT');
  row('CloudTrail event ID', plainText(v.eventId, L.generic));
  row('Event time', plainText(v.eventTime, L.generic));
  row('Evaluated at', plainText(v.evaluatedAt, L.generic));
  lines.push('', 'FOLLOW UP');
  for (const c of followUpCommands(v)) lines.push(`  ${c}`);
  lines.push('');
  return lines.join('\n');
}

/** AWS Chatbot (Amazon Q Developer in chat applications) custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

const VERDICT_EMOJI: Readonly<Record<Verdict['verdict'], string>> = {
  alert: ':rotating_light:',
  unverified: ':warning:',
  ok: ':white_check_mark:',
  ignored: ':information_source:',
};

function slackLink(url: string, label: string): string {
  // Slack wants &, <, > escaped inside the URL too; safeHttpUrl already refused < > | and spaces.
  return `<${url.replace(/&/g, '&amp;')}|${label}>`;
}

/** A record value as a Slack code span, or `(none)`. */
function slackValue(value: string | null, limit: number): string {
  return value === null ? '_(none)_' : slackCode(value, limit);
}

function chatbotPipelineLine(v: Verdict): string {
  const L = FIELD_LIMITS;
  const p = v.pipeline;
  if (!p) return `*Pipeline* _not identified_${v.projectId === null ? '' : ` (project ${v.projectId})`}`;
  const url = safeHttpUrl(p.webUrl);
  const label = `pipeline #${p.id}`;
  return `*Pipeline* ${url ? slackLink(url, label) : label} (project ${p.projectId}) ref ${slackValue(p.ref, L.ref)} source ${slackValue(p.source, L.pipelineSource)} by ${slackValue(p.username, L.username)}`;
}

/** The notification's Slack mrkdwn description: every record value in a code span, whole lines kept. */
function chatbotDescription(v: Verdict, maxFindings: number, banner: readonly string[]): string {
  const L = FIELD_LIMITS;
  const code = slackValue;
  const lines: string[] = [];
  // The banner is plain text of our own making (enum words, an SNS id, a time); slackText escapes it anyway.
  for (const line of banner) lines.push(`_${slackText(line, 500)}_`);
  lines.push(
    `*Role* ${code(v.roleArn, L.roleArn)}${v.policy === null ? '' : ` (policy ${code(v.policy, L.generic)})`}`,
  );
  lines.push(`*Account* ${code(v.accountId, L.generic)}  *Region* ${code(v.region, L.generic)}`);
  lines.push(`*Token sub* ${code(v.subject, L.subject)}`);
  lines.push(`*Issuer* ${code(v.issuer, L.issuer)}  *Audience* ${code(v.audience, L.audience)}`);
  lines.push(`*Session name* ${code(v.roleSessionName, L.sessionName)} _(caller-chosen hint)_`);
  lines.push(chatbotPipelineLine(v));
  if (v.errorCode !== null) lines.push(`*Result* FAILED ${code(v.errorCode, L.errorCode)}`);
  if (v.reason !== null) lines.push(`*Reason* ${slackText(v.reason, L.reason)}`);
  lines.push(`*Source IP* ${code(v.sourceIp, L.sourceIp)}  *User agent* ${code(v.userAgent, L.userAgent)}`);
  const { shown, omitted } = findingsShown(v, maxFindings);
  if (shown.length > 0) {
    lines.push('*Findings*');
    for (const f of shown)
      lines.push(`• *${f.code}* (${f.severity}, ${f.class}): ${slackText(f.message, L.findingMessage)}`);
    if (omitted > 0) lines.push(`• _...and ${omitted} more: see the decision log_`);
  }
  lines.push(`*Event* ${code(v.eventId, L.generic)} at ${code(v.eventTime, L.generic)}`);
  return truncateLines(lines, CHATBOT_DESCRIPTION_MAX);
}

function chatbotMetadata(v: Verdict, eventId: string): NonNullable<ChatbotNotification['metadata']> {
  return {
    // Same thread for every update of one event: an `unverified` later resolved to `alert` lands under it.
    threadId: `gitlab-oidc-watch-${eventId}`,
    summary: asciiText(
      `GitLab OIDC ${v.verdict} (${v.severity}) ${roleName(v.roleArn)} in ${v.accountId}`,
      250,
    ),
    eventType: `GitLabOidcWatch${v.verdict[0]?.toUpperCase() ?? ''}${v.verdict.slice(1)}`,
    relatedResources: [asciiText(v.roleArn, FIELD_LIMITS.roleArn)],
    additionalContext: {
      verdict: v.verdict,
      severity: v.severity,
      account: asciiText(v.accountId, 64),
      region: asciiText(v.region, 64),
      eventId,
    },
  };
}

/** Chatbot custom notification; `description` is Slack mrkdwn with every record value in a code span. */
export function renderChatbot(
  v: Verdict,
  maxFindings = MAX_FINDINGS_SHOWN,
  publication?: PublicationContext,
): ChatbotNotification {
  const banner = updateBanner(v, publication);
  const title = `${banner.length > 0 ? ':arrows_counterclockwise: *UPDATE* ' : ''}${VERDICT_EMOJI[v.verdict]} *${v.verdict.toUpperCase()}* (${v.severity}): ${slackText(roleName(v.roleArn), 64)} ${headline(v)}`;
  const codes = uniqueCodes(v.findings);
  const nextSteps = [
    ...codes.map((c) => `${c}: ${triageHint(c)}`),
    ...followUpCommands(v)
      .slice(0, 1)
      .map((c) => slackCode(c, 1000)),
  ];
  const eventId = UUID_LIKE.test(v.eventId) ? v.eventId : asciiText(v.eventId, 64);
  return {
    version: '1.0',
    source: 'custom',
    id: eventId,
    content: {
      textType: 'client-markdown',
      title:
        Array.from(title).length > CHATBOT_TITLE_MAX
          ? Array.from(title).slice(0, CHATBOT_TITLE_MAX).join('')
          : title,
      description: chatbotDescription(v, maxFindings, banner),
      nextSteps,
      keywords: [...(banner.length > 0 ? ['update'] : []), v.verdict, v.severity, ...codes].slice(0, 10),
    },
    metadata: chatbotMetadata(v, eventId),
  };
}

/** Keeps whole lines while they fit; a line is never cut inside a Slack code span or entity. */
function truncateLines(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const n = Array.from(line).length + 1;
    if (size + n > max - 40) {
      kept.push('_...truncated: see the email or the decision log_');
      break;
    }
    kept.push(line);
    size += n;
  }
  return kept.join('\n');
}

/** Caps every string of a JSON value at `max` code points (the verdict JSON for machine subscribers). */
function capStrings(value: unknown, max: number): unknown {
  if (typeof value === 'string') return truncate(value, max);
  if (Array.isArray(value)) return value.map((x) => capStrings(x, max));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, capStrings(x, max)]));
  }
  return value;
}

/** Verdict JSON for SQS/Lambda subscribers: the verdict as recorded, strings capped, findings possibly trimmed. */
export function renderVerdictJson(
  v: Verdict,
  maxFindings?: number,
  maxString = 4096,
  publication?: PublicationContext,
): string {
  const { shown, omitted } = findingsShown(v, maxFindings ?? v.findings.length);
  const trimmed = omitted > 0 ? { ...v, findings: shown, findingsOmitted: omitted } : v;
  const body = publication === undefined ? trimmed : { ...trimmed, publication };
  return JSON.stringify(capStrings(body, maxString));
}

export interface SnsAlert {
  readonly subject: string;
  /** For PublishCommand with MessageStructure `json`. */
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The whole SNS publication. If the rendering does not fit in 256 KiB, fewer findings are shown until it does
 * (the decision log keeps them all).
 */
export function renderSnsAlert(v: Verdict, publication?: PublicationContext): SnsAlert {
  const attributes = renderAttributes(v, publication);
  const subject = renderSubject(v, publication);
  const encoder = new TextEncoder();
  const build = (maxFindings: number, maxString: number): string =>
    JSON.stringify({
      default: renderVerdictJson(v, maxFindings, maxString, publication),
      email: renderEmail(v, Math.min(maxFindings, MAX_FINDINGS_SHOWN), publication),
      https: JSON.stringify(renderChatbot(v, Math.min(maxFindings, MAX_FINDINGS_SHOWN), publication)),
    });
  const fits = (message: string): boolean => encoder.encode(message).length <= SNS_MESSAGE_BUDGET_BYTES;
  for (let maxFindings = v.findings.length; ; maxFindings = Math.floor(maxFindings / 2)) {
    const message = build(maxFindings, 4096);
    if (fits(message)) return { subject, message, attributes };
    if (maxFindings === 0) break;
  }
  // Only a record with pathological field sizes gets here: keep the alert, shrink the machine copy harder.
  return { subject, message: build(0, 256), attributes };
}
