/**
 * GitLab's JSON, validated at the edge and mapped to the port's camelCase types.
 * Tolerant by design: unknown keys are dropped, optional fields may be absent or null, `source` and `status` are kept
 * as free strings (GitLab adds values over time), timestamps may carry any offset.
 * See: https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline
 * See: https://docs.gitlab.com/api/projects/#get-a-single-project
 * See: https://docs.gitlab.com/api/protected_branches/ and https://docs.gitlab.com/api/protected_tags/
 * See: https://docs.gitlab.com/api/merge_requests/#get-single-mr
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import type {
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabProject,
  ProtectedRefPattern,
} from '../../core/gitlab-port';

const gitlabId = z.number().int().nonnegative();

export const PipelineJsonSchema = z.object({
  id: gitlabId,
  iid: gitlabId.nullish(),
  project_id: gitlabId,
  sha: z.string().nullish(),
  ref: z.string(),
  status: z.string().nullish(),
  source: z.string().nullish(),
  tag: z.boolean().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  started_at: z.string().nullish(),
  finished_at: z.string().nullish(),
  web_url: z.string().nullish(),
  user: z.object({ username: z.string().nullish() }).nullish(),
});

export const ProjectJsonSchema = z.object({
  id: gitlabId,
  path_with_namespace: z.string().min(1),
  web_url: z.string().nullish(),
});

export const ProtectedRefListJsonSchema = z.array(z.object({ name: z.string().min(1) }));

export const MergeRequestJsonSchema = z.object({
  iid: gitlabId,
  project_id: gitlabId,
  source_branch: z.string(),
  target_branch: z.string(),
  source_project_id: gitlabId.nullish(),
  web_url: z.string().nullish(),
});

/** GitLab timestamps carry offsets (`2025-04-16T05:31:56.123+02:00`); the port speaks UTC ISO 8601. Unreadable -> null. */
export function toUtcIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function toPipeline(json: z.output<typeof PipelineJsonSchema>): GitLabPipeline {
  return {
    id: json.id,
    iid: json.iid ?? null,
    projectId: json.project_id,
    sha: json.sha ?? null,
    ref: json.ref,
    status: json.status ?? null,
    source: json.source ?? null,
    tag: json.tag ?? null,
    createdAt: toUtcIso(json.created_at),
    updatedAt: toUtcIso(json.updated_at),
    startedAt: toUtcIso(json.started_at),
    finishedAt: toUtcIso(json.finished_at),
    username: json.user?.username ?? null,
    webUrl: json.web_url ?? null,
  };
}

export function toProject(json: z.output<typeof ProjectJsonSchema>): GitLabProject {
  return { id: json.id, pathWithNamespace: json.path_with_namespace, webUrl: json.web_url ?? null };
}

/** Entries are PATTERNS (`release/*`); they are returned as-is, matching is the core's job. */
export function toProtectedRefs(
  json: z.output<typeof ProtectedRefListJsonSchema>,
): readonly ProtectedRefPattern[] {
  return json.map((entry) => ({ name: entry.name }));
}

export function toMergeRequest(json: z.output<typeof MergeRequestJsonSchema>): GitLabMergeRequest {
  return {
    iid: json.iid,
    projectId: json.project_id,
    sourceBranch: json.source_branch,
    targetBranch: json.target_branch,
    sourceProjectId: json.source_project_id ?? null,
    webUrl: json.web_url ?? null,
  };
}

/** A short, value-free description of why a body did not match (paths and expectations only, no data). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
