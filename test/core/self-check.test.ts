import { parseConfig } from '../../lib/core/config';
import {
  isPlaceholderToken,
  judgeSelfCheck,
  pinnedProjectIds,
  type IssuerProbes,
  type ProbeAnswer,
} from '../../lib/core/self-check';

const config = parseConfig({
  trustedIssuers: [
    { issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' },
    { issuer: 'https://gitlab.example.com', apiUrl: 'https://gitlab.example.com' },
  ],
  productionRoles: [
    { name: 'a', roleArns: ['arn:aws:iam::*:role/a'], allowedProjectIds: [42, 7], allowedAudiences: ['x'] },
    {
      name: 'b',
      roleArns: ['arn:aws:iam::*:role/b'],
      issuers: ['https://gitlab.example.com'],
      allowedProjectIds: [9],
      allowedAudiences: ['x'],
    },
  ],
});

const json = (status: number, body: unknown): ProbeAnswer => ({ kind: 'json', status, body });
const version = json(200, { version: '17.11.2', revision: 'abc' });
const self = (body: Record<string, unknown>): ProbeAnswer =>
  json(200, {
    id: 1,
    name: 't',
    revoked: false,
    active: true,
    scopes: ['read_api'],
    expires_at: null,
    ...body,
  });

function probes(p: Partial<IssuerProbes>): IssuerProbes {
  return {
    issuer: 'https://gitlab.com',
    apiUrl: 'https://gitlab.com/api/v4',
    token: { state: 'present' },
    version,
    tokenSelf: self({}),
    projects: [
      { id: 7, answer: json(200, { id: 7, path_with_namespace: 'g/seven' }) },
      { id: 42, answer: json(200, { id: 42, path_with_namespace: 'g/p' }) },
    ],
    ...p,
  };
}

const statuses = (p: IssuerProbes) =>
  judgeSelfCheck(config, [p], '2026-12-02').findings.map(
    (f) => `${f.check}:${f.status}${f.blocksJudging ? '!' : ''}`,
  );

describe('judgeSelfCheck', () => {
  it('is healthy when the API answers, the token reads the API and every pinned project is visible', () => {
    const report = judgeSelfCheck(config, [probes({})], '2026-12-02');
    expect(report).toEqual(expect.objectContaining({ healthy: true, blocksJudging: false }));
    expect(report.findings.map((f) => f.check)).toEqual(['api', 'scopes', 'project:7', 'project:42']);
  });

  it('blocks judging when apiUrl is not a GitLab API, and says where the API usually is', () => {
    const p = probes({
      apiUrl: 'https://gitlab.example.com',
      version: { kind: 'other', status: 404, contentType: 'text/html' },
    });
    expect(statuses(p)).toEqual(['api:fail!']);
    expect(judgeSelfCheck(config, [p], '2026-12-02').findings[0]?.message).toContain(
      'https://gitlab.example.com/api/v4',
    );
  });

  it('blocks on a rejected token, a token without read_api, a revoked token and an invisible project', () => {
    expect(statuses(probes({ version: json(401, { message: '401 Unauthorized' }) }))).toEqual([
      'token:fail!',
    ]);
    expect(statuses(probes({ tokenSelf: self({ scopes: ['read_user'] }) }))[1]).toBe('scopes:fail!');
    expect(statuses(probes({ tokenSelf: self({ revoked: true }) }))[1]).toBe('token:fail!');
    expect(
      statuses(probes({ projects: [{ id: 42, answer: json(404, { message: '404 Project Not Found' }) }] })),
    ).toContain('project:42:fail!');
  });

  it('warns without blocking on an outage, broad scopes, a near expiry and tokens that cannot describe themselves', () => {
    expect(statuses(probes({ version: { kind: 'unreachable', detail: 'ECONNREFUSED' } }))).toEqual([
      'api:warn',
    ]);
    expect(statuses(probes({ version: json(503, {}) }))).toEqual(['api:warn']);
    expect(statuses(probes({ tokenSelf: self({ scopes: ['api'] }) }))[1]).toBe('scopes:warn');
    expect(statuses(probes({ tokenSelf: self({ expires_at: '2026-12-10' }) }))).toContain('expiry:warn');
    expect(statuses(probes({ tokenSelf: self({ expires_at: '2026-12-01' }) }))).toContain('expiry:fail!');
    expect(statuses(probes({ tokenSelf: json(400, { message: '400 Bad request' }) }))[1]).toBe('scopes:warn');
  });

  it('reports a missing token without blocking (it affects only its issuer), a placeholder with blocking', () => {
    expect(statuses(probes({ token: { state: 'missing', detail: 'GITLAB_TOKEN is not set' } }))).toEqual([
      'token:fail',
    ]);
    expect(statuses(probes({ token: { state: 'placeholder' } }))).toEqual(['token:fail!']);
  });
});

describe('pinnedProjectIds', () => {
  it('collects the ids of every role that accepts the issuer', () => {
    expect(pinnedProjectIds(config, 'https://gitlab.com')).toEqual([7, 42]);
    expect(pinnedProjectIds(config, 'https://gitlab.example.com')).toEqual([7, 9, 42]);
  });
});

describe('isPlaceholderToken', () => {
  it('knows the values people leave in a secret before the real token', () => {
    for (const t of [
      '',
      '  ',
      'xxxxxxxx',
      'REPLACE_ME',
      'replace-me',
      'changeme',
      '<token>',
      '${GITLAB_TOKEN}',
      'glpat-xxxx',
      'your-token',
      'a b',
    ])
      expect({ t, placeholder: isPlaceholderToken(t) }).toEqual({ t, placeholder: true });
  });

  it('accepts real-looking tokens', () => {
    for (const t of ['glpat-3xJk9QmZp2LwR7vYt8aB', 'abcdefghij0123456789', 'glpat-standin-0123abcd'])
      expect({ t, placeholder: isPlaceholderToken(t) }).toEqual({ t, placeholder: false });
  });
});
