/**
 * A local GitLab stand-in: the /api/v4 endpoints the service reads, on 127.0.0.1, in GitLab's documented shapes
 * (snake_case, offsets on timestamps, nulls where GitLab sends nulls, pagination headers, 401/404 bodies, 301 for
 * moved projects). A dev tool shared by the tests, `npm run demo` and `npm run bench`; never imported by lib/,
 * functions/ or infra/. Layout: server.ts (HTTP core, faults, latency, auth), router.ts (project resolution and
 * routes), api/ (one file per API area).
 */
export { startGitLabStandin, type StandinOptions } from './server';
export type {
  GitLabStandin,
  StandinData,
  StandinFault,
  StandinJob,
  StandinRunner,
  StandinMergeRequest,
  StandinPipeline,
  StandinProject,
  StandinRequest,
} from './types';
