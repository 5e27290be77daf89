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
    options: { tokenScopes?: string[]; apiUrl?: (s: GitLabStandin) => string; pin?: number[] } = {},
  ): Promise<{ gitlab: GitLabStandin; config: string; env: NodeJS.ProcessEnv }> {
    const gitlab = await startGitLabStandin({
      data: { ...DEMO_GITLAB, ...(options.tokenScopes ? { tokenScopes: options.tokenScopes } : {}) },
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

  it('reports a healthy setup: API, token and every pinned project', async () => {
    const { config, env, gitlab } = await setup();
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ok +https:\/\/gitlab\.com +GitLab answers at http:\/\/127\.0\.0\.1:\d+\/api\/v4, accepts the token, and shows the 2 pinned project\(s\)$/m,
    );
    expect(r.stdout).toContain('doctor: healthy');
    expect(r.stdout + r.stderr).not.toContain(gitlab.token);
  });

  it('refuses an apiUrl without /api/v4 at load, and an apiUrl where no GitLab API answers (issue 9 #4)', async () => {
    const bare = await setup({ apiUrl: (s) => s.url });
    const doctor = await run(['doctor', '-c', bare.config], bare.env);
    expect(doctor.code).toBe(2);
    expect(doctor.stderr).toMatch(/configuration error.*apiUrl/s);
    const evaluate = await run(['evaluate', '-c', bare.config, '-f', 'json', DEMO_EVENTS], bare.env);
    expect([evaluate.code, evaluate.stdout]).toEqual([2, '']);

    // Ends in /api/v4, but GitLab's API is not there (a path prefix too many): GitLab's web app answers HTML.
    const wrong = await setup({ apiUrl: (s) => `${s.url}/gitlab/api/v4` });
    const r = await run(['doctor', '-c', wrong.config], wrong.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL .* API_NOT_GITLAB: .*is apiUrl the \/api\/v4 base\?/);
    const refused = await run(['evaluate', '-c', wrong.config, '-f', 'json', DEMO_EVENTS], wrong.env);
    expect([refused.code, refused.stdout]).toEqual([2, '']);
    expect(refused.stderr).toContain('refusing to judge');
    // What the self-check prevents: with it switched off, the same run turns into false PROJECT_NOT_ALLOWED alerts.
    const anyway = await run(
      ['evaluate', '--no-self-check', '-c', wrong.config, '-f', 'json', DEMO_EVENTS],
      wrong.env,
    );
    expect(anyway.stdout).toContain('PROJECT_NOT_ALLOWED');
  });

  it('names a rejected token (401) and refuses to judge with it (issue 9 #3)', async () => {
    const { config } = await setup();
    const bad = { GITLAB_TOKEN: 'glpat-revokedrevokedrevoked' };
    const r = await run(['doctor', '-c', config], bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL .* TOKEN_REJECTED: .*refused the token \(401/);
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], bad);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stdout).toBe('');
    expect(evaluate.stderr).toMatch(/self-check: FAIL .*TOKEN_REJECTED/);
    const hunt = await run(['hunt', '-s', 'files', '-c', config, '-f', 'json', DEMO_EVENTS], bad);
    expect(hunt.code).toBe(2);
    expect(hunt.stderr).toContain('refusing to judge');
  });

  it('names a pinned project the token cannot see (issue 9 #3)', async () => {
    const { config, env } = await setup({ pin: [4242, 999999] });
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL .* PROJECT_NOT_VISIBLE: pinned project 999999 is not visible .*404/);
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stdout).toBe('');
  });

  it('checks the token scopes where GitLab tells them', async () => {
    const readUser = await setup({ tokenScopes: ['read_user'] });
    const r = await run(['doctor', '-c', readUser.config], readUser.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL .* TOKEN_SCOPE: .*lacks the read_api scope \(it has: read_user\)/);
    const api = await setup({ tokenScopes: ['api'] });
    expect((await run(['doctor', '-c', api.config], api.env)).code).toBe(0);
  });

  it('reports a missing token variable, but it does not stop evaluate (issue 9 #7)', async () => {
    const { config } = await setup();
    const missing = await run(['doctor', '-c', config], {});
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(
      /ERR .* TOKEN_UNREADABLE: .*environment variable GITLAB_TOKEN .* is not set or empty/,
    );
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], {});
    expect(evaluate.code).toBe(1);
    expect(evaluate.stdout).toContain('GITLAB_UNAVAILABLE');
    expect(evaluate.stderr).not.toContain('refusing');
  });

  it('prints one JSON object with --json', async () => {
    const { config, env } = await setup({ pin: [4242, 999999] });
    const r = await run(['doctor', '-c', config, '--json'], env);
    const report = JSON.parse(r.stdout) as {
      errors: number;
      blocksJudging: boolean;
      findings: { code: string; level: string }[];
    };
    expect(report.errors).toBe(1);
    expect(report.blocksJudging).toBe(true);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'PROJECT_NOT_VISIBLE', level: 'error' }),
    ]);
  });

  it('reports, and still judges, when GitLab cannot be reached: an outage is not a misconfiguration', async () => {
    // A port nothing listens on: bound, then closed.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((done) => probe.close(done));
    const { config, env } = await setup({ apiUrl: () => `http://127.0.0.1:${port}/api/v4` });
    const r = await run(['doctor', '-c', config], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ERR .* API_UNREACHABLE: http:\/\/127\.0\.0\.1:\d+\/api\/v4 did not answer/);
    const evaluate = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(evaluate.code).toBe(1);
    expect(evaluate.stdout).toContain('"verdict":"unverified"');
  });
});
