/**
 * Merge requests: GET /projects/:id/merge_requests/:merge_request_iid.
 * See: https://docs.gitlab.com/api/merge_requests/#get-single-mr
 */
import type { ApiArea } from '../router';
import { fakeSha, type Instance, stableId, userJson } from '../shapes';
import type { StandinData, StandinMergeRequest, StandinProject } from '../types';

function mergeRequestJson(
  instance: Instance,
  project: StandinProject,
  mr: StandinMergeRequest,
): Record<string, unknown> {
  const { baseUrl } = instance;
  return {
    id: stableId(`mr:${mr.project_id}:${mr.iid}`),
    iid: mr.iid,
    project_id: mr.project_id,
    title: `Update ${mr.source_branch}`,
    description: '',
    state: 'opened',
    created_at: '2025-04-15T18:02:11.453+00:00',
    updated_at: '2025-04-16T03:30:02.940+00:00',
    merged_by: null,
    merged_at: null,
    closed_by: null,
    closed_at: null,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    user_notes_count: 1,
    upvotes: 0,
    downvotes: 0,
    author: userJson(baseUrl, 'jdoe'),
    assignees: [],
    reviewers: [],
    source_project_id: mr.source_project_id ?? mr.project_id,
    target_project_id: mr.project_id,
    labels: [],
    draft: false,
    work_in_progress: false,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: fakeSha(`mr:${mr.project_id}:${mr.iid}`),
    merge_commit_sha: null,
    squash_commit_sha: null,
    references: {
      short: `!${mr.iid}`,
      relative: `!${mr.iid}`,
      full: `${project.path_with_namespace}!${mr.iid}`,
    },
    web_url: `${baseUrl}/${project.path_with_namespace}/-/merge_requests/${mr.iid}`,
    squash: false,
    has_conflicts: false,
    blocking_discussions_resolved: true,
  };
}

export function mergeRequestsArea(data: StandinData): ApiArea {
  const mergeRequests = new Map<string, StandinMergeRequest>();
  for (const mr of data.mergeRequests ?? []) mergeRequests.set(`${mr.project_id}!${mr.iid}`, mr);
  return {
    projectRoutes: [
      {
        path: 'merge_requests/:merge_request_iid',
        handle: ({ params, reply, instance, project }) => {
          const mr = mergeRequests.get(`${project.id}!${params.merge_request_iid ?? ''}`);
          if (mr) reply.json(200, mergeRequestJson(instance, project, mr));
          else reply.json(404, { message: '404 Not found' });
        },
      },
    ],
  };
}
