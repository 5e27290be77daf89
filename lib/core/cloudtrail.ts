/**
 * CloudTrail normalization: one AssumeRoleWithWebIdentity record, from whichever envelope it arrived in, becomes a
 * RoleAssumption. Pure: no I/O.
 *
 * Accepted envelopes:
 * - a bare CloudTrail record (log file entry, JSON Lines line, Athena row rebuilt as an object);
 * - an EventBridge event, detail-type `AWS API Call via CloudTrail`, record in `detail`;
 * - a CloudTrail LookupEvents `Event` (`{EventName, CloudTrailEvent: "<record as a JSON string>"}`).
 *
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import type { RoleAssumption } from './assumption';
import { InputError } from './errors';
import { ACCOUNT_ID_PATTERN } from './aws-names';

export const WEB_IDENTITY_EVENT_NAME = 'AssumeRoleWithWebIdentity';

/** The EventBridge detail-type of CloudTrail-delivered API calls. */
export const CLOUDTRAIL_API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

export type NormalizeResult =
  { kind: 'assumption'; assumption: RoleAssumption } | { kind: 'skipped'; eventName: string };

export interface RecordLocation {
  /** File name, S3 key, `stdin`, `eventbridge`... */
  source: string;
  /** 1-based record number within the source, when it has more than one. */
  record?: number;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Athena (`requestparameters`, `responseelements`, `additionaleventdata` are strings) and LookupEvents hand some
 * nested objects over as JSON text: accept text that parses to an object, leave anything else for the schema to reject.
 * See: https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html
 */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (e instanceof SyntaxError) return value;
    throw e;
  }
}

const optionalText = z.string().nullish();

/** An object that may arrive as JSON text; unknown keys are kept (CloudTrail adds fields between versions). */
function looseNested<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(parseJsonText, z.looseObject(shape).nullish());
}

const durationSeconds = z
  .union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(/^\s*[0-9]{1,10}\s*$/, 'a whole number of seconds')
      .transform((s) => Number(s.trim())),
  ])
  .nullish();

/**
 * The fields this service reads. Everything else (credentials, tlsDetails, resources, ...) passes through unchecked;
 * in particular `responseElements.credentials.expiration` is not ISO 8601 ("Apr 16, 2025, 3:46:56 AM") and is never read.
 */
const WebIdentityRecordSchema = z.looseObject({
  eventVersion: optionalText,
  eventID: z.string().min(1),
  eventTime: z.string().min(1),
  eventName: z.literal(WEB_IDENTITY_EVENT_NAME),
  awsRegion: optionalText,
  recipientAccountId: optionalText,
  sourceIPAddress: optionalText,
  userAgent: optionalText,
  errorCode: optionalText,
  errorMessage: optionalText,
  userIdentity: looseNested({
    type: optionalText,
    principalId: optionalText,
    userName: optionalText,
    identityProvider: optionalText,
  }),
  requestParameters: z.preprocess(
    parseJsonText,
    z.looseObject({
      roleArn: z.string().min(1),
      roleSessionName: optionalText,
      durationSeconds,
      sourceIdentity: optionalText,
    }),
  ),
  responseElements: looseNested({
    subjectFromWebIdentityToken: optionalText,
    audience: optionalText,
    provider: optionalText,
    sourceIdentity: optionalText,
    assumedRoleUser: z.looseObject({ arn: optionalText }).nullish(),
  }),
  additionalEventData: looseNested({
    RequestDetails: z.looseObject({ endpointType: optionalText }).nullish(),
  }),
});

type WebIdentityRecord = z.output<typeof WebIdentityRecordSchema>;

const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/(.+)$/;

/**
 * The issuer URL for an IAM OIDC provider as CloudTrail names it.
 * - `arn:aws:iam::123456789012:oidc-provider/gitlab.com` → `https://gitlab.com`
 * - bare host (older records, `responseElements.provider`) `gitlab.com` → `https://gitlab.com`
 * - provider with a path `gitlab.example.com/sub` → `https://gitlab.example.com/sub`
 * - an URL already (`https://gitlab.example.com/`) → without the trailing slash.
 * IAM names a provider by its URL without the scheme, and requires https.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 * Returns null for anything that is not a provider ARN, host or URL (other ARN types, blanks, spaces).
 */
export function issuerFromProvider(provider: string): string | null {
  let rest = provider.trim();
  if (rest === '') return null;
  if (rest.startsWith('arn:')) {
    const match = OIDC_PROVIDER_ARN.exec(rest);
    if (!match?.[1]) return null;
    rest = match[1];
  }
  if (/\s/.test(rest)) return null;
  const schemeMatch = /^(https?):\/\//i.exec(rest);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? 'https';
  const withoutScheme = (schemeMatch ? rest.slice(schemeMatch[0].length) : rest).replace(/\/+$/, '');
  // URL.canParse rather than catching: URL's TypeError may come from another realm (test runners' vm contexts).
  if (!URL.canParse(`${scheme}://${withoutScheme}`)) return null;
  const url = new URL(`${scheme}://${withoutScheme}`);
  if (
    url.hostname === '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return null;
  }
  // Keep the text as IAM recorded it: issuers are compared as strings, so no case or punycode rewriting here.
  return `${scheme}://${withoutScheme}`;
}

const ISO_LIKE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?$/i;

/**
 * CloudTrail's `eventTime` is `2025-04-16T02:46:56Z`; Athena may print `2025-04-16 02:46:56` (still UTC).
 * Returns ISO 8601 UTC in CloudTrail's own shape (`…:56Z`, milliseconds only when present), or null for anything
 * else, including impossible dates (Date.parse would roll Feb 30 over to March).
 */
export function normalizeEventTime(value: string): string | null {
  const m = ISO_LIKE.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return null;
  }
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(asUtc);
  const consistent =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!consistent) return null;
  const zone = (m[8] ?? 'Z').toUpperCase().replace(':', '');
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const iso = new Date(asUtc - offsetMinutes * 60_000).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function locate(where: RecordLocation): string {
  return where.record === undefined ? where.source : `${where.source} record ${where.record}`;
}

function inputError(where: RecordLocation, message: string, cause?: unknown): InputError {
  return new InputError(
    `${locate(where)}: ${message}`,
    where.source,
    where.record,
    cause === undefined ? undefined : { cause },
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(record)';
  if (issue.code === 'invalid_type' && /received (undefined|null)$/.test(issue.message))
    return `${path} is missing`;
  return `${path}: ${issue.message}`;
}

interface Envelope {
  record: JsonObject;
  /** EventBridge's `region` / `account`, fallbacks when the record lacks awsRegion / recipientAccountId. */
  region: string | null;
  account: string | null;
}

type Unwrapped = { kind: 'record'; envelope: Envelope } | { kind: 'skipped'; eventName: string };

function stringField(obj: JsonObject, key: string): string | null {
  const v = obj[key];
  return typeof v === 'string' ? v : null;
}

/** Finds the CloudTrail record inside its envelope, and answers "not a web identity event" as early as possible. */
function unwrap(value: unknown, where: RecordLocation): Unwrapped {
  if (!isObject(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw inputError(where, `expected a CloudTrail record or EventBridge event (a JSON object), got ${got}`);
  }

  // EventBridge: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html
  const detailType = value['detail-type'];
  if (detailType !== undefined) {
    if (typeof detailType !== 'string') throw inputError(where, 'detail-type: expected a string');
    const detail = parseJsonText(value.detail);
    if (!isObject(detail)) throw inputError(where, 'detail is missing or not an object');
    if (detailType !== CLOUDTRAIL_API_CALL_DETAIL_TYPE) {
      return { kind: 'skipped', eventName: stringField(detail, 'eventName') ?? detailType };
    }
    const eventName = detail.eventName;
    if (typeof eventName !== 'string') throw inputError(where, 'detail.eventName is missing');
    if (eventName !== WEB_IDENTITY_EVENT_NAME) return { kind: 'skipped', eventName };
    return {
      kind: 'record',
      envelope: {
        record: detail,
        region: stringField(value, 'region'),
        account: stringField(value, 'account'),
      },
    };
  }

  // LookupEvents: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html
  if (value.CloudTrailEvent !== undefined && value.eventName === undefined) {
    const lookupName = value.EventName;
    if (typeof lookupName === 'string' && lookupName !== WEB_IDENTITY_EVENT_NAME) {
      return { kind: 'skipped', eventName: lookupName };
    }
    const inner = parseJsonText(value.CloudTrailEvent);
    if (!isObject(inner)) throw inputError(where, 'CloudTrailEvent is not a JSON object');
    return unwrap(inner, where);
  }

  const eventName = value.eventName;
  if (typeof eventName !== 'string') {
    throw inputError(
      where,
      eventName === undefined ? 'eventName is missing' : 'eventName: expected a string',
    );
  }
  if (eventName !== WEB_IDENTITY_EVENT_NAME) return { kind: 'skipped', eventName };
  // CloudTrail Insights events reuse the API's eventName but describe a rate anomaly, not a call.
  // See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html
  if (value.eventType === 'AwsCloudTrailInsight')
    return { kind: 'skipped', eventName: `${eventName} (Insights)` };
  return { kind: 'record', envelope: { record: value, region: null, account: null } };
}

function accountFromArn(arn: string): string | null {
  const parts = arn.split(':');
  const account = parts[4];
  return parts.length >= 6 && account !== undefined && ACCOUNT_ID_PATTERN.test(account) ? account : null;
}

function endpointTypeOf(value: string | null | undefined): 'global' | 'regional' | null {
  const v = value?.toLowerCase();
  return v === 'global' || v === 'regional' ? v : null;
}

/** The response's subject when both are present and differ: which one is the token's cannot be told. */
function subjectConflictOf(
  userName: string | null | undefined,
  fromToken: string | null | undefined,
): string | null {
  if (userName === null || userName === undefined) return null;
  if (fromToken === null || fromToken === undefined) return null;
  return userName === fromToken ? null : fromToken;
}

function toAssumption(r: WebIdentityRecord, envelope: Envelope, where: RecordLocation): RoleAssumption {
  const eventTime = normalizeEventTime(r.eventTime);
  if (eventTime === null)
    throw inputError(where, `eventTime: not an ISO 8601 timestamp (${JSON.stringify(r.eventTime)})`);

  const request = r.requestParameters;
  const response = r.responseElements ?? null;
  const identity = r.userIdentity ?? null;

  const region = r.awsRegion ?? envelope.region;
  if (!region) throw inputError(where, 'awsRegion is missing');
  const accountId = r.recipientAccountId ?? envelope.account ?? accountFromArn(request.roleArn);
  if (!accountId)
    throw inputError(where, 'recipientAccountId is missing (and requestParameters.roleArn names no account)');

  const identityProvider = identity?.identityProvider ?? null;
  const providerIssuer = identityProvider === null ? null : issuerFromProvider(identityProvider);
  const responseIssuer = response?.provider ? issuerFromProvider(response.provider) : null;

  return {
    eventId: r.eventID,
    eventTime,
    eventVersion: r.eventVersion ?? null,
    accountId,
    region,
    roleArn: request.roleArn,
    roleSessionName: request.roleSessionName ?? null,
    // Never split principalId (`<provider>:<aud>:<sub>`): the aud of a GitLab token is a URL with colons.
    subject: identity?.userName ?? response?.subjectFromWebIdentityToken ?? null,
    subjectConflict: subjectConflictOf(identity?.userName, response?.subjectFromWebIdentityToken),
    identityProvider,
    issuer: providerIssuer ?? responseIssuer,
    audience: response?.audience ?? null,
    errorCode: r.errorCode ?? null,
    errorMessage: r.errorMessage ?? null,
    sourceIp: r.sourceIPAddress ?? null,
    userAgent: r.userAgent ?? null,
    endpointType: endpointTypeOf(r.additionalEventData?.RequestDetails?.endpointType),
    durationSeconds: request.durationSeconds ?? null,
    sourceIdentity: request.sourceIdentity ?? response?.sourceIdentity ?? null,
    assumedRoleArn: response?.assumedRoleUser?.arn ?? null,
  };
}

/**
 * Normalizes one CloudTrail record or EventBridge event. Other event names → `skipped` (checked before any schema
 * work, so skipping is cheap). Malformed input → throws InputError naming the field, `where.source`, `where.record`.
 * A failed attempt (errorCode, no responseElements) is still an assumption: on a production role it is a probe.
 */
export function normalizeRecord(value: unknown, where: RecordLocation): NormalizeResult {
  const unwrapped = unwrap(value, where);
  if (unwrapped.kind === 'skipped') return unwrapped;
  const parsed = WebIdentityRecordSchema.safeParse(unwrapped.envelope.record);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw inputError(where, first ? describeIssue(first) : 'invalid record', parsed.error);
  }
  return { kind: 'assumption', assumption: toAssumption(parsed.data, unwrapped.envelope, where) };
}
