/**
 * Instance-wide endpoints the self-check reads: GET /version and GET /personal_access_tokens/self (the token the
 * request authenticated with). Both need authentication, which the server core already enforced.
 * See: https://docs.gitlab.com/api/version/
 * See: https://docs.gitlab.com/api/personal_access_tokens/#get-details-on-a-personal-access-token
 */
import type { ApiArea } from '../router';
import type { StandinData } from '../types';

export function instanceArea(data: StandinData): ApiArea {
  return {
    instanceRoutes: [
      {
        path: 'version',
        handle: ({ reply }) => reply.json(200, { version: '18.6.1-ee', revision: 'a1b2c3d4e5f' }),
      },
      {
        path: 'personal_access_tokens/self',
        handle: ({ reply }) =>
          reply.json(200, {
            id: 4,
            name: 'gitlab-oidc-watch',
            revoked: false,
            created_at: '2025-01-02T09:00:00.000Z',
            scopes: data.tokenScopes ?? ['read_api'],
            user_id: 24,
            last_used_at: '2025-04-16T02:40:00.000Z',
            active: true,
            expires_at: '2026-01-01',
          }),
      },
    ],
  };
}
