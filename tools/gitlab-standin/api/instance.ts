/**
 * Instance-level answers the self-check (`oidc-watch doctor`) relies on:
 *  - GET /version: {version, revision}, authenticated (lib/api/version.rb: `before { authenticate! }`);
 *  - GET /personal_access_tokens/self: the token presenting itself (entities/personal_access_token.rb and
 *    personal_access_token_with_last_used_ips.rb); any other token type gets GitLab's 400
 *    (lib/api/personal_access_tokens/self_information.rb). Project and group access tokens are personal access tokens
 *    of bot users, so they answer too.
 * See: https://docs.gitlab.com/api/version/ and https://docs.gitlab.com/api/personal_access_tokens/#self-informing
 */
import type { ApiArea } from '../router';
import { DEFAULT_CREATED_AT, stableId } from '../shapes';
import type { StandinData } from '../types';

/** The version the stand-in claims to be. */
export const STANDIN_GITLAB_VERSION = '17.11.2-ee';

export function instanceArea(data: StandinData): ApiArea {
  const token = data.accessToken ?? {};
  return {
    instanceRoutes: [
      {
        path: 'version',
        handle: ({ reply }) => reply.json(200, { version: STANDIN_GITLAB_VERSION, revision: 'a1b2c3d4e5f' }),
      },
      {
        path: 'personal_access_tokens/self',
        handle: ({ reply }) => {
          if (token.kind === 'oauth') {
            reply.json(400, {
              message: '400 Bad request - This endpoint requires token type to be a personal access token',
            });
            return;
          }
          const expiresAt = token.expires_at === undefined ? '2027-06-30' : token.expires_at;
          reply.json(200, {
            id: stableId('token:standin'),
            name: token.name ?? 'oidc-watch read_api',
            revoked: token.revoked ?? false,
            created_at: DEFAULT_CREATED_AT,
            description: 'gitlab-oidc-watch lookups',
            scopes: token.scopes ?? ['read_api'],
            user_id: stableId('user:oidc-watch-bot'),
            last_used_at: DEFAULT_CREATED_AT,
            active: token.active ?? true,
            expires_at: expiresAt,
            last_used_ips: ['192.0.2.10'],
          });
        },
      },
    ],
  };
}
