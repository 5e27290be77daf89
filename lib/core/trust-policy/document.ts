/**
 * IAM policy documents as IAM stores them, parsed once at the edge into one normalized shape.
 *
 * Trust policies arrive in two encodings: `aws iam get-account-authorization-details` (and `list-roles`) through the
 * CLI print them decoded (a JSON object), while the raw IAM API returns them URL-encoded (RFC 3986) as a string.
 * Both are accepted. Every element that IAM allows as "a string or a list of strings" is normalized to a list.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * See: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html (AssumeRolePolicyDocument is URL-encoded)
 */
import * as z from 'zod';

/** IAM accepts scalars where strings are expected in conditions (`"Bool": {"k": true}`); the engine compares text. */
const conditionScalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const stringOrList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]));
const conditionValues = z
  .union([conditionScalar, z.array(conditionScalar)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const PrincipalSchema = z.union([
  z.literal('*').transform(() => ({ wildcard: true, federated: [], other: [] as string[] })),
  z.record(z.string(), stringOrList).transform((p) => ({
    wildcard: false,
    federated: p.Federated ?? [],
    other: Object.entries(p)
      .filter(([kind]) => kind !== 'Federated')
      .flatMap(([kind, values]) => values.map((v) => `${kind}:${v}`)),
  })),
]);

const StatementSchema = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Principal: PrincipalSchema.optional(),
    NotPrincipal: PrincipalSchema.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), conditionValues)).optional(),
  })
  .loose();

export const PolicyDocumentSchema = z
  .object({
    Version: z.string().optional(),
    Id: z.string().optional(),
    // IAM allows one statement object or a list; wrapping first keeps error paths precise (Statement.0.Effect).
    Statement: z.preprocess((v) => (Array.isArray(v) || v === undefined ? v : [v]), z.array(StatementSchema)),
  })
  .loose();

export interface PolicyPrincipal {
  /** `"Principal": "*"` (or `{"AWS": "*"}` is kept in `other`). */
  readonly wildcard: boolean;
  /** `Federated` entries: OIDC provider ARNs (and SAML providers, Cognito, ...). */
  readonly federated: readonly string[];
  /** Every other principal, as `<kind>:<value>` (AWS:arn..., Service:...). */
  readonly other: readonly string[];
}

export interface PolicyCondition {
  /** The operator as written, e.g. `ForAllValues:StringLikeIfExists`. */
  readonly operator: string;
  /** The condition key as written, e.g. `gitlab.com:sub` (IAM compares key names case-insensitively). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly index: number;
  readonly sid: string | null;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: PolicyPrincipal | null;
  readonly notPrincipal: PolicyPrincipal | null;
  readonly actions: readonly string[] | null;
  readonly notActions: readonly string[] | null;
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyDocument {
  readonly version: string | null;
  readonly statements: readonly PolicyStatement[];
}

/** The trust policy could not be read: `reason` says what was wrong (never the whole document: it can be large). */
export class PolicyDocumentError extends Error {
  public constructor(public readonly reason: string) {
    super(reason);
    this.name = 'PolicyDocumentError';
  }
}

/** Decodes the API's URL-encoded form; a decoded document (starting with `{`) is returned as is. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  try {
    return decodeURIComponent(trimmed.replace(/\+/g, '%20'));
  } catch (e) {
    throw new PolicyDocumentError(
      `not JSON and not URL-encoded JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses a trust policy given as an object (decoded CLI output), a JSON string, or a URL-encoded JSON string.
 * Throws PolicyDocumentError naming what was wrong.
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(decodePolicyText(input)) as unknown;
    } catch (e) {
      if (e instanceof PolicyDocumentError) throw e;
      throw new PolicyDocumentError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const parsed = PolicyDocumentSchema.safeParse(value);
  if (!parsed.success)
    throw new PolicyDocumentError(`not an IAM policy document: ${describeIssues(parsed.error)}`);
  const list = parsed.data.Statement;
  return {
    version: parsed.data.Version ?? null,
    statements: list.map((s, index) => ({
      index,
      sid: s.Sid ?? null,
      effect: s.Effect,
      principal: s.Principal ?? null,
      notPrincipal: s.NotPrincipal ?? null,
      actions: s.Action ?? null,
      notActions: s.NotAction ?? null,
      conditions: Object.entries(s.Condition ?? {}).flatMap(([operator, block]) =>
        Object.entries(block).map(([key, values]) => ({ operator, key, values })),
      ),
    })),
  };
}
