import {
  PipelineJsonSchema,
  ProtectedRefListJsonSchema,
  toPipeline,
  toProtectedRefs,
  toUtcIso,
} from '../../../lib/adapters/gitlab/schemas';

const pipeline = {
  id: 1200345,
  iid: 311,
  project_id: 4242,
  sha: 'a91957a858320c0e17f3a0eca7cfacbff50ea29a',
  ref: 'main',
  status: 'success',
  source: 'pipeline_execution_policy_schedule',
  tag: false,
  created_at: '2025-04-16T05:31:56.117+02:00',
  updated_at: '2025-04-16T05:33:31.117+02:00',
  started_at: '2025-04-16T05:31:58.117+02:00',
  finished_at: '2025-04-16T05:33:31.117+02:00',
  web_url: 'https://gitlab.example.com/acme/deploy/-/pipelines/1200345',
  user: {
    id: 17,
    username: 'release.bot',
    name: 'Release Bot',
    state: 'active',
    avatar_url: null,
    web_url: 'https://gitlab.example.com/release.bot',
  },
  duration: 93,
  queued_duration: 1.482117,
  coverage: null,
  some_field_from_gitlab_19: { nested: true },
};

const UPDATED = '2025-04-16T03:33:31.117Z';
const STARTED = '2025-04-16T03:31:58.117Z';
const FINISHED = '2025-04-16T03:33:31.117Z';

describe('PipelineJsonSchema', () => {
  it('accepts a full pipeline with floats, nulls and unknown keys', () => {
    const parsed = PipelineJsonSchema.parse(pipeline);
    expect(toPipeline(parsed)).toEqual({
      id: 1200345,
      iid: 311,
      projectId: 4242,
      sha: 'a91957a858320c0e17f3a0eca7cfacbff50ea29a',
      ref: 'main',
      status: 'success',
      source: 'pipeline_execution_policy_schedule',
      tag: false,
      createdAt: '2025-04-16T03:31:56.117Z',
      updatedAt: UPDATED,
      startedAt: STARTED,
      finishedAt: FINISHED,
      username: 'release.bot',
      webUrl: 'https://gitlab.example.com/acme/deploy/-/pipelines/1200345',
    });
  });

  it('maps absent and null optional fields to null', () => {
    const parsed = PipelineJsonSchema.parse({
      id: 1,
      project_id: 2,
      ref: 'main',
      user: null,
      iid: null,
      tag: null,
    });
    expect(toPipeline(parsed)).toEqual({
      id: 1,
      iid: null,
      projectId: 2,
      sha: null,
      ref: 'main',
      status: null,
      source: null,
      tag: null,
      createdAt: null,
      updatedAt: null,
      startedAt: null,
      finishedAt: null,
      username: null,
      webUrl: null,
    });
  });

  it('rejects a pipeline without id or ref', () => {
    expect(PipelineJsonSchema.safeParse({ project_id: 2, ref: 'main' }).success).toBe(false);
    expect(PipelineJsonSchema.safeParse({ id: 1, project_id: 2, ref: null }).success).toBe(false);
    expect(PipelineJsonSchema.safeParse({ id: 1.5, project_id: 2, ref: 'main' }).success).toBe(false);
  });
});

describe('ProtectedRefListJsonSchema', () => {
  it('keeps names as patterns and tolerates null access levels', () => {
    const parsed = ProtectedRefListJsonSchema.parse([
      {
        id: 1,
        name: 'release/*',
        push_access_levels: [{ access_level: null, group_id: 9 }],
        allow_force_push: false,
      },
      { id: 2, name: '*-stable', push_access_levels: [] },
    ]);
    expect(toProtectedRefs(parsed)).toEqual([{ name: 'release/*' }, { name: '*-stable' }]);
  });
});

describe('toUtcIso', () => {
  it('converts any offset to UTC and unreadable values to null', () => {
    expect(toUtcIso('2025-04-16T03:31:56.117+00:00')).toBe('2025-04-16T03:31:56.117Z');
    expect(toUtcIso('2025-04-15T22:31:56-05:00')).toBe('2025-04-16T03:31:56.000Z');
    expect(toUtcIso('yesterday')).toBeNull();
    expect(toUtcIso(null)).toBeNull();
  });
});
