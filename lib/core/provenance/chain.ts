/**
 * Downstream pipelines are judged by their chain. A child pipeline (source `parent_pipeline`) or a multi-project
 * downstream pipeline (source `pipeline`) was started by another pipeline; what matters is how the ROOT of the chain
 * was started (a push on main, or a leaked trigger token) and that every upstream pipeline ran in a project and on a
 * ref the policy accepts. Pure: reads the chain gathered from GitLab (GraphQL `Pipeline.upstream`, or REST bridges).
 * See: https://docs.gitlab.com/ci/pipelines/downstream_pipelines/
 */
import type { ProductionRole } from '../config';
import type { UpstreamPipeline } from '../gitlab-port';
import { explicitlyAllowedBy } from '../checks/ref-rules';
import type { SubjectClaim } from '../subject';
import { DOWNSTREAM_SOURCES, type ConsideredPipeline } from './model';

export type ChainVerdict =
  /** Not a downstream pipeline: its own source is judged. */
  | { readonly status: 'not_downstream' }
  /** A downstream pipeline of a kind the role does not allow (downstreamPipelines.allowedSources). */
  | { readonly status: 'kind_not_allowed'; readonly source: string }
  /** The chain could not be established (GitLab did not answer, no upstream found, deeper than the limit). */
  | { readonly status: 'unresolved'; readonly detail: string }
  | {
      readonly status: 'resolved';
      readonly root: UpstreamPipeline;
      /** Links in a project, on a ref or of a kind the policy does not accept (alert). */
      readonly problems: readonly string[];
      /** Facts about links that could not be established (unverified). */
      readonly unknowns: readonly string[];
    };

function allowedUpstreamProject(role: ProductionRole, projectId: number): boolean {
  return (
    role.allowedProjectIds.includes(projectId) ||
    role.downstreamPipelines.upstreamProjectIds.includes(projectId)
  );
}

/** A link's ref: the same project and ref as the token's were judged already; any other must be allowed or protected. */
function judgeLinkRef(
  link: UpstreamPipeline,
  c: ConsideredPipeline,
  role: ProductionRole,
  subject: SubjectClaim,
  resolved: Extract<ConsideredPipeline['chain'], { status: 'found' }>['value'],
): { readonly problem: string | null; readonly unknown: string | null } {
  const none = { problem: null, unknown: null };
  if (link.ref === null) return { problem: null, unknown: `upstream pipeline ${link.id} has no ref` };
  if (link.projectId === c.pipeline.projectId && link.ref === subject.ref) return none;
  if (explicitlyAllowedBy(role, link.ref) !== null) return none;
  const fact = resolved.linkRefs.get(link.id);
  if (fact === undefined || fact.status === 'skipped')
    return {
      problem: null,
      unknown: `the protection of ref ${JSON.stringify(link.ref)} of upstream pipeline ${link.id} was not looked up`,
    };
  if (fact.status !== 'found')
    return {
      problem: null,
      unknown: `ref ${JSON.stringify(link.ref)} of upstream pipeline ${link.id}: ${fact.detail}`,
    };
  if (fact.value.protected === true) return none;
  return {
    problem: `upstream pipeline ${link.id} (project ${link.projectId}) ran on ref ${JSON.stringify(link.ref)}, which is neither allowed nor protected`,
    unknown: null,
  };
}

/** Judges a considered pipeline's chain against the role: kind, every link's project and ref, completeness. */
export function judgeChain(c: ConsideredPipeline, role: ProductionRole, subject: SubjectClaim): ChainVerdict {
  const source = c.pipeline.source;
  if (source === null || !DOWNSTREAM_SOURCES.has(source)) return { status: 'not_downstream' };
  if (!(role.downstreamPipelines.allowedSources as readonly string[]).includes(source))
    return { status: 'kind_not_allowed', source };
  if (c.chain.status !== 'found')
    return { status: 'unresolved', detail: c.chain.status === 'skipped' ? 'not looked up' : c.chain.detail };
  const chain = c.chain.value;
  const root = chain.links[chain.links.length - 1];
  if (root === undefined)
    return {
      status: 'unresolved',
      detail: `GitLab shows no upstream pipeline for pipeline ${c.pipeline.id}`,
    };
  if (root.source !== null && DOWNSTREAM_SOURCES.has(root.source))
    return {
      status: 'unresolved',
      detail: `the chain ends at pipeline ${root.id}, itself a downstream pipeline (${root.source}) whose upstream GitLab does not show`,
    };
  const problems: string[] = [];
  const unknowns: string[] = [];
  chain.links.forEach((link, index) => {
    if (!allowedUpstreamProject(role, link.projectId))
      problems.push(
        `upstream pipeline ${link.id} ran in project ${link.projectId}, which is neither pinned nor an allowed upstream project`,
      );
    const isRoot = index === chain.links.length - 1;
    if (
      !isRoot &&
      link.source !== null &&
      !(role.downstreamPipelines.allowedSources as readonly string[]).includes(link.source)
    )
      problems.push(
        `upstream pipeline ${link.id} is itself a ${link.source} downstream pipeline, which the policy does not allow`,
      );
    const ref = judgeLinkRef(link, c, role, subject, chain);
    if (ref.problem !== null) problems.push(ref.problem);
    if (ref.unknown !== null) unknowns.push(ref.unknown);
  });
  return { status: 'resolved', root, problems, unknowns };
}

/** The source that decides: the pipeline's own, or its chain root's. Null when the chain does not give one. */
export function decidingSource(
  c: ConsideredPipeline,
  verdict: ChainVerdict,
): { readonly source: string | null; readonly pipelineId: number; readonly viaRoot: boolean } | null {
  if (verdict.status === 'not_downstream')
    return { source: c.pipeline.source, pipelineId: c.pipeline.id, viaRoot: false };
  if (verdict.status === 'resolved')
    return { source: verdict.root.source, pipelineId: verdict.root.id, viaRoot: true };
  return null;
}

/** Cross-project links (or same-project links on another ref) whose ref protection must be looked up. */
export function linksNeedingRefLookup(
  links: readonly UpstreamPipeline[],
  pipeline: ConsideredPipeline['pipeline'],
  role: ProductionRole,
  subject: SubjectClaim,
): readonly UpstreamPipeline[] {
  return links.filter(
    (l) =>
      l.ref !== null &&
      !(l.projectId === pipeline.projectId && l.ref === subject.ref) &&
      explicitlyAllowedBy(role, l.ref) === null &&
      allowedUpstreamProject(role, l.projectId),
  );
}
