import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../../lib/core/config';
import { parseConfigText } from '../../lib/core/config-text';
import { ConfigError } from '../../lib/core/errors';

const ROOT = join(__dirname, '..', '..');

describe('config schema', () => {
  it('matches the committed JSON Schema (regenerate with: node bin/oidc-watch.js schema > schema/oidc-watch.config.schema.json)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(ROOT, 'schema', 'oidc-watch.config.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(configJsonSchema());
  });

  it('accepts the example configuration', () => {
    const text = readFileSync(join(ROOT, 'examples', 'oidc-watch.config.yaml'), 'utf8');
    const config = parseConfigText(text, 'examples/oidc-watch.config.yaml');
    expect(config.productionRoles[0]?.allowedPipelineSources).toEqual(['push']);
    expect(config.deployment?.athena?.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('names the key and the file when a value is wrong', () => {
    const text =
      'trustedIssuers:\n  - issuer: https://gitlab.com\n    apiUrl: https://gitlab.com/api/v4\nproductionRoles:\n  - name: p\n    roleArns: [arn:aws:iam::*:role/p]\n    allowedProjectIds: [forty-two]\n    allowedAudiences: [https://gitlab.com]\n';
    let error: unknown;
    try {
      parseConfigText(text, 'policy.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('productionRoles[0].allowedProjectIds[0]');
    expect((error as ConfigError).message).toContain('policy.yaml');
  });

  it('rejects unknown keys, so a typo never silently weakens the policy', () => {
    const text =
      'trustedIssuers:\n  - issuer: https://gitlab.com\n    apiUrl: https://gitlab.com/api/v4\nproductionRoles:\n  - name: p\n    roleArns: [arn:aws:iam::*:role/p]\n    allowedProjectIds: [42]\n    allowedAudiences: [https://gitlab.com]\n    allowedPipelineSource: [web]\n';
    expect(() => parseConfigText(text, 'policy.yaml')).toThrow(/allowedPipelineSource/);
  });

  it('rejects a session-name pattern without a pipeline_id group', () => {
    const text =
      'trustedIssuers:\n  - issuer: https://gitlab.com\n    apiUrl: https://gitlab.com/api/v4\nsessionNamePatterns:\n  - { name: bad, regex: "^deploy-[0-9]+$" }\nproductionRoles:\n  - name: p\n    roleArns: [arn:aws:iam::*:role/p]\n    allowedProjectIds: [42]\n    allowedAudiences: [https://gitlab.com]\n';
    expect(() => parseConfigText(text, 'policy.yaml')).toThrow(
      /sessionNamePatterns\[0\]\.regex: must contain a named group/,
    );
  });
});
