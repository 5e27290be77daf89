import { DEFAULT_SESSION_NAME_PATTERNS, SessionNamePatternSchema } from '../../lib/core/config';
import { ConfigError } from '../../lib/core/errors';
import { compileSessionNamePatterns, parseSessionName } from '../../lib/core/session-name';

const defaults = compileSessionNamePatterns(
  DEFAULT_SESSION_NAME_PATTERNS.map((p) => SessionNamePatternSchema.parse(p)),
);

describe('parseSessionName', () => {
  it('parses pipeline-<id> with the default patterns', () => {
    expect(parseSessionName('pipeline-1234567', defaults)).toEqual({
      pattern: 'pipeline-id',
      pipelineId: 1234567,
      projectId: null,
      jobId: null,
    });
  });

  it("parses GitLab's documented GitLabRunner-<project>-<pipeline> format", () => {
    expect(parseSessionName('GitLabRunner-42-1234567', defaults)).toEqual({
      pattern: 'gitlab-runner',
      pipelineId: 1234567,
      projectId: 42,
      jobId: null,
    });
  });

  it('returns null for names no pattern matches', () => {
    expect(parseSessionName('botocore-session-1713238316', defaults)).toBeNull();
    expect(parseSessionName('pipeline-', defaults)).toBeNull();
    expect(parseSessionName('pipeline-12x', defaults)).toBeNull();
    expect(parseSessionName('xpipeline-12', defaults)).toBeNull();
  });

  it('rejects a pipeline id of zero', () => {
    expect(parseSessionName('pipeline-0', defaults)).toBeNull();
  });

  it('uses custom patterns in configured order, first usable match wins', () => {
    const custom = compileSessionNamePatterns([
      { name: 'role-prefixed', regex: '^prod-deploy-(?<pipeline_id>[0-9]+)$' },
      { name: 'loose', regex: '(?<pipeline_id>[0-9]+)$' },
    ]);
    expect(parseSessionName('prod-deploy-77', custom)).toEqual({
      pattern: 'role-prefixed',
      pipelineId: 77,
      projectId: null,
      jobId: null,
    });
    expect(parseSessionName('anything-88', custom)).toEqual({
      pattern: 'loose',
      pipelineId: 88,
      projectId: null,
      jobId: null,
    });
  });

  it('skips a match whose project_id group is not a usable id', () => {
    const custom = compileSessionNamePatterns([
      { name: 'with-project', regex: '^(?<project_id>[a-z0-9]+)-(?<pipeline_id>[0-9]+)$' },
      { name: 'fallback', regex: '-(?<pipeline_id>[0-9]+)$' },
    ]);
    expect(parseSessionName('abc-5', custom)).toEqual({
      pattern: 'fallback',
      pipelineId: 5,
      projectId: null,
      jobId: null,
    });
    expect(parseSessionName('12-5', custom)).toEqual({
      pattern: 'with-project',
      pipelineId: 5,
      projectId: 12,
      jobId: null,
    });
  });
});

describe('parseSessionName with a job_id group', () => {
  const withJob = compileSessionNamePatterns([
    { name: 'job', regex: '^deploy-(?<pipeline_id>[0-9]+)-(?<job_id>[0-9]+)$' },
    { name: 'pipeline-only', regex: '^deploy-(?<pipeline_id>[0-9]+)-' },
  ]);

  it('reads the job id the name claims', () => {
    expect(parseSessionName('deploy-1234567-8001', withJob)).toEqual({
      pattern: 'job',
      pipelineId: 1234567,
      projectId: null,
      jobId: 8001,
    });
  });

  it('skips a match whose job_id group is not a usable id', () => {
    expect(parseSessionName('deploy-1234567-0', withJob)).toEqual({
      pattern: 'pipeline-only',
      pipelineId: 1234567,
      projectId: null,
      jobId: null,
    });
  });
});

describe('compileSessionNamePatterns', () => {
  it('throws a ConfigError naming the pattern for an invalid regular expression', () => {
    expect(() =>
      compileSessionNamePatterns([{ name: 'broken', regex: '^pipeline-(?<pipeline_id>[0-9+$' }]),
    ).toThrow(ConfigError);
    const error = ((): unknown => {
      try {
        compileSessionNamePatterns([{ name: 'broken', regex: '(' }]);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      key: 'sessionNamePatterns[0].regex',
      message: expect.stringContaining('broken'),
    });
  });

  it('throws a ConfigError when the pipeline_id group is missing', () => {
    expect(() => compileSessionNamePatterns([{ name: 'no-group', regex: '^pipeline-([0-9]+)$' }])).toThrow(
      /named group \(\?<pipeline_id>/,
    );
  });
});
