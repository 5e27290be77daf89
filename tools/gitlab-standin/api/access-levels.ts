/**
 * The access-level list protected branches and tags carry.
 * See: https://docs.gitlab.com/api/protected_branches/#list-protected-branches
 */
import { stableId } from '../shapes';

export function accessLevels(seed: string, index: number): Record<string, unknown>[] {
  const levels: Record<string, unknown>[] = [
    {
      id: stableId(`${seed}:maintainers`),
      access_level: 40,
      access_level_description: 'Maintainers',
      deploy_key_id: null,
      user_id: null,
      group_id: null,
    },
  ];
  // GitLab leaves access_level null when access is granted to a group, user or deploy key.
  if (index % 2 === 1)
    levels.push({
      id: stableId(`${seed}:group`),
      access_level: null,
      access_level_description: 'release-managers',
      deploy_key_id: null,
      user_id: null,
      group_id: 9,
    });
  return levels;
}
