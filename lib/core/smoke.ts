/**
 * The smoke test: a synthetic, clearly marked event that proves the deployed path (bus → rule → correlator → engine →
 * decision-log bucket) and the GitLab token work, without a real pipeline.
 *
 * Why it cannot forge a verdict. Customers cannot put events whose source starts with `aws.` on a bus (PutEvents
 * rejects them), so the smoke event has its own source and detail-type, matched by its own rule, and the correlator
 * recognizes it by both before anything else. Its detail carries only an id and a time, never a CloudTrail record:
 * the correlator builds the synthetic assumption itself, for a role name no policy should match, in the account the
 * event came from. Its result goes under `smoke/`, never under `decisions/` (so it cannot make reconciliation skip a
 * real event) and never to the alert topic (so it cannot page anyone). Anyone who may put events on the bus can run
 * it; all it does is write one object under `smoke/` and ask GitLab for one project per trusted issuer.
 * See: https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html (source: `aws.` is reserved)
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales out of the Lambda bundle.
import * as z from 'zod';
import type { RoleAssumption } from './assumption';
import type { Config } from './config';
import type { GitLabDirectory } from './gitlab-port';
import type { Verdict } from './verdict';

/** EventBridge `source` of smoke events: not `aws.*`, so it can never be mistaken for CloudTrail's. */
export const SMOKE_SOURCE = 'gitlab-oidc-watch.smoke';
export const SMOKE_DETAIL_TYPE = 'GitLab OIDC Watch Smoke Test';
/** Where smoke results are written in the decision-log bucket (outside the decisions/ prefix). */
export const SMOKE_PREFIX = 'smoke/';
/** The role of the synthetic assumption; a policy that matches it has a roleArns glob that is too wide. */
export const SMOKE_ROLE_NAME = 'gitlab-oidc-watch-smoke-test';
/** The synthetic event id: a prefix no CloudTrail eventID (a UUID) has. */
export const SMOKE_EVENT_ID_PREFIX = 'smoke-';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The smoke event's detail: an id and a time, nothing the correlator would trust for a verdict. */
export const SmokeDetailSchema = z
  .object({
    smokeTestId: z.string().regex(UUID, 'a lowercase UUID'),
    requestedAt: z.iso.datetime(),
  })
  .strict();
export type SmokeDetail = z.output<typeof SmokeDetailSchema>;

/** Whether an EventBridge event is a smoke event (source AND detail-type). */
export function isSmokeEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { source, 'detail-type': detailType } = event as Record<string, unknown>;
  return source === SMOKE_SOURCE && detailType === SMOKE_DETAIL_TYPE;
}

export type GitLabProbeStatus = 'reachable' | 'not_found' | 'unavailable' | 'no_project_configured';

/** Whether the service can read one configured project from a trusted GitLab instance with its token. */
export interface GitLabProbe {
  readonly issuer: string;
  readonly projectId: number | null;
  readonly status: GitLabProbeStatus;
  readonly detail: string;
}

/** What the correlator writes for a smoke event and `oidc-watch smoke` reads back. */
export interface SmokeResult {
  readonly kind: 'smoke-test';
  readonly smokeTestId: string;
  readonly requestedAt: string;
  readonly receivedAt: string;
  readonly eventBridgeId: string;
  readonly account: string;
  readonly region: string;
  /** The engine's verdict on the synthetic assumption (expected: `ignored`, not a production role). */
  readonly verdict: Verdict;
  readonly gitlab: readonly GitLabProbe[];
}

export function smokeResultKey(smokeTestId: string): string {
  if (!UUID.test(smokeTestId)) throw new RangeError(`smoke test id is not a UUID: ${smokeTestId}`);
  return `${SMOKE_PREFIX}${smokeTestId}.json`;
}

/** The synthetic assumption: a role no policy should name, in the account the event came from; no sub, no issuer. */
export function smokeAssumption(
  detail: SmokeDetail,
  where: { account: string; region: string },
): RoleAssumption {
  return {
    eventId: `${SMOKE_EVENT_ID_PREFIX}${detail.smokeTestId}`,
    eventTime: detail.requestedAt,
    eventVersion: null,
    accountId: where.account,
    region: where.region,
    roleArn: `arn:aws:iam::${where.account}:role/${SMOKE_ROLE_NAME}`,
    roleSessionName: `smoke-${detail.smokeTestId.slice(0, 8)}`,
    subject: null,
    subjectConflict: null,
    identityProvider: null,
    issuer: null,
    audience: null,
    errorCode: null,
    errorMessage: null,
    sourceIp: null,
    userAgent: 'gitlab-oidc-watch-smoke',
    endpointType: null,
    durationSeconds: null,
    sourceIdentity: null,
    assumedRoleArn: null,
  };
}

/** The first pinned project of a production role that accepts this issuer (all roles accept all issuers by default). */
export function probeProjectFor(config: Config, issuer: string): number | null {
  for (const role of config.productionRoles) {
    if (role.issuers !== undefined && !role.issuers.includes(issuer)) continue;
    const first = role.allowedProjectIds[0];
    if (first !== undefined) return first;
  }
  return null;
}

/** Asks each trusted GitLab for one pinned project: proves reachability and that the token can see it. */
export async function probeGitLab(config: Config, gitlab: GitLabDirectory): Promise<GitLabProbe[]> {
  const probes: GitLabProbe[] = [];
  for (const { issuer } of config.trustedIssuers) {
    const projectId = probeProjectFor(config, issuer);
    const port = gitlab.forIssuer(issuer);
    if (projectId === null || port === undefined) {
      probes.push({
        issuer,
        projectId,
        status: 'no_project_configured',
        detail: 'no pinned project to ask for',
      });
      continue;
    }
    const lookup = await port.getProject(projectId);
    probes.push(
      lookup.status === 'found'
        ? { issuer, projectId, status: 'reachable', detail: `project ${lookup.value.pathWithNamespace}` }
        : { issuer, projectId, status: lookup.status, detail: lookup.detail },
    );
  }
  return probes;
}
