/**
 * Is the pipeline the session name points at the pipeline that minted the token? The session name is chosen by the
 * caller; the sub is signed by GitLab. Shared by SESSION_NAME_MISMATCH, PIPELINE_SOURCE_NOT_ALLOWED and the fact
 * gathering (which reads the ref type off the pipeline only when the pipeline is the token's).
 */
import type { RoleAssumption } from '../assumption';
import type { GitLabMergeRequest, GitLabPipeline } from '../gitlab-port';
import type { ParsedSessionName } from '../session-name';
import type { SubjectClaim } from '../subject';
import { namedJobMismatch } from '../provenance/candidates';
import type { CheckContext, Fact } from './check';

/**
 * Merge-request pipelines run on `refs/merge-requests/<iid>/head` (or `/merge` for merged results, `/train` for
 * merge trains) while the token's ref is the MR's source branch.
 * See: https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/
 */
const MERGE_REQUEST_REF = /^refs\/merge-requests\/([1-9][0-9]{0,15})\/(head|merge|train)$/;

export function mergeRequestIid(pipelineRef: string): number | null {
  const m = MERGE_REQUEST_REF.exec(pipelineRef);
  if (!m?.[1]) return null;
  const iid = Number(m[1]);
  return Number.isSafeInteger(iid) ? iid : null;
}

/** A pipeline ref may be given as `main` or as `refs/heads/main` / `refs/tags/v1`. */
export function normalizePipelineRef(ref: string): {
  readonly name: string;
  readonly kind: 'branch' | 'tag' | null;
} {
  if (ref.startsWith('refs/heads/')) return { name: ref.slice('refs/heads/'.length), kind: 'branch' };
  if (ref.startsWith('refs/tags/')) return { name: ref.slice('refs/tags/'.length), kind: 'tag' };
  return { name: ref, kind: null };
}

/**
 * Tolerance for clock differences between GitLab and AWS when checking that the pipeline existed before the
 * assumption (a pipeline created after the call cannot have minted its token).
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface PipelineIdentityInput {
  readonly assumption: RoleAssumption;
  readonly subject: SubjectClaim;
  readonly session: ParsedSessionName | null;
  /** X, the token's project; null when unresolved. */
  readonly projectId: number | null;
  readonly pipeline: Fact<GitLabPipeline>;
  readonly mergeRequest: Fact<GitLabMergeRequest>;
}

export type PipelineIdentity =
  /** No session name parsed, or no pipeline found: nothing to compare. */
  | { readonly status: 'not_applicable' }
  | { readonly status: 'consistent' }
  | { readonly status: 'mismatch'; readonly reasons: readonly string[] }
  /** A comparison needed a fact GitLab did not give (the MR behind an MR pipeline). */
  | { readonly status: 'unknown'; readonly reason: string };

/**
 * A merge-request pipeline (`refs/merge-requests/<iid>/head`): its merge request's source branch and project must be
 * the token's ref and project. Adds to `reasons`; returns why it could not be told when the merge request is unknown.
 */
function mergeRequestReasons(
  p: GitLabPipeline,
  iid: number,
  input: PipelineIdentityInput,
  reasons: string[],
): string | null {
  const { subject, projectId, mergeRequest } = input;
  if (mergeRequest.status !== 'found') {
    if (reasons.length > 0) return null;
    return mergeRequest.status === 'skipped'
      ? `merge request !${iid} was not looked up`
      : `merge request !${iid}: ${mergeRequest.detail}`;
  }
  const mr = mergeRequest.value;
  if (mr.sourceBranch !== subject.ref) {
    reasons.push(
      `pipeline ${p.id} ran for merge request !${iid} whose source branch is ${JSON.stringify(mr.sourceBranch)}, ` +
        `but the token's ref is ${JSON.stringify(subject.ref)}`,
    );
  }
  if (mr.sourceProjectId !== null && projectId !== null && mr.sourceProjectId !== projectId) {
    reasons.push(
      `merge request !${iid} comes from project ${mr.sourceProjectId}, not from the token's project ${projectId}`,
    );
  }
  if (subject.refType !== null && subject.refType !== 'branch') {
    reasons.push(
      `pipeline ${p.id} is a merge-request pipeline but the token's ref_type is ${JSON.stringify(subject.refType)}`,
    );
  }
  return null;
}

/** A branch or tag pipeline: its ref and kind must be the token's. Adds to `reasons`; never unknown. */
function refReasons(p: GitLabPipeline, subject: SubjectClaim, reasons: string[]): null {
  const ref = normalizePipelineRef(p.ref);
  if (ref.name !== subject.ref) {
    reasons.push(
      `pipeline ${p.id} ran for ref ${JSON.stringify(p.ref)} but the token's ref is ${JSON.stringify(subject.ref)}`,
    );
  }
  const pipelineKind = ref.kind ?? (p.tag === null ? null : p.tag ? 'tag' : 'branch');
  if (pipelineKind !== null && subject.refType !== null && pipelineKind !== subject.refType) {
    reasons.push(
      `pipeline ${p.id} ran for a ${pipelineKind} but the token's ref_type is ${JSON.stringify(subject.refType)}`,
    );
  }
  return null;
}

/**
 * Compares what the session name claims, and what GitLab says about the pipeline it names, with the signed sub.
 * The session name's own project_id is compared even when the pipeline was not found.
 */
export function pipelineIdentity(input: PipelineIdentityInput): PipelineIdentity {
  const { subject, session, projectId, pipeline, assumption } = input;
  if (!session) return { status: 'not_applicable' };
  const reasons: string[] = [];
  if (session.projectId !== null && projectId !== null && session.projectId !== projectId) {
    reasons.push(
      `the session name claims project ${session.projectId} but the token's sub is from project ${projectId}`,
    );
  }
  if (pipeline.status !== 'found') {
    return reasons.length > 0 ? { status: 'mismatch', reasons } : { status: 'not_applicable' };
  }
  const p = pipeline.value;
  if (projectId !== null && p.projectId !== projectId) {
    reasons.push(
      `pipeline ${p.id} belongs to project ${p.projectId}, not to the token's project ${projectId}`,
    );
  }
  const iid = mergeRequestIid(p.ref);
  const unknown =
    iid === null ? refReasons(p, subject, reasons) : mergeRequestReasons(p, iid, input, reasons);
  const created = p.createdAt === null ? Number.NaN : Date.parse(p.createdAt);
  const called = Date.parse(assumption.eventTime);
  if (Number.isFinite(created) && Number.isFinite(called) && created > called + CLOCK_SKEW_MS) {
    reasons.push(
      `pipeline ${p.id} was created at ${p.createdAt ?? ''}, after the assumption at ${assumption.eventTime}`,
    );
  }
  if (reasons.length > 0) return { status: 'mismatch', reasons };
  if (unknown !== null) return { status: 'unknown', reason: unknown };
  return { status: 'consistent' };
}

/**
 * What GitLab's jobs say about the named pipeline: it cannot have minted a token used at the event time when none
 * of its jobs was running then (nor had a still-valid token), and a named job must be one of its jobs running then.
 */
function timeReasons(ctx: CheckContext): string[] {
  const named = ctx.facts.provenance.considered.find((c) => c.named);
  const reasons: string[] = [];
  if (named?.relation?.kind === 'outside')
    reasons.push(`${named.relation.reason} (event at ${ctx.assumption.eventTime})`);
  const job = namedJobMismatch(ctx.facts.provenance, ctx.session);
  if (job !== null) reasons.push(job);
  return reasons;
}

/** pipelineIdentity over a check context, with the jobs' timing (not_applicable when GitLab-side checks do not apply). */
export function identityOf(ctx: CheckContext): PipelineIdentity {
  if (!ctx.correlated || !ctx.subject) return { status: 'not_applicable' };
  const identity = pipelineIdentity({
    assumption: ctx.assumption,
    subject: ctx.subject,
    session: ctx.session,
    projectId: ctx.facts.projectId,
    pipeline: ctx.facts.pipeline,
    mergeRequest: ctx.facts.mergeRequest,
  });
  if (identity.status === 'not_applicable') return identity;
  const timing = timeReasons(ctx);
  if (timing.length === 0) return identity;
  return {
    status: 'mismatch',
    reasons: [...(identity.status === 'mismatch' ? identity.reasons : []), ...timing],
  };
}
