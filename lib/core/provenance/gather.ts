/**
 * Gathers provenance from GitLab, lazily and only what the role's policy needs: the ref's pipelines in the event's
 * window (one list request), each one's jobs (finished pipelines' jobs are cached by the adapter), the chain of
 * downstream candidates, and the deployments and protected environments when jobRequirements ask for them.
 */
import type { RoleAssumption } from '../assumption';
import type { Config, ProductionRole } from '../config';
import type { Fact } from '../checks/check';
import { normalizePipelineRef } from '../checks/pipeline-identity';
import type { GitLabJob, GitLabPipeline, GitLabPort, Lookup } from '../gitlab-port';
import { lookup } from '../lookup';
import type { SubjectClaim } from '../subject';
import { candidatesOf } from './candidates';
import { resolveChain } from './chain-gather';
import { requirementsOf } from './job-rules';
import {
  DOWNSTREAM_SOURCES,
  NO_JOB_FACTS,
  skippedProvenance,
  type ConsideredPipeline,
  type JobFacts,
  type Provenance,
} from './model';
import { listWindow, mayHoldMintingJob, pipelineRelation, timingOf, type Timing } from './time-window';

export interface ProvenanceInput {
  readonly port: GitLabPort;
  readonly config: Config;
  readonly assumption: RoleAssumption;
  readonly role: ProductionRole;
  readonly subject: SubjectClaim;
  /** X, the token's project (null: unresolved). */
  readonly projectId: number | null;
  /** X's path (for GraphQL), when known. */
  readonly projectPath: string | null;
  /** branch/tag when known (sub or repository); jobs of the other type are left out. */
  readonly refType: string | null;
  /** The pipeline the session name names, when it was looked up singly (it was not in the list). */
  readonly named: {
    readonly id: number;
    readonly pipeline: Fact<GitLabPipeline>;
    readonly consistent: boolean;
  } | null;
}

/**
 * The list requests for the event's window; started early (in parallel with the project lookup) by the caller.
 * GitLab filters on `updated_at`, and a pipeline's updated_at moves only when its status does: one that has been
 * `running` since before the window (a long first job, then the deploy job) would be missed. So while the event is
 * recent enough for such a pipeline to still be running (`now` within the window), the ref's running pipelines are
 * listed too, whatever their updated_at, and merged.
 */
export async function listCandidates(
  port: GitLabPort,
  config: Config,
  project: number | string,
  ref: string,
  eventTime: string,
  nowMs: number,
): Promise<Lookup<readonly GitLabPipeline[]>> {
  const timing = timingOf(config.provenance);
  const eventMs = Date.parse(eventTime);
  const window = listWindow(eventMs, timing);
  // One more than the budget: a full page means "more than the budget".
  const perPage = config.provenance.maxCandidatePipelines + 1;
  const recent = nowMs <= eventMs + timing.maxTokenLifetimeMs + timing.clockSkewMs;
  const [windowed, running] = await Promise.all([
    lookup(() => port.listPipelines(project, { ref, ...window, perPage })),
    recent
      ? lookup(() =>
          port.listPipelines(project, {
            ref,
            updatedAfter: null,
            createdBefore: window.createdBefore,
            perPage,
            status: 'running',
          }),
        )
      : null,
  ]);
  if (running === null || windowed.status !== 'found') return windowed;
  if (running.status !== 'found') return running;
  const seen = new Set(windowed.value.map((p) => p.id));
  return { status: 'found', value: [...windowed.value, ...running.value.filter((p) => !seen.has(p.id))] };
}

/** Listed pipelines of X on the ref that can hold the minting job (GitLab's filters are re-applied). */
export function inWindow(
  list: readonly GitLabPipeline[],
  projectId: number,
  ref: string,
  eventMs: number,
  timing: Timing,
): GitLabPipeline[] {
  return list.filter(
    (p) =>
      p.projectId === projectId &&
      normalizePipelineRef(p.ref).name === ref &&
      mayHoldMintingJob(p, eventMs, timing),
  );
}

/** Jobs of the other ref type (a tag named like the branch has pipelines with the same ref) cannot be the minter. */
function sameRefType(jobs: readonly GitLabJob[], refType: string | null): readonly GitLabJob[] {
  if (refType !== 'branch' && refType !== 'tag') return jobs;
  return jobs.filter((j) => j.tag === null || j.tag === (refType === 'tag'));
}

/** The list entity has no user and no tag flag: the jobs carry both. */
function enrich(p: GitLabPipeline, jobs: readonly GitLabJob[]): GitLabPipeline {
  const first = jobs[0];
  if (first === undefined) return p;
  return { ...p, username: p.username ?? first.username, tag: p.tag ?? first.tag };
}

async function consider(
  input: ProvenanceInput,
  pipeline: GitLabPipeline,
  named: boolean,
  timing: Timing,
): Promise<ConsideredPipeline> {
  const projectId = pipeline.projectId;
  const jobs = await lookup(() => input.port.listPipelineJobs(projectId, pipeline));
  const skipped: Fact<never> = { status: 'skipped', detail: 'not downstream' };
  if (jobs.status !== 'found') return { pipeline, named, jobs, relation: null, chain: skipped };
  const own = sameRefType(jobs.value, input.refType);
  const eventMs = Date.parse(input.assumption.eventTime);
  const relation = pipelineRelation(pipeline.id, own, eventMs, timing);
  return {
    pipeline: enrich(pipeline, own),
    named,
    jobs: { status: 'found', value: own },
    relation,
    chain: skipped,
  };
}

/** Statuses after which a pipeline's jobs are all finished; its updated_at is then no earlier than its finish. */
const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);

/**
 * Reads jobs in two phases to spare requests: first every pipeline that can have had a job RUNNING at the event
 * (not finished, or finished no earlier than the event minus skew) and the named one; only when none was running,
 * the older ones, whose tokens may still have been valid (a token used after its job).
 */
async function considerInPhases(
  input: ProvenanceInput,
  toConsider: readonly { pipeline: GitLabPipeline; named: boolean }[],
  timing: Timing,
): Promise<ConsideredPipeline[]> {
  const since = Date.parse(input.assumption.eventTime) - timing.clockSkewMs;
  const mayRun = (p: GitLabPipeline): boolean =>
    !FINISHED.has(p.status ?? '') || p.updatedAt === null || Date.parse(p.updatedAt) >= since;
  const first = toConsider.filter((c) => c.named || mayRun(c.pipeline));
  const later = toConsider.filter((c) => !c.named && !mayRun(c.pipeline));
  const read = (list: typeof toConsider) =>
    Promise.all(list.map((c) => consider(input, c.pipeline, c.named, timing)));
  const considered = await read(first);
  if (later.length === 0 || considered.some((c) => c.relation?.kind === 'running')) return considered;
  return [...considered, ...(await read(later))];
}

function needsChain(c: ConsideredPipeline, role: ProductionRole): boolean {
  const source = c.pipeline.source;
  return (
    source !== null &&
    DOWNSTREAM_SOURCES.has(source) &&
    (role.downstreamPipelines.allowedSources as readonly string[]).includes(source) &&
    c.relation !== null &&
    c.relation.kind !== 'outside'
  );
}

async function withChains(
  input: ProvenanceInput,
  considered: readonly ConsideredPipeline[],
  listed: readonly GitLabPipeline[],
): Promise<ConsideredPipeline[]> {
  let projectPath = input.projectPath;
  if (projectPath === null && input.projectId !== null && considered.some((c) => needsChain(c, input.role))) {
    const id = input.projectId;
    const project = await lookup(() => input.port.getProject(id));
    projectPath = project.status === 'found' ? project.value.pathWithNamespace : null;
  }
  const chainInput = {
    port: input.port,
    role: input.role,
    subject: input.subject,
    projectPath,
    maxDepth: input.config.provenance.maxChainDepth,
    listed,
    maxBridgeLookups: input.config.provenance.maxCandidatePipelines,
  };
  return Promise.all(
    considered.map(async (c) =>
      needsChain(c, input.role) ? { ...c, chain: await resolveChain(chainInput, c.pipeline) } : c,
    ),
  );
}

/** Deployments and protected environments, only when a requirement needs them and the signed sub does not settle it. */
async function gatherJobFacts(
  input: ProvenanceInput,
  considered: readonly ConsideredPipeline[],
): Promise<JobFacts> {
  const req = input.role.jobRequirements;
  const requirements = requirementsOf(req);
  if (req === undefined || requirements.length === 0) return NO_JOB_FACTS;
  const projectId = input.projectId;
  const wantsEnvironment =
    requirements.includes('environment') || requirements.includes('protectedEnvironment');
  const live = candidatesOf({ status: 'judged', detail: '', listedCount: 0, considered, job: NO_JOB_FACTS });
  const skip: Fact<never> = { status: 'skipped', detail: 'not needed' };
  if (projectId === null || live.length === 0)
    return { required: true, deployments: skip, protectedEnvironments: skip };
  const environments = req.environments ?? [];
  const exact =
    environments.length === 1 && !/[*?]/.test(environments[0] ?? '*') ? (environments[0] ?? null) : null;
  const window = listWindow(Date.parse(input.assumption.eventTime), timingOf(input.config.provenance));
  const [deployments, protectedEnvironments] = await Promise.all([
    wantsEnvironment && input.subject.environment === null
      ? lookup(() =>
          input.port.listDeployments(projectId, { updatedAfter: window.updatedAfter, environment: exact }),
        )
      : skip,
    requirements.includes('protectedEnvironment') && input.subject.environmentProtected === null
      ? lookup(() => input.port.listProtectedEnvironments(projectId))
      : skip,
  ]);
  return { required: true, deployments, protectedEnvironments };
}

/** Provenance for one assumption; `list` is the (possibly prefetched) answer of listCandidates. */
export async function gatherProvenance(
  input: ProvenanceInput,
  list: Lookup<readonly GitLabPipeline[]>,
): Promise<Provenance> {
  const ref = input.subject.ref;
  if (input.projectId === null || ref === null)
    return skippedProvenance("the token's project or ref is unknown");
  if (list.status !== 'found')
    return {
      ...skippedProvenance(`the pipelines of ref ${JSON.stringify(ref)}: ${list.detail}`),
      status: 'unavailable',
    };
  const timing = timingOf(input.config.provenance);
  const eventMs = Date.parse(input.assumption.eventTime);
  const listed = inWindow(list.value, input.projectId, ref, eventMs, timing);
  const max = input.config.provenance.maxCandidatePipelines;
  if (listed.length > max || list.value.length > max) {
    const detail = `more than ${max} pipelines of ref ${JSON.stringify(ref)} were active around the event (provenance.maxCandidatePipelines)`;
    return { ...skippedProvenance(detail), status: 'over_budget', listedCount: list.value.length };
  }
  const namedId = input.named?.id ?? null;
  const toConsider: { pipeline: GitLabPipeline; named: boolean }[] = listed.map((p) => ({
    pipeline: p,
    named: p.id === namedId,
  }));
  const namedListed = list.value.find((p) => p.id === namedId && p.projectId === input.projectId);
  if (namedListed && !listed.some((p) => p.id === namedListed.id))
    toConsider.push({ pipeline: namedListed, named: true });
  const single = input.named?.pipeline;
  if (!namedListed && input.named?.consistent && single?.status === 'found')
    toConsider.push({ pipeline: single.value, named: true });
  const considered = await considerInPhases(input, toConsider, timing);
  const chained = await withChains(input, considered, listed);
  const job = await gatherJobFacts(input, chained);
  return { status: 'judged', detail: '', listedCount: listed.length, considered: chained, job };
}
