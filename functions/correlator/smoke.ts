/**
 * The correlator's handling of a smoke event (lib/core/smoke.ts says why it cannot forge a verdict): judge the
 * synthetic assumption with the real engine, ask each trusted GitLab for one pinned project, and write the result
 * under smoke/ in the decision-log bucket. No alert is published and nothing is written under decisions/.
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales out of the Lambda bundle.
import * as z from 'zod';
import type { SmokeLog } from '../../lib/adapters/s3-smoke-log';
import type { Config } from '../../lib/core/config';
import { createEvaluator } from '../../lib/core/correlate';
import type { GitLabDirectory } from '../../lib/core/gitlab-port';
import type { Logger } from '../../lib/core/logger';
import { probeGitLab, type SmokeResult, SmokeDetailSchema, smokeAssumption } from '../../lib/core/smoke';

const SmokeEnvelope = z
  .object({
    id: z.string().min(1).max(128),
    account: z.string().regex(/^[0-9]{12}$/),
    region: z.string().min(1).max(32),
    detail: SmokeDetailSchema,
  })
  .loose();

export type SmokeOutcome =
  | { readonly outcome: 'smoke'; readonly smokeTestId: string }
  | { readonly outcome: 'malformed'; readonly error: string };

export interface SmokeDeps {
  readonly config: Config;
  readonly smoke: SmokeLog;
  readonly gitlab: () => Promise<GitLabDirectory>;
  readonly logger: Logger;
  readonly now: () => Date;
}

export async function handleSmokeEvent(event: unknown, deps: SmokeDeps): Promise<SmokeOutcome> {
  const parsed = SmokeEnvelope.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const error = `not a valid smoke event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`;
    deps.logger.warn({ error }, 'smoke event dropped');
    return { outcome: 'malformed', error };
  }
  const { id, account, region, detail } = parsed.data;
  const gitlab = await deps.gitlab();
  // The real engine, on an assumption built here from the envelope's account: nothing in the detail decides it.
  const verdict = await createEvaluator({ config: deps.config, gitlab, now: deps.now }).evaluate(
    smokeAssumption(detail, { account, region }),
  );
  const result: SmokeResult = {
    kind: 'smoke-test',
    smokeTestId: detail.smokeTestId,
    requestedAt: detail.requestedAt,
    receivedAt: deps.now().toISOString(),
    eventBridgeId: id,
    account,
    region,
    verdict,
    gitlab: await probeGitLab(deps.config, gitlab),
  };
  await deps.smoke.record(result);
  deps.logger.info(
    {
      smokeTestId: detail.smokeTestId,
      verdict: verdict.verdict,
      gitlab: result.gitlab.map((p) => ({ issuer: p.issuer, status: p.status })),
    },
    'smoke test answered',
  );
  return { outcome: 'smoke', smokeTestId: detail.smokeTestId };
}
