import { selectMintingPipeline, candidatesOf } from '../provenance/candidates';
import { finding, type Check, type CheckContext } from './check';

/** The pipelines whose jobs had all finished (tokens still valid) when the token was used, when that is certain. */
function afterJob(ctx: CheckContext): string | null {
  const p = ctx.facts.provenance;
  const s = selectMintingPipeline(p);
  const describe = (id: number, jobs: readonly { id: number; finishedAt: string | null }[]) =>
    `pipeline ${id} (job${jobs.length === 1 ? '' : 's'} ${jobs.map((j) => `${j.id} finished ${j.finishedAt ?? '?'}`).join(', ')})`;
  if (s.kind === 'established') {
    const r = s.pipeline.relation;
    return r?.kind === 'token_alive' ? describe(s.pipeline.pipeline.id, r.jobs) : null;
  }
  if (s.kind !== 'several') return null;
  const candidates = candidatesOf(p);
  if (candidates.some((c) => c.relation?.kind === 'running')) return null;
  return candidates
    .map((c) => (c.relation?.kind === 'token_alive' ? describe(c.pipeline.id, c.relation.jobs) : ''))
    .join('; ');
}

/** TOKEN_USED_AFTER_JOB: the token was used after its job had finished, before it expired: taken out of its job. */
export const check: Check = {
  id: 'TOKEN_USED_AFTER_JOB',
  title: 'Token used after its job finished',
  description:
    'Alert when the minting pipeline (or every candidate) had no job running at the event time, but had a job that ' +
    'finished less than provenance.maxTokenLifetimeSeconds after it started: the ID token outlived its job and was ' +
    'used from somewhere else (printed in a log, uploaded as an artifact, sent out by a compromised dependency). ' +
    'Clock skew (provenance.clockSkewSeconds) is allowed on both ends. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    "Open the job's log and artifacts: was the ID token printed, written to a file or passed to a third-party tool?",
    'Compare the source IP and user agent of the call with the runner that ran the job.',
    'List what the session did (CloudTrail events with the assumed-role ARN); rotate what it could reach.',
    'Shorten the deploy job timeout: the token expires with it.',
  ],
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/',
  evaluate(ctx) {
    if (!ctx.correlated) return [];
    const what = afterJob(ctx);
    if (what === null) return [];
    return [
      finding(
        check,
        ctx,
        `the token was used at ${ctx.assumption.eventTime}, after its job had finished: ${what}`,
      ),
    ];
  },
};
