import { DEFAULT_SESSION_NAME_PATTERNS, parseConfig, type ConfigInput } from '../../lib/core/config';
import { ConfigError } from '../../lib/core/errors';
import { compileSessionNamePatterns, parseSessionName } from '../../lib/core/session-name';
import {
  analysablePattern,
  checkPatternSafety,
  isValidRoleSessionName,
} from '../../lib/core/session-pattern-safety';

function config(extra: Partial<ConfigInput>): ConfigInput {
  return {
    trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
    productionRoles: [
      {
        name: 'p',
        roleArns: ['arn:aws:iam::*:role/p'],
        allowedProjectIds: [42],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
    ...extra,
  };
}

function configError(value: ConfigInput): ConfigError {
  try {
    parseConfig(value, 'policy.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** The pattern from issue 9, failure 5: exponential backtracking on a name that ends in a non-digit. */
const CATASTROPHIC = '^([a-z0-9-]+)*-(?<pipeline_id>[0-9]+)$';

describe('session-name pattern safety (issue 9, failure 5)', () => {
  it('refuses at config load a pattern with catastrophic backtracking, naming the key', () => {
    const e = configError(config({ sessionNamePatterns: [{ name: 'slow', regex: CATASTROPHIC }] }));
    expect(e.key).toBe('sessionNamePatterns[0].regex');
    expect(e.message).toMatch(/catastrophic backtracking/);
  });

  it('refuses nested and overlapping quantifiers', () => {
    for (const regex of [
      '^(\\w+)+-pipeline-(?<pipeline_id>[0-9]+)$',
      '^(a|a)*(?<pipeline_id>[0-9]+)$',
      '^(?<pipeline_id>[0-9]+)+x$',
    ]) {
      expect({ regex, safe: checkPatternSafety(regex).safe }).toEqual({ regex, safe: false });
    }
  });

  it('accepts the built-in patterns and polynomial patterns that are harmless at 64 characters', () => {
    for (const p of DEFAULT_SESSION_NAME_PATTERNS)
      expect(checkPatternSafety(p.regex)).toEqual({ safe: true });
    expect(checkPatternSafety('^[\\w.-]+-(?<pipeline_id>[0-9]+)$').safe).toBe(true);
    expect(checkPatternSafety('^deploy-(?<project_id>[0-9]{1,19})-(?<pipeline_id>[0-9]{1,19})$').safe).toBe(
      true,
    );
  });

  it('rewrites named groups and unbounded quantifiers for the analyser, leaving classes and escapes alone', () => {
    expect(analysablePattern('^a-(?<pipeline_id>[0-9+*]+)\\+\\k<pipeline_id>(?<=x)b*c{2,}$')).toBe(
      '^a-([0-9+*]{1,64})\\+\\1(?<=x)b{0,64}c{2,64}$',
    );
  });

  it('never runs a pattern on a name longer or wider than AWS allows for RoleSessionName', () => {
    let calls = 0;
    const counting = new RegExp('^(?<pipeline_id>[0-9]+)$');
    const exec = counting.exec.bind(counting);
    counting.exec = (s: string) => {
      calls += 1;
      return exec(s);
    };
    const patterns = [{ name: 'counting', regex: counting }];
    expect(parseSessionName('1'.repeat(65), patterns)).toBeNull();
    expect(parseSessionName('12 34', patterns)).toBeNull();
    expect(parseSessionName('1/2', patterns)).toBeNull();
    expect(parseSessionName('1', patterns)).toBeNull();
    expect(calls).toBe(0);
    expect(parseSessionName('1'.repeat(64), patterns)).toBeNull(); // matches, but no usable id (too long)
    expect(parseSessionName('12345', patterns)).toEqual({
      pattern: 'counting',
      pipelineId: 12345,
      projectId: null,
      jobId: null,
    });
    expect(calls).toBe(2);
  });

  it('knows the RoleSessionName alphabet', () => {
    expect(isValidRoleSessionName('GitLabRunner-42-1234567')).toBe(true);
    expect(isValidRoleSessionName('a+b=c,d.e@f_g-h')).toBe(true);
    expect(isValidRoleSessionName('x')).toBe(false);
    expect(isValidRoleSessionName('pipeline-1\u202e')).toBe(false);
  });
});

describe('sessionNamePatterns and the built-in patterns', () => {
  const custom = { name: 'role-pipeline', regex: '^deploy-(?<pipeline_id>[0-9]{1,19})$' };

  it('adds a configured pattern to the built-in ones instead of silently dropping them', () => {
    const c = parseConfig(config({ sessionNamePatterns: [custom] }));
    expect(c.sessionNamePatterns.map((p) => p.name)).toEqual([
      'pipeline-id',
      'gitlab-runner',
      'role-pipeline',
    ]);
    const compiled = compileSessionNamePatterns(c.sessionNamePatterns);
    expect(parseSessionName('pipeline-7', compiled)?.pattern).toBe('pipeline-id');
    expect(parseSessionName('deploy-7', compiled)?.pattern).toBe('role-pipeline');
  });

  it('replaces a built-in pattern by name, and drops them all only when told to', () => {
    const replaced = parseConfig(
      config({ sessionNamePatterns: [{ name: 'pipeline-id', regex: '^ci-(?<pipeline_id>[0-9]{1,19})$' }] }),
    );
    expect(replaced.sessionNamePatterns.map((p) => p.regex)).toEqual([
      '^ci-(?<pipeline_id>[0-9]{1,19})$',
      DEFAULT_SESSION_NAME_PATTERNS[1]?.regex,
    ]);
    const only = parseConfig(config({ sessionNamePatterns: [custom], defaultSessionNamePatterns: false }));
    expect(only.sessionNamePatterns).toEqual([custom]);
  });

  it('refuses to run with no pattern at all, and duplicate pattern names', () => {
    expect(configError(config({ defaultSessionNamePatterns: false })).key).toBe('sessionNamePatterns');
    expect(configError(config({ sessionNamePatterns: [custom, custom] })).key).toBe(
      'sessionNamePatterns[1].name',
    );
  });

  it('parses an already parsed config to the same patterns (the Lambda re-validates the embedded config)', () => {
    const once = parseConfig(config({ sessionNamePatterns: [custom] }));
    expect(parseConfig(once).sessionNamePatterns).toEqual(once.sessionNamePatterns);
  });
});
