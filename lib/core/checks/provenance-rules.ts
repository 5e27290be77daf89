/**
 * Which pipelines the source and chain checks judge: every candidate (a pipeline of the sub's project and ref with
 * a job running, or a still-valid token, at the event time), the named one or not. A candidate started by a
 * disallowed source is an alert even when the session name names a good one: the session name is the caller's.
 * When provenance could not be judged (list unavailable, over budget), the named pipeline, if it matches the sub,
 * is still judged: a trigger-started pipeline is an alert whatever else is unknown.
 */
import { candidatesOf } from '../provenance/candidates';
import { judgeChain, type ChainVerdict } from '../provenance/chain';
import type { ConsideredPipeline } from '../provenance/model';
import type { CheckContext } from './check';
import { pipelineIdentity } from './pipeline-identity';

const SKIPPED_CHAIN = { status: 'skipped', detail: 'provenance was not judged' } as const;

export function pipelinesForSource(ctx: CheckContext): readonly ConsideredPipeline[] {
  if (!ctx.correlated || !ctx.subject) return [];
  const p = ctx.facts.provenance;
  if (p.status === 'judged') return candidatesOf(p);
  const named = ctx.facts.pipeline;
  if (named.status !== 'found') return [];
  const identity = pipelineIdentity({
    assumption: ctx.assumption,
    subject: ctx.subject,
    session: ctx.session,
    projectId: ctx.facts.projectId,
    pipeline: named,
    mergeRequest: ctx.facts.mergeRequest,
  });
  if (identity.status !== 'consistent') return [];
  return [{ pipeline: named.value, named: true, jobs: SKIPPED_CHAIN, relation: null, chain: SKIPPED_CHAIN }];
}

/** Every judged pipeline with its chain verdict. */
export function chainVerdicts(
  ctx: CheckContext,
): ReadonlyArray<{ readonly c: ConsideredPipeline; readonly verdict: ChainVerdict }> {
  const subject = ctx.subject;
  if (!subject) return [];
  return pipelinesForSource(ctx).map((c) => ({ c, verdict: judgeChain(c, ctx.role, subject) }));
}

/** "pipeline 12 (named by the session name)" */
export function describePipeline(c: ConsideredPipeline): string {
  return `pipeline ${c.pipeline.id}${c.named ? ' (named by the session name)' : ''}`;
}
