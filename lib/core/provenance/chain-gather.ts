/**
 * Reads a downstream pipeline's upstream chain from GitLab: GraphQL `Pipeline.upstream` (one request for the whole
 * chain, nested to `maxChainDepth`), else, for child pipelines, the REST bridges of the candidate parents (same
 * project, same ref, created no later than the child), whose `downstream_pipeline` names the child.
 * See: https://docs.gitlab.com/api/graphql/reference/#pipeline and https://docs.gitlab.com/api/jobs/#list-pipeline-trigger-jobs
 */
import type { ProductionRole } from '../config';
import type { Fact } from '../checks/check';
import type { GitLabPipeline, GitLabPort, RepositoryRef, UpstreamPipeline } from '../gitlab-port';
import { lookup } from '../lookup';
import type { SubjectClaim } from '../subject';
import { linksNeedingRefLookup } from './chain';
import type { ResolvedChain } from './model';

export interface ChainInput {
  readonly port: GitLabPort;
  readonly role: ProductionRole;
  readonly subject: SubjectClaim;
  readonly projectPath: string | null;
  readonly maxDepth: number;
  /** Pipelines of the same project and ref listed for the event's window: the possible parents. */
  readonly listed: readonly GitLabPipeline[];
  readonly maxBridgeLookups: number;
}

function asUpstream(p: GitLabPipeline): UpstreamPipeline {
  return {
    id: p.id,
    iid: p.iid,
    projectId: p.projectId,
    projectPath: null,
    ref: p.ref,
    refPath: null,
    source: p.source,
    status: p.status,
    createdAt: p.createdAt,
  };
}

function createdNoLater(parent: GitLabPipeline, child: GitLabPipeline): boolean {
  if (parent.createdAt === null || child.createdAt === null) return true;
  return Date.parse(parent.createdAt) <= Date.parse(child.createdAt);
}

/** Finds the parent among the listed pipelines through their bridges; `budget` bounds the requests. */
async function parentByBridges(
  input: ChainInput,
  child: GitLabPipeline,
  budget: { left: number },
): Promise<Fact<GitLabPipeline>> {
  const parents = input.listed.filter((p) => p.id !== child.id && createdNoLater(p, child));
  for (const parent of parents) {
    if (budget.left <= 0)
      return {
        status: 'unavailable',
        detail: `more possible parents than the ${input.maxBridgeLookups} bridge lookups allowed`,
      };
    budget.left -= 1;
    const bridges = await lookup(() => input.port.listPipelineBridges(parent.projectId, parent.id));
    if (bridges.status !== 'found')
      return { status: 'unavailable', detail: `bridges of pipeline ${parent.id}: ${bridges.detail}` };
    if (bridges.value.some((b) => b.downstreamPipeline?.id === child.id))
      return { status: 'found', value: parent };
  }
  return {
    status: 'not_found',
    detail: `no listed pipeline of the ref triggered child pipeline ${child.id}`,
  };
}

async function chainByBridges(
  input: ChainInput,
  pipeline: GitLabPipeline,
): Promise<Fact<readonly UpstreamPipeline[]>> {
  const links: UpstreamPipeline[] = [];
  const budget = { left: input.maxBridgeLookups };
  let current = pipeline;
  while (links.length < input.maxDepth) {
    const parent = await parentByBridges(input, current, budget);
    if (parent.status !== 'found') return parent;
    links.push(asUpstream(parent.value));
    if (parent.value.source !== 'parent_pipeline') return { status: 'found', value: links };
    current = parent.value;
  }
  return { status: 'not_found', detail: `the chain is deeper than ${input.maxDepth} levels` };
}

async function chainByGraphql(
  input: ChainInput,
  pipeline: GitLabPipeline,
): Promise<Fact<readonly UpstreamPipeline[]>> {
  if (input.projectPath === null || pipeline.iid === null)
    return { status: 'skipped', detail: 'no project path or pipeline iid for GraphQL' };
  const path = input.projectPath;
  const iid = pipeline.iid;
  const chain = await lookup(() => input.port.getPipelineUpstream(path, iid, input.maxDepth));
  if (chain.status !== 'found') return chain;
  if (!chain.value.complete)
    return {
      status: 'not_found',
      detail: `the chain is deeper than ${input.maxDepth} levels (provenance.maxChainDepth)`,
    };
  return { status: 'found', value: chain.value.links };
}

/** Whether each link that needs it runs on a protected ref of its project (branch or tag, from its refPath). */
async function linkRefs(input: ChainInput, pipeline: GitLabPipeline, links: readonly UpstreamPipeline[]) {
  const needed = linksNeedingRefLookup(links, pipeline, input.role, input.subject);
  const entries = await Promise.all(
    needed.map(async (l): Promise<readonly [number, Fact<RepositoryRef>]> => {
      const ref = l.ref ?? '';
      const isTag = l.refPath?.startsWith('refs/tags/') ?? false;
      const fact = await lookup(() =>
        isTag ? input.port.getTag(l.projectId, ref) : input.port.getBranch(l.projectId, ref),
      );
      return [l.id, fact] as const;
    }),
  );
  return new Map(entries);
}

/** The upstream chain of a downstream pipeline: GraphQL first; bridges for a child pipeline when GraphQL cannot tell. */
export async function resolveChain(
  input: ChainInput,
  pipeline: GitLabPipeline,
): Promise<Fact<ResolvedChain>> {
  let links = await chainByGraphql(input, pipeline);
  let via: ResolvedChain['via'] = 'graphql';
  if (links.status !== 'found' && pipeline.source === 'parent_pipeline') {
    const byBridges = await chainByBridges(input, pipeline);
    if (byBridges.status === 'found' || links.status === 'skipped') {
      links = byBridges;
      via = 'bridges';
    }
  }
  if (links.status !== 'found') return links;
  return {
    status: 'found',
    value: { links: links.value, via, linkRefs: await linkRefs(input, pipeline, links.value) },
  };
}
