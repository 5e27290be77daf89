/**
 * The GitLab the Lambda handler tests share: project 4242 (`acme/deploy`, `main` protected), a push pipeline on
 * `main` (good) and one on the unprotected `feature/x` (alert), both running.
 */
import type { StandinData } from '../../tools/gitlab-standin';

export const GOOD_PIPELINE = 1234567890;
export const BAD_PIPELINE = 1234567891;

export function goodAndBadPipelines(): StandinData {
  return {
    projects: [{ id: 4242, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
    pipelines: [
      {
        id: GOOD_PIPELINE,
        project_id: 4242,
        ref: 'main',
        source: 'push',
        status: 'running',
        username: 'alice',
        created_at: '2025-04-16T02:41:03.512+00:00',
      },
      {
        id: BAD_PIPELINE,
        project_id: 4242,
        ref: 'feature/x',
        source: 'push',
        status: 'running',
        username: 'mallory',
        created_at: '2025-04-16T02:43:19.020+00:00',
      },
    ],
  };
}
