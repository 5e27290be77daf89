/**
 * Issue 9, failure 4 (config part): an `apiUrl` without `/api/v4` makes GitLab answer every lookup with 404 or HTML,
 * which turned every production assumption into a critical PROJECT_NOT_ALLOWED. It is rejected at load, naming the
 * key and what would be valid.
 */
import { parseConfig, type ConfigInput } from '../../lib/core/config';
import { ConfigError } from '../../lib/core/errors';

function configWith(apiUrl: string): ConfigInput {
  return {
    trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl }],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
  };
}

function errorFor(apiUrl: string): ConfigError {
  try {
    parseConfig(configWith(apiUrl), 'oidc-watch.config.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${apiUrl}`);
}

describe('trustedIssuers[].apiUrl', () => {
  it.each([
    'https://gitlab.com',
    'https://gitlab.com/',
    'https://gitlab.example.com/gitlab',
    'https://gitlab.com/api',
  ])('rejects %s, naming the key and the /api/v4 it needs', (apiUrl) => {
    const error = errorFor(apiUrl);
    expect(error.key).toBe('trustedIssuers[0].apiUrl');
    expect(error.message).toContain('trustedIssuers[0].apiUrl');
    expect(error.message).toContain('/api/v4');
    expect(error.message).toContain('PROJECT_NOT_ALLOWED');
  });

  it.each([
    'https://gitlab.com/api/v4',
    'https://gitlab.com/api/v4/',
    'https://gitlab.example.com/gitlab/api/v4',
    'http://127.0.0.1:8080/api/v4',
  ])('accepts %s', (apiUrl) => {
    expect(parseConfig(configWith(apiUrl)).trustedIssuers[0]?.apiUrl).toBe(apiUrl.replace(/\/$/, ''));
  });
});
