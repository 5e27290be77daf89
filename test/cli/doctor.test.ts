/**
 * `oidc-watch doctor` and the self-check evaluate runs before judging, in-process with real HTTP to the GitLab
 * stand-in. Issue 9, failures 3 and 4 (CLI half): a misconfiguration is reported as such, never as verdicts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_GITLAB, demoConfig } from '../../examples/demo/scenarios';
import type { CliIo } from '../../functions/cli/io';
import { main } from '../../functions/cli/main';
import type { StandinAccessToken } from '../../tools/gitlab-standin/types';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const DEMO_EVENTS = join(ROOT, 'examples', 'demo', 'events');

async function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdin, stdout: out, stderr: err, env, cwd: ROOT };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('oidc-watch doctor and the self-check before judging', () => {
  let dir: string;
  const standins: GitLabStandin[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-doctor-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all(standins.map((s) => s.close()));
  });

  async function setup(
    options: { accessToken?: StandinAccessToken; apiUrl?: (s: GitLabStandin) => string; pin?: number[] } = {},
  ): Promise<{ gitlab: GitLabStandin; config: string; env: NodeJS.ProcessEnv }> {
    const gitlab = await startGitLabStandin({
      data: { ...DEMO_GITLAB, ...(options.accessToken ? { accessToken: options.accessToken } : {}) },
    });
    standins.push(gitlab);
    const c = demoConfig(options.apiUrl ? options.apiUrl(gitlab) : gitlab.apiUrl) as {
      trustedIssuers: Record<string, unknown>[];
      productionRoles: Record<string, unknown>[];
    };
    c.trustedIssuers = c.trustedIssuers.map((i) => ({ ...i, lookupTimeoutMs: 2000, maxRetries: 0 }));
    if (options.pin)
      c.productionRoles = c.productionRoles.map((r, i) =>
        i === 0 ? { ...r, allowedProjectIds: options.pin } : r,
      );
    const config = join(dir, `config-${standins.length}.json`);
    writeFileSync(config, JSON.stringify(c));
    return { gitlab, config, env: { GITLAB_TOKEN: gitlab.token } };
  }

  it('reports a healthy setup: API, token scopes and every pinned project', async () => {
    const { config, env, gitlab } = await setup();
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok +https:\/\/gitlab\.com +api: GitLab 17\.11\.2-ee answers at /m);
    expect(r.stdout).toMatch(/^ok +https:\/\/gitlab\.com +scopes: token scopes: read_api$/m);
    expect(r.stdout).toMatch(
      /^ok +https:\/\/gitlab\.com +project:4242: pinned project 4242 \(acme\/platform\/deploy\) is visible$/m,
    );
    expect(r.stdout).toMatch(/^ok +https:\/\/gitlab\.com +project:5151: /m);
    expect(r.stdout).toContain('doctor: healthy');
    expect(r.stdout + r.stderr).not.toContain(gitlab.token);
  });

  it('says an apiUrl without /api/v4 is not a GitLab API, and evaluate refuses instead of alerting (issue 9 #4)', async () => {
    const { config, env } = await setup({ apiUrl: (s) => s.url });
    const doctor = await run(['doctor', '-c', config], env);
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toMatch(
      /FAIL .* api: no GitLab REST API at http:\/\/127\.0\.0\.1:\d+: GET \/version answered 404 with text\/html/,
    );
    expect(doctor.stdout).toContain('usually http://');
    expect(doctor.stdout).toMatch(/\/api\/v4\./);

    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stdout).toBe('');
    expect(evaluate.stderr).toContain('refusing to judge');

    // What the self-check prevents: with it switched off, the same run turns into false PROJECT_NOT_ALLOWED alerts.
    const anyway = await run(['evaluate', '--no-self-check', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(anyway.stdout).toContain('PROJECT_NOT_ALLOWED');
  });

  it('names a rejected token (401) and refuses to judge with it (issue 9 #3)', async () => {
    const { config } = await setup();
    const r = await run(['doctor', '-c', config], { GITLAB_TOKEN: 'glpat-revokedrevokedrevoked' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL .* token: the token was rejected .*401/);
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], {
      GITLAB_TOKEN: 'glpat-revokedrevokedrevoked',
    });
    expect(evaluate.code).toBe(2);
    expect(evaluate.stderr).toMatch(/self-check: FAIL .*401/);
  });

  it('names a pinned project the token cannot see, with the role that pins it (issue 9 #3)', async () => {
    const { config, env } = await setup({ pin: [4242, 999999] });
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /FAIL .* project:999999: pinned project 999999 \(role prod-deploy\) is not visible .*404/,
    );
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stdout).toBe('');
  });

  it('checks the token scopes, state and expiry where GitLab tells them', async () => {
    const readUser = await setup({ accessToken: { scopes: ['read_user'] } });
    expect((await run(['doctor', '-c', readUser.config], readUser.env)).stdout).toMatch(
      /FAIL .* scopes: the token's scopes \(read_user\) do not include read_api/,
    );
    const api = await setup({ accessToken: { scopes: ['api'] } });
    const apiRun = await run(['doctor', '-c', api.config], api.env);
    expect(apiRun.code).toBe(0);
    expect(apiRun.stdout).toMatch(/WARN .* scopes: .*read_api alone is enough/);
    const revoked = await setup({ accessToken: { revoked: true, active: false } });
    expect((await run(['doctor', '-c', revoked.config], revoked.env)).stdout).toMatch(
      /FAIL .* token: the token is revoked/,
    );
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const expiring = await setup({ accessToken: { expires_at: soon } });
    expect((await run(['doctor', '-c', expiring.config], expiring.env)).stdout).toMatch(
      new RegExp(`WARN .* expiry: the token expires on ${soon}`),
    );
    const oauth = await setup({ accessToken: { kind: 'oauth' } });
    const oauthRun = await run(['doctor', '-c', oauth.config], oauth.env);
    expect(oauthRun.code).toBe(0);
    expect(oauthRun.stdout).toMatch(
      /WARN .* scopes: scopes not checked: .*400 \(400 Bad request - This endpoint requires/,
    );
  });

  it('reports a placeholder and a missing token, but a missing variable does not stop evaluate', async () => {
    const { config } = await setup();
    const placeholder = await run(['doctor', '-c', config], { GITLAB_TOKEN: 'REPLACE_ME' });
    expect(placeholder.code).toBe(2);
    expect(placeholder.stdout).toMatch(/FAIL .* token: the token is a placeholder/);
    expect(
      (await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], { GITLAB_TOKEN: 'REPLACE_ME' })).code,
    ).toBe(2);

    const missing = await run(['doctor', '-c', config], {});
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/FAIL .* token: environment variable GITLAB_TOKEN .* is not set or empty/);
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], {});
    expect(evaluate.code).toBe(1);
    expect(evaluate.stdout).toContain('GITLAB_UNAVAILABLE');
  });

  it('prints one JSON object with --json', async () => {
    const { config, env } = await setup({ pin: [4242, 999999] });
    const r = await run(['doctor', '-c', config, '--json'], env);
    const report = JSON.parse(r.stdout) as {
      healthy: boolean;
      blocksJudging: boolean;
      findings: { check: string; status: string }[];
    };
    expect(report.healthy).toBe(false);
    expect(report.blocksJudging).toBe(true);
    expect(report.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'project:999999', status: 'fail' })]),
    );
  });

  it('warns, and still judges, when GitLab cannot be reached: an outage is not a misconfiguration', async () => {
    // A port nothing listens on: bound, then closed.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((done) => probe.close(done));
    const { config, env } = await setup({ apiUrl: () => `http://127.0.0.1:${port}/api/v4` });
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `WARN .* api: GitLab did not answer at http://127\\.0\\.0\\.1:${port}/api/v4 \\(ECONNREFUSED\\)`,
      ),
    );
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(evaluate.code).toBe(1);
    expect(evaluate.stdout).toContain('"verdict":"unverified"');
  });
});
