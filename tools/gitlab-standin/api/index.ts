/**
 * Every API area the stand-in serves. A new endpoint is one file under api/ returning an ApiArea (routes in GitLab's
 * documented shapes, indexes built once from StandinData), listed here.
 */
import type { ApiArea } from '../router';
import type { StandinData } from '../types';
import { instanceArea } from './instance';
import { mergeRequestsArea } from './merge-requests';
import { pipelinesArea } from './pipelines';
import { projectsArea } from './projects';
import { protectedBranchesArea } from './protected-branches';
import { protectedTagsArea } from './protected-tags';
// ---- provenance (issue 8) ----
import { ciIndex } from './ci-index';
import { deploymentsArea } from './deployments';
import { graphqlArea } from './graphql';
import { jobsArea } from './jobs';
import { pipelineListArea } from './pipeline-list';
import { repositoryArea } from './repository';

export function apiAreas(data: StandinData): ApiArea[] {
  const ci = ciIndex(data);
  const byId = new Map(data.projects.map((p) => [p.id, p] as const));
  const byPath = new Map(data.projects.map((p) => [p.path_with_namespace.toLowerCase(), p] as const));
  return [
    projectsArea(),
    pipelinesArea(data),
    protectedBranchesArea(),
    protectedTagsArea(),
    mergeRequestsArea(data),
    instanceArea(data),
    // ---- provenance (issue 8) ----
    pipelineListArea(ci),
    jobsArea(ci, byId),
    repositoryArea(),
    deploymentsArea(ci),
    graphqlArea(ci, byId, byPath),
  ];
}
