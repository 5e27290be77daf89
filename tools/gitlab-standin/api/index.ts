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

export function apiAreas(data: StandinData): ApiArea[] {
  return [
    projectsArea(),
    pipelinesArea(data),
    protectedBranchesArea(),
    protectedTagsArea(),
    mergeRequestsArea(data),
    instanceArea(data),
  ];
}
