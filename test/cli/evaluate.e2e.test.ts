import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { DEMO_GITLAB, DEMO_SCENARIOS, demoConfig } from '../../examples/demo/scenarios';
import { main } from '../../functions/cli/main';
import type { CliIo } from '../../functions/cli/io';
import type { Verdict } from '../../lib/core/verdict';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { makeWebIdentityRecord } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const DEMO_EVENTS = join(ROOT, 'examples', 'demo', 'events');

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  verdicts: Verdict[];
}

async function runCli(argv: string[], env: NodeJS.ProcessEnv, stdinText?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  if (stdinText !== undefined) stdin.end(stdinText);
  else stdin.end();
  const io: CliIo = { stdin, stdout: out, stderr: err, env, cwd: ROOT };
  const code = await main(argv, io);
  const verdicts = argv.includes('json')
    ? stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Verdict)
    : [];
  return { code, stdout, stderr, verdicts };
}

describe('oidc-watch evaluate (end to end, real HTTP to the GitLab stand-in)', () => {
  let gitlab: GitLabStandin;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gitlab = await startGitLabStandin({
      data: { ...DEMO_GITLAB, movedPaths: { 'acme/platform/old-deploy': 4242 } },
    });
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-e2e-'));
    configPath = join(dir, 'config.json');
    const config = demoConfig(gitlab.apiUrl) as { trustedIssuers: Record<string, unknown>[] };
    // Short deadlines so the hanging-endpoint case ends quickly.
    config.trustedIssuers = config.trustedIssuers.map((i) => ({
      ...i,
      lookupTimeoutMs: 1500,
      maxRetries: 1,
    }));
    writeFileSync(configPath, JSON.stringify(config));
    env = { GITLAB_TOKEN: gitlab.token };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
  });

  afterEach(() => gitlab.clearFaults());

  it('judges every demo scenario as expected, with the expected codes, from every input form', async () => {
    const r = await runCli(['evaluate', '--config', configPath, '--format', 'json', DEMO_EVENTS], env);
    expect(r.code).toBe(1);
    expect(r.verdicts).toHaveLength(DEMO_SCENARIOS.length);
    for (const s of DEMO_SCENARIOS) {
      const v = r.verdicts.find((x) => x.eventId === s.record.eventId);
      expect({ name: s.name, verdict: v?.verdict }).toEqual({ name: s.name, verdict: s.expected });
      const codes = v?.findings.map((f) => f.code) ?? [];
      expect(codes).toEqual(expect.arrayContaining([...s.expectedCodes]));
      if (s.expected === 'ok' || s.expected === 'ignored') expect(codes).toEqual([]);
    }
    expect(r.stderr).toMatch(
      /summary: 15 web-identity record\(s\) judged .*9 alert, 0 unverified, 5 ok, 1 ignored; 4 other event\(s\) skipped; 0 input error/,
    );
  });

  it('reports the pipeline GitLab shows minting the token (not the one the session name names) in each JSON line', async () => {
    const r = await runCli(
      [
        'evaluate',
        '-c',
        configPath,
        '-f',
        'json',
        join(DEMO_EVENTS, 'eventbridge', 'spoofed-session-name.json'),
      ],
      env,
    );
    const [v] = r.verdicts;
    // The feature-branch job named the good main pipeline; the verdict shows the pipeline that ran on its ref.
    expect(v?.pipeline).toEqual(
      expect.objectContaining({
        id: 900003,
        projectId: 4242,
        ref: 'feature/exfil',
        source: 'push',
        username: 'mallory',
        webUrl: expect.stringContaining('/pipelines/900003'),
      }),
    );
    expect(v?.roleSessionName).toBe('pipeline-900001');
    expect(v?.subject).toContain('ref:feature/exfil');
  });

  it('reads records from stdin with -', async () => {
    const record = makeWebIdentityRecord({
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-900001',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    });
    const r = await runCli(
      ['evaluate', '-c', configPath, '-f', 'json', '-'],
      env,
      `${JSON.stringify(record)}\n`,
    );
    expect(r.code).toBe(0);
    expect(r.verdicts.map((v) => v.verdict)).toEqual(['ok']);
  });

  it('ends as unverified, never ok, when GitLab hangs, and exits 1', async () => {
    gitlab.addFault({ match: '/pipelines/900001', kind: 'hang' });
    const record = makeWebIdentityRecord({
      eventId: 'hang-1',
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-900001',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    });
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'json', '-'], env, JSON.stringify(record));
    expect(r.code).toBe(1);
    expect(r.verdicts[0]?.verdict).toBe('unverified');
    expect(r.verdicts[0]?.findings.map((f) => f.code)).toContain('GITLAB_UNAVAILABLE');
  });

  it('rides out a 429 with Retry-After and a 502, then judges the record', async () => {
    gitlab.addFault({ match: '/pipelines/900005', kind: 429, times: 1, retryAfterSeconds: 1 });
    gitlab.addFault({ match: '/pipelines/900005', kind: 502, times: 1 });
    const record = makeWebIdentityRecord({
      eventId: 'retry-1',
      // While pipeline 900005's deploy job runs (its jobs request meets the 429 and the 502).
      eventTime: '2026-11-20T11:15:30Z',
      roleSessionName: 'pipeline-900005',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:release/2026.11',
    });
    const cfg = join(dir, 'slow.json');
    const config = demoConfig(gitlab.apiUrl) as { trustedIssuers: Record<string, unknown>[] };
    config.trustedIssuers = config.trustedIssuers.map((i) => ({
      ...i,
      lookupTimeoutMs: 10_000,
      maxRetries: 3,
    }));
    writeFileSync(cfg, JSON.stringify(config));
    const r = await runCli(['evaluate', '-c', cfg, '-f', 'json', '-'], env, JSON.stringify(record));
    expect(r.verdicts[0]?.verdict).toBe('ok');
    expect(r.code).toBe(0);
  });

  it('follows a 301 for a moved project path and judges against the pinned id', async () => {
    const record = makeWebIdentityRecord({
      eventId: 'moved-1',
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-900001',
      subject: 'project_path:acme/platform/old-deploy:ref_type:branch:ref:main',
    });
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'json', '-'], env, JSON.stringify(record));
    expect(r.verdicts[0]?.projectId).toBe(4242);
    expect(r.verdicts[0]?.findings.map((f) => f.code)).not.toContain('PROJECT_NOT_ALLOWED');
  });

  it('says PIPELINE_NOT_FOUND when GitLab answers 404 for the named pipeline', async () => {
    const record = makeWebIdentityRecord({
      eventId: 'missing-1',
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-123456',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    });
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'json', '-'], env, JSON.stringify(record));
    expect(r.verdicts[0]?.verdict).toBe('alert');
    expect(r.verdicts[0]?.findings.map((f) => f.code)).toContain('PIPELINE_NOT_FOUND');
  });

  it('reports malformed input naming file and record, still judges the rest, and exits 2', async () => {
    const good = makeWebIdentityRecord({
      eventId: 'good-after-bad',
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-900001',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    });
    const noRole = makeWebIdentityRecord({ eventId: 'no-role' }) as unknown as {
      requestParameters: Record<string, unknown>;
    };
    delete noRole.requestParameters.roleArn;
    const jsonl = join(dir, 'mixed.jsonl');
    writeFileSync(
      jsonl,
      `${JSON.stringify(good)}\n{"eventName": "AssumeRoleWithWebIdentity", broken\n${JSON.stringify(noRole)}\n`,
    );
    const truncated = join(dir, 'truncated.json.gz');
    writeFileSync(truncated, gzipSync(JSON.stringify({ Records: [good] })).subarray(0, 40));
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'json', jsonl, truncated], env);
    expect(r.code).toBe(2);
    expect(r.verdicts.map((v) => v.eventId)).toEqual(['good-after-bad']);
    expect(r.stderr).toMatch(/mixed\.jsonl.*(record|line) 2/);
    expect(r.stderr).toMatch(/mixed\.jsonl.*(record|line) 3.*roleArn/);
    expect(r.stderr).toMatch(/truncated\.json\.gz/);
  });

  it('rejects a bad config naming the key, with exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'trustedIssuers:\n  - issuer: https://gitlab.com\n    apiUrl: not-a-url\nproductionRoles: []\n',
    );
    const r = await runCli(['evaluate', '-c', bad, '-f', 'json', DEMO_EVENTS], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trustedIssuers[0].apiUrl');
    expect(r.stderr).toContain('productionRoles');
  });

  it('answers usage errors with exit 2 and a pointer to --help', async () => {
    const r = await runCli(['evaluate', '--format', 'xml', '-c', configPath, DEMO_EVENTS], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format must be json, table or csv, not 'xml'");
    expect(r.stderr).toContain('--help');
    const unknown = await runCli(['evaluat'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'evaluat'");
  });

  it('prints a table that neutralises terminal escapes in attacker-chosen strings', async () => {
    const record = makeWebIdentityRecord({
      eventId: 'ansi-1',
      eventTime: '2026-11-20T09:00:05Z',
      roleSessionName: 'pipeline-900001\u001b[2J\u001b[31mfake',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    });
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'table', '-'], env, JSON.stringify(record));
    expect(r.stdout).toContain('VERDICT');
    expect(r.stdout).not.toContain('\u001b');
    // Escape characters make it a name STS never logs: the record is damaged or forged, whatever GitLab shows.
    expect(r.stdout).toContain('SESSION_NAME_UNPARSED');
  });

  it('reads a {secretArn} token source from Secrets Manager, as the deployed service would', async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-token-AbCdEf';
      secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: gitlab.token });
      const cfg = join(dir, 'secret.json');
      const config = demoConfig(gitlab.apiUrl) as { trustedIssuers: Record<string, unknown>[] };
      config.trustedIssuers = config.trustedIssuers.map((i) => ({ ...i, token: { secretArn: arn } }));
      writeFileSync(cfg, JSON.stringify(config));
      const record = makeWebIdentityRecord({
        eventId: 'secret-1',
        eventTime: '2026-11-20T09:00:05Z',
        roleSessionName: 'pipeline-900001',
        subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
      });
      const r = await runCli(['evaluate', '-c', cfg, '-f', 'json', '-'], {}, JSON.stringify(record));
      expect(r.verdicts[0]?.verdict).toBe('ok');
      expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: arn });
      expect(r.stdout + r.stderr).not.toContain(gitlab.token);
    } finally {
      secrets.restore();
    }
  });

  it('judges every record when a token variable is missing: only that issuer is unverified, saying why (issue 9 #7)', async () => {
    const noToken = join(dir, 'no-token.json');
    const c = JSON.parse(readFileSync(configPath, 'utf8')) as { trustedIssuers: Record<string, unknown>[] };
    c.trustedIssuers = c.trustedIssuers.map((i) => ({
      ...i,
      token: { env: 'OIDC_WATCH_TEST_NO_SUCH_TOKEN' },
    }));
    writeFileSync(noToken, JSON.stringify(c));
    const r = await runCli(['evaluate', '-c', noToken, '-f', 'json', DEMO_EVENTS], env);
    expect(r.code).toBe(1);
    expect(r.verdicts).toHaveLength(DEMO_SCENARIOS.length);
    const byName = (name: string) => {
      const s = DEMO_SCENARIOS.find((x) => x.name === name);
      return r.verdicts.find((v) => v.eventId === s?.record.eventId);
    };
    // Checks that need no GitLab run as usual.
    expect(byName('foreign-issuer')?.findings.map((f) => f.code)).toContain('UNTRUSTED_ISSUER');
    expect(byName('failed-probe')?.findings.map((f) => f.code)).toContain('ASSUME_ROLE_FAILED');
    expect(byName('not-production')?.verdict).toBe('ignored');
    // The issuer without a token: unverified, never ok, never a false alert, and the finding names the variable.
    const good = byName('good-main-deploy');
    expect(good?.verdict).toBe('unverified');
    const unavailable = good?.findings.find((f) => f.code === 'GITLAB_UNAVAILABLE');
    expect(unavailable?.message).toContain('OIDC_WATCH_TEST_NO_SUCH_TOKEN');
    expect(r.stderr).toMatch(/OIDC_WATCH_TEST_NO_SUCH_TOKEN.*unverified/);
    expect(r.stderr).not.toContain('refusing');
  });

  it('says "GitLab could not answer" once per finding, not twice (issue 11)', async () => {
    gitlab.addFault({ match: '/projects/', kind: 500 });
    const r = await runCli(
      [
        'evaluate',
        '-c',
        configPath,
        '-f',
        'json',
        join(DEMO_EVENTS, 'eventbridge', 'spoofed-session-name.json'),
      ],
      env,
    );
    const messages = r.verdicts.flatMap((v) => v.findings.map((f) => f.message));
    expect(messages.some((m) => m.startsWith('GitLab could not answer'))).toBe(true);
    for (const m of messages) expect(m).not.toMatch(/GitLab could not answer.*GitLab could not answer/);
  });

  it('never writes the GitLab token to stdout or stderr', async () => {
    gitlab.addFault({ match: '/projects/', kind: 500 });
    const r = await runCli(['evaluate', '-c', configPath, '-f', 'json', DEMO_EVENTS], env);
    expect(r.stdout + r.stderr).not.toContain(gitlab.token);
  });
});

describe('the bundled oidc-watch binary', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT });
  });

  it('prints help that names the commands and exit codes', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'oidc-watch.js'), 'evaluate', '--help'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: oidc-watch evaluate');
    expect(r.stdout).toContain('Exit status');
  });

  it('exits 2 with a clear message when no configuration is found', () => {
    const empty = mkdtempSync(join(tmpdir(), 'oidc-watch-noconf-'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'oidc-watch.js'), 'evaluate', DEMO_EVENTS], {
        encoding: 'utf8',
        cwd: empty,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('no configuration');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
