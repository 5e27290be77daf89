/**
 * The policy, GitLab data and CloudTrail events the integration tests share: one pinned project with a protected
 * `main`, push pipelines on `main` (good) and on an unprotected feature branch (alert).
 */
import type { ConfigInput } from '../../../lib/core/config';
import type { StandinData } from '../../../tools/gitlab-standin';
import {
  makeEventBridgeEvent,
  makeWebIdentityRecord,
  type WebIdentityRecordFixture,
} from '../../../tools/cloudtrail-records';

export const ISSUER_HOST = 'gitlab.example.com';
export const ISSUER = `https://${ISSUER_HOST}`;
export const PROJECT_ID = 4242;
export const PROJECT_PATH = 'acme/deploy';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/prod-deploy';

export interface ScenarioOptions {
  /** Per-lookup deadline (retries included). */
  readonly lookupTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Default: the product's default (60 s). */
  readonly functionTimeoutSeconds?: number;
  /** Provenance's timing (clock skew, longest token lifetime); default: the product's defaults. */
  readonly provenance?: { readonly clockSkewSeconds: number; readonly maxTokenLifetimeSeconds: number };
}

export function scenarioConfig(apiUrl: string, options: ScenarioOptions = {}): ConfigInput {
  return {
    trustedIssuers: [
      {
        issuer: ISSUER,
        apiUrl,
        lookupTimeoutMs: options.lookupTimeoutMs ?? 3000,
        maxRetries: options.maxRetries ?? 2,
      },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [PROJECT_ID],
        allowedProjectPaths: [PROJECT_PATH],
        allowedAudiences: [ISSUER],
        severity: 'critical',
      },
    ],
    ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
    deployment: {
      ...(options.functionTimeoutSeconds === undefined
        ? {}
        : { functionTimeoutSeconds: options.functionTimeoutSeconds }),
      reconcile: { enabled: true, lookbackHours: 48, regions: ['us-east-1'] },
    },
  };
}

/**
 * Pipelines `first`..`first+count-1`, alternating main (good) and feature/* (unprotected), created at `createdAt`, or
 * each `staggerSeconds` after the one before.
 */
export function scenarioGitLab(
  first: number,
  count: number,
  createdAt: string,
  staggerSeconds = 0,
): StandinData {
  const start = Date.parse(createdAt);
  return {
    projects: [{ id: PROJECT_ID, path_with_namespace: PROJECT_PATH, protected_branches: ['main'] }],
    pipelines: Array.from({ length: count }, (_, i) => ({
      id: first + i,
      project_id: PROJECT_ID,
      ref: goodPipeline(first + i) ? 'main' : `feature/f-${first + i}`,
      source: 'push',
      created_at: new Date(start + i * staggerSeconds * 1_000).toISOString(),
    })),
  };
}

/** Even pipeline ids run on main. */
export function goodPipeline(id: number): boolean {
  return id % 2 === 0;
}

export function scenarioRecord(
  eventId: string,
  pipelineId: number,
  eventTime: string,
): WebIdentityRecordFixture {
  const ref = goodPipeline(pipelineId) ? 'main' : `feature/f-${pipelineId}`;
  return makeWebIdentityRecord({
    eventId,
    eventTime,
    providerHost: ISSUER_HOST,
    audience: ISSUER,
    roleArn: ROLE_ARN,
    roleSessionName: `pipeline-${pipelineId}`,
    subject: `project_path:${PROJECT_PATH}:ref_type:branch:ref:${ref}`,
  });
}

/** The EventBridge event for a record, with a distinct EventBridge id per delivery. */
export function eventFor(
  record: WebIdentityRecordFixture,
  deliveryId: string,
): ReturnType<typeof makeEventBridgeEvent> {
  return { ...makeEventBridgeEvent(record), id: deliveryId };
}

/** CloudTrail's eventTime format (seconds, Z). */
export function cloudTrailTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
