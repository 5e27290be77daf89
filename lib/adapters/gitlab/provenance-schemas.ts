/**
 * GitLab's JSON for the provenance lookups (issue 8), validated at the edge and mapped to the port's types.
 * Shapes from gitlabhq `lib/api/entities`: Ci::PipelineBasic (pipelines list), Ci::Job / Ci::JobBasic / Ci::Runner
 * (pipeline jobs), Ci::Bridge (`downstream_pipeline`), Branch and Tag (`protected`), Deployment (`environment`,
 * `deployable`), EE ProtectedEnvironment; GraphQL `Pipeline` (`upstream`, `refPath`, `source`, `project.fullPath`).
 * See: https://docs.gitlab.com/api/pipelines/#list-project-pipelines
 * See: https://docs.gitlab.com/api/jobs/#list-pipeline-jobs and #list-pipeline-trigger-jobs
 * See: https://docs.gitlab.com/api/deployments/ and https://docs.gitlab.com/api/protected_environments/
 * See: https://docs.gitlab.com/api/graphql/reference/#pipeline
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import type {
  GitLabBridge,
  GitLabDeployment,
  GitLabJob,
  ProtectedEnvironment,
  RepositoryRef,
  UpstreamChain,
  UpstreamPipeline,
} from '../../core/gitlab-port';
import { PipelineJsonSchema, toPipeline, toUtcIso } from './schemas';

const gitlabId = z.number().int().nonnegative();

export const PipelineListJsonSchema = z.array(PipelineJsonSchema);
export const toPipelineList = (json: z.output<typeof PipelineListJsonSchema>) => json.map(toPipeline);

const RunnerJsonSchema = z.object({
  id: gitlabId,
  description: z.string().nullish(),
  name: z.string().nullish(),
  is_shared: z.boolean().nullish(),
  runner_type: z.string().nullish(),
});

const JobJsonSchema = z.object({
  id: gitlabId,
  name: z.string(),
  stage: z.string().nullish(),
  status: z.string().nullish(),
  ref: z.string().nullish(),
  tag: z.boolean().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  finished_at: z.string().nullish(),
  user: z.object({ username: z.string().nullish() }).nullish(),
  pipeline: z.object({ id: gitlabId }).nullish(),
  runner: RunnerJsonSchema.nullish(),
  web_url: z.string().nullish(),
});

export const JobListJsonSchema = z.array(JobJsonSchema);

function toJob(json: z.output<typeof JobJsonSchema>): GitLabJob {
  const r = json.runner;
  return {
    id: json.id,
    name: json.name,
    stage: json.stage ?? null,
    status: json.status ?? null,
    ref: json.ref ?? null,
    tag: json.tag ?? null,
    createdAt: toUtcIso(json.created_at),
    startedAt: toUtcIso(json.started_at),
    finishedAt: toUtcIso(json.finished_at),
    pipelineId: json.pipeline?.id ?? null,
    username: json.user?.username ?? null,
    runner:
      r === null || r === undefined
        ? null
        : {
            id: r.id,
            description: r.description ?? null,
            name: r.name ?? null,
            isShared: r.is_shared ?? null,
            runnerType: r.runner_type ?? null,
          },
    webUrl: json.web_url ?? null,
  };
}

export const toJobList = (json: z.output<typeof JobListJsonSchema>): readonly GitLabJob[] => json.map(toJob);

export const BridgeListJsonSchema = z.array(
  z.object({
    id: gitlabId,
    name: z.string(),
    pipeline: z.object({ id: gitlabId }).nullish(),
    downstream_pipeline: z
      .object({
        id: gitlabId,
        project_id: gitlabId.nullish(),
        ref: z.string().nullish(),
        source: z.string().nullish(),
      })
      .nullish(),
  }),
);

export function toBridgeList(json: z.output<typeof BridgeListJsonSchema>): readonly GitLabBridge[] {
  return json.map((b) => ({
    id: b.id,
    name: b.name,
    pipelineId: b.pipeline?.id ?? null,
    downstreamPipeline: b.downstream_pipeline
      ? {
          id: b.downstream_pipeline.id,
          projectId: b.downstream_pipeline.project_id ?? null,
          ref: b.downstream_pipeline.ref ?? null,
          source: b.downstream_pipeline.source ?? null,
        }
      : null,
  }));
}

/** Branch and Tag entities both expose `name` and `protected`. */
export const RepositoryRefJsonSchema = z.object({ name: z.string(), protected: z.boolean().nullish() });
export const toRepositoryRef = (json: z.output<typeof RepositoryRefJsonSchema>): RepositoryRef => ({
  name: json.name,
  protected: json.protected ?? null,
});

export const DeploymentListJsonSchema = z.array(
  z.object({
    id: gitlabId,
    status: z.string().nullish(),
    environment: z.object({ name: z.string() }),
    deployable: z.object({ id: gitlabId, pipeline: z.object({ id: gitlabId }).nullish() }).nullish(),
  }),
);

export function toDeploymentList(
  json: z.output<typeof DeploymentListJsonSchema>,
): readonly GitLabDeployment[] {
  return json.map((d) => ({
    id: d.id,
    status: d.status ?? null,
    environmentName: d.environment.name,
    deployableJobId: d.deployable?.id ?? null,
    deployablePipelineId: d.deployable?.pipeline?.id ?? null,
  }));
}

export const ProtectedEnvironmentListJsonSchema = z.array(
  z.object({ name: z.string(), required_approval_count: z.number().int().nullish() }),
);
export const toProtectedEnvironments = (
  json: z.output<typeof ProtectedEnvironmentListJsonSchema>,
): readonly ProtectedEnvironment[] =>
  json.map((e) => ({ name: e.name, requiredApprovalCount: e.required_approval_count ?? null }));

// ---- GraphQL: project(fullPath).pipeline(iid).upstream... ----

const PIPELINE_FIELDS = 'id iid ref refPath source status createdAt project { id fullPath }';

/**
 * The chain query, nested `depth` levels plus one `{ id }` level that only tells whether the chain goes on.
 * Sent as GET (GitLab runs queries, not mutations, over GET: GraphqlController#disallow_mutations_for_get).
 */
export function upstreamQuery(depth: number): string {
  let nested = 'upstream { id }';
  for (let i = 0; i < depth; i += 1) nested = `upstream { ...P ${nested} }`;
  return (
    'query($fullPath: ID!, $iid: ID!) { project(fullPath: $fullPath) { pipeline(iid: $iid) { id ' +
    `${nested} } } } fragment P on Pipeline { ${PIPELINE_FIELDS} }`
  );
}

/** `gid://gitlab/Ci::Pipeline/123` -> 123 */
function gidNumber(gid: string): number | null {
  const m = /\/([0-9]{1,16})$/.exec(gid);
  return m?.[1] === undefined ? null : Number(m[1]);
}

const UpstreamNodeSchema = z.object({
  id: z.string(),
  iid: z.string().nullish(),
  ref: z.string().nullish(),
  refPath: z.string().nullish(),
  source: z.string().nullish(),
  status: z.string().nullish(),
  createdAt: z.string().nullish(),
  project: z.object({ id: z.string(), fullPath: z.string().nullish() }).nullish(),
  upstream: z.unknown().optional(),
});

export const GraphqlUpstreamJsonSchema = z.object({
  data: z
    .object({
      project: z
        .object({ pipeline: z.object({ id: z.string(), upstream: z.unknown().optional() }).nullish() })
        .nullish(),
    })
    .nullish(),
  errors: z.array(z.object({ message: z.string() })).nullish(),
});

function toUpstream(node: z.output<typeof UpstreamNodeSchema>): UpstreamPipeline | null {
  const id = gidNumber(node.id);
  const projectId = node.project ? gidNumber(node.project.id) : null;
  if (id === null || projectId === null) return null;
  const iid = node.iid ? Number(node.iid) : null;
  return {
    id,
    iid: iid !== null && Number.isSafeInteger(iid) ? iid : null,
    projectId,
    projectPath: node.project?.fullPath ?? null,
    ref: node.ref ?? null,
    refPath: node.refPath ?? null,
    // GraphQL status is an enum in capitals (SUCCESS); REST speaks lower case.
    source: node.source ?? null,
    status: node.status?.toLowerCase() ?? null,
    createdAt: toUtcIso(node.createdAt),
  };
}

export type GraphqlChainResult =
  | { readonly kind: 'chain'; readonly chain: UpstreamChain }
  | { readonly kind: 'missing'; readonly detail: string }
  | { readonly kind: 'invalid'; readonly detail: string };

/** Walks the nested `upstream` objects; depth+1 levels at most (the last only says whether there is more). */
export function toUpstreamChain(
  json: z.output<typeof GraphqlUpstreamJsonSchema>,
  depth: number,
): GraphqlChainResult {
  if (json.errors && json.errors.length > 0)
    return {
      kind: 'invalid',
      detail: `GraphQL errors: ${json.errors
        .map((e) => e.message)
        .join('; ')
        .slice(0, 200)}`,
    };
  const pipeline = json.data?.project?.pipeline;
  if (pipeline === null || pipeline === undefined)
    return {
      kind: 'missing',
      detail: 'GraphQL found no such project or pipeline (or the token cannot see it)',
    };
  const links: UpstreamPipeline[] = [];
  let next: unknown = pipeline.upstream;
  while (next !== null && next !== undefined) {
    if (links.length === depth) return { kind: 'chain', chain: { links, complete: false } };
    const node = UpstreamNodeSchema.safeParse(next);
    const link = node.success ? toUpstream(node.data) : null;
    if (!node.success || link === null)
      return { kind: 'invalid', detail: 'an upstream pipeline had an unexpected shape' };
    links.push(link);
    next = node.data.upstream;
  }
  return { kind: 'chain', chain: { links, complete: true } };
}
