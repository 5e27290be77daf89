/**
 * AWS Security Finding Format (ASFF) mapping: pure, no SDK. A generic mapper (`toAsffFinding`) that any finding of
 * this project can use (verdicts here; the trust-policy audit's findings too), and `verdictToAsff` for verdicts.
 *
 * Stable ids: a finding's Id is derived from what it is about, never from when it was judged, so a re-evaluation of
 * the same CloudTrail event (unverified, then alert once GitLab answers) updates the one finding instead of adding a
 * second. Severity and Types go in FindingProviderFields as well: finding providers update those there, and the
 * top-level copies belong to the customer's workflow once the finding exists.
 * See: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
 * See: https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html
 */
import { plainText, safeHttpUrl } from './render/escape';
import type { Severity, Verdict } from './verdict';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** Prefix of every finding Id and GeneratorId this project imports. */
export const ASFF_ID_PREFIX = 'gitlab-oidc-watch';

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const SEVERITY_LABEL: Readonly<Record<Severity, AsffSeverityLabel>> = {
  info: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** Where findings are imported: the account and region of the Security Hub that receives them. */
export interface AsffContext {
  readonly awsAccountId: string;
  readonly region: string;
  readonly partition: string;
}

/** The partitions ASFF's Resource.Partition accepts. */
export type AsffPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

export interface AsffResource {
  readonly Type: string;
  readonly Id: string;
  readonly Partition?: AsffPartition;
  readonly Region?: string;
}

/** The subset of AwsSecurityFinding this project sends (structurally compatible with the SDK's type). */
export interface AsffFinding {
  readonly SchemaVersion: string;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { Label: AsffSeverityLabel; Original: string };
  readonly FindingProviderFields: {
    Severity: { Label: AsffSeverityLabel; Original: string };
    Types: string[];
  };
  readonly Title: string;
  readonly Description: string;
  readonly Resources: AsffResource[];
  readonly ProductFields: Record<string, string>;
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
  /**
   * Honoured when the finding is created; on an update Security Hub itself moves a NEW or NOTIFIED finding to
   * RESOLVED when its RecordState becomes ARCHIVED.
   */
  readonly Workflow?: { Status: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED' };
  readonly SourceUrl?: string;
  readonly Remediation?: { Recommendation: { Text: string; Url?: string } };
}

/** A finding of this project, before it is dressed as ASFF. */
export interface FindingForAsff {
  /** Parts that identify what the finding is about (account, region, event or role...); stable across updates. */
  readonly idParts: readonly string[];
  /** The component that produced it, e.g. `verdict` or `trust-policy-audit/<code>`. */
  readonly generator: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** `Namespace/Category/Classifier` (ASFF finding types). */
  readonly types: readonly string[];
  /** When the issue happened (the CloudTrail event time), ISO 8601. */
  readonly createdAt: string;
  /** When it was last judged, ISO 8601. */
  readonly updatedAt: string;
  readonly resources: readonly AsffResource[];
  readonly productFields?: Readonly<Record<string, string | null | undefined>>;
  readonly sourceUrl?: string | null;
  readonly remediation?: { readonly text: string; readonly url?: string };
  readonly active?: boolean;
}

/** Security Hub's default product ARN for a customer's own findings (the caller must be AwsAccountId). */
export function defaultProductArn(ctx: AsffContext): string {
  return `arn:${ctx.partition}:securityhub:${ctx.region}:${ctx.awsAccountId}:product/${ctx.awsAccountId}/default`;
}

/** Parses a default product ARN back into its context (the Lambda gets the ARN from the stack). */
export function contextFromProductArn(productArn: string): AsffContext {
  const match = /^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):([0-9]{12}):product\/([0-9]{12})\/default$/.exec(
    productArn,
  );
  if (match === null || match[3] !== match[4])
    throw new RangeError(`not a Security Hub default product ARN: ${productArn}`);
  return { partition: match[1] ?? 'aws', region: match[2] ?? '', awsAccountId: match[3] ?? '' };
}

/** Limits from the AwsSecurityFinding reference: Id 512, Title 256, Description 1024, product field value 2048. */
const LIMITS = { id: 512, title: 256, description: 1024, field: 2048, fields: 50 } as const;

export function asffFindingId(idParts: readonly string[]): string {
  const id = [ASFF_ID_PREFIX, ...idParts.map((p) => encodeURIComponent(p))].join('/');
  if (id.length > LIMITS.id)
    throw new RangeError(`ASFF finding id longer than ${LIMITS.id}: ${id.slice(0, 80)}...`);
  return id;
}

function productFields(fields: FindingForAsff['productFields']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields ?? {}).slice(0, LIMITS.fields)) {
    if (value === null || value === undefined || value === '') continue;
    out[`${ASFF_ID_PREFIX}/${key}`] = plainText(value, LIMITS.field);
  }
  return out;
}

/** The generic mapper: text is cleaned of control and bidi characters and cut to ASFF's limits. */
export function toAsffFinding(finding: FindingForAsff, ctx: AsffContext): AsffFinding {
  const severity = { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity };
  const types = [...finding.types];
  const sourceUrl = finding.sourceUrl ?? undefined;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffFindingId(finding.idParts),
    ProductArn: defaultProductArn(ctx),
    GeneratorId: `${ASFF_ID_PREFIX}/${finding.generator}`,
    AwsAccountId: ctx.awsAccountId,
    Types: types,
    CreatedAt: finding.createdAt,
    UpdatedAt: finding.updatedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: plainText(finding.title, LIMITS.title),
    Description: plainText(finding.description, LIMITS.description),
    Resources: [...finding.resources],
    ProductFields: productFields(finding.productFields),
    RecordState: finding.active === false ? 'ARCHIVED' : 'ACTIVE',
    ...(sourceUrl === undefined ? {} : { SourceUrl: sourceUrl }),
    ...(finding.remediation === undefined
      ? {}
      : {
          Remediation: {
            Recommendation: {
              Text: plainText(finding.remediation.text, 512),
              ...(finding.remediation.url === undefined ? {} : { Url: finding.remediation.url }),
            },
          },
        }),
  };
}

function asffPartition(arn: string): AsffPartition | undefined {
  const partition = arn.split(':')[1];
  return partition === 'aws' || partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : undefined;
}

function roleResource(verdict: Verdict): AsffResource {
  const partition = asffPartition(verdict.roleArn);
  return {
    Type: 'AwsIamRole',
    Id: verdict.roleArn,
    ...(partition === undefined ? {} : { Partition: partition }),
    Region: verdict.region,
  };
}

/**
 * A verdict as a finding: only `alert` and `unverified` are exported (an `ok` is not a finding). The Id names the
 * CloudTrail event in its account and region, so the later verdict on the same event replaces the earlier one.
 */
export function verdictToAsff(verdict: Verdict, ctx: AsffContext): AsffFinding | null {
  if (verdict.verdict !== 'alert' && verdict.verdict !== 'unverified') return null;
  const codes = verdict.findings.map((f) => f.code);
  const role = verdict.roleArn.slice(verdict.roleArn.lastIndexOf('/') + 1);
  const title =
    verdict.verdict === 'alert'
      ? `GitLab CI took production role ${role} against policy (${codes.join(', ')})`
      : `GitLab CI assumption of production role ${role} could not be verified (${codes.join(', ')})`;
  const classifier =
    verdict.verdict === 'alert' ? 'GitLab OIDC assumption against policy' : 'GitLab OIDC unverified';
  return toAsffFinding(
    {
      idParts: ['verdict', verdict.accountId, verdict.region, verdict.eventId],
      generator: 'verdict',
      title,
      description: verdict.findings.map((f) => `${f.code}: ${f.message}`).join('\n'),
      severity: verdict.severity,
      types: [
        verdict.verdict === 'alert'
          ? `TTPs/Initial Access/${classifier}`
          : `Unusual Behaviors/User/${classifier}`,
      ],
      createdAt: verdict.eventTime,
      updatedAt: verdict.evaluatedAt,
      resources: [roleResource(verdict)],
      productFields: {
        verdict: verdict.verdict,
        findingCodes: codes.join(','),
        eventId: verdict.eventId,
        policy: verdict.policy,
        roleSessionName: verdict.roleSessionName,
        subject: verdict.subject,
        issuer: verdict.issuer,
        audience: verdict.audience,
        sourceIp: verdict.sourceIp,
        pipelineId: verdict.pipeline === null ? null : String(verdict.pipeline.id),
        pipelineRef: verdict.pipeline?.ref,
        pipelineSource: verdict.pipeline?.source,
        pipelineUser: verdict.pipeline?.username,
      },
      sourceUrl: safeHttpUrl(verdict.pipeline?.webUrl ?? null),
      remediation: {
        text:
          'Find the pipeline and what its job did with the role; revoke the session if needed ' +
          "(aws iam put-role-policy with aws:TokenIssueTime), then tighten the role's trust policy.",
      },
    },
    ctx,
  );
}
