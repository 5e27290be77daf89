/**
 * The bundled binary as a person runs it: Ctrl-C (SIGINT) and `| head` (EPIPE), in child processes, with real HTTP
 * to the GitLab stand-in running in this process. Issue 9, failure 7.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_GITLAB, demoConfig } from '../../examples/demo/scenarios';
import { makeWebIdentityRecord } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'oidc-watch.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; resolves when it exits. `onStdout` sees stdout as it arrives. */
function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStdout: (soFar: string, child: ChildProcessWithoutNullStreams) => void = () => undefined,
): { child: ChildProcessWithoutNullStreams; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    onStdout(stdout, child);
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** Production-role records naming `count` different pipelines: each needs its own GitLab lookup. */
function productionRecords(count: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    lines.push(
      JSON.stringify(
        makeWebIdentityRecord({
          eventId: `sigint-${i}`,
          eventTime: `2026-11-20T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
          roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
          roleSessionName: `pipeline-${700000 + i}`,
          subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
        }),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('the oidc-watch process under Ctrl-C and a closed pipe', () => {
  let gitlab: GitLabStandin;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT });
    gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-process-'));
    configPath = join(dir, 'config.json');
    const config = demoConfig(gitlab.apiUrl) as { trustedIssuers: Record<string, unknown>[] };
    config.trustedIssuers = config.trustedIssuers.map((i) => ({
      ...i,
      concurrency: 2,
      lookupTimeoutMs: 30_000,
    }));
    writeFileSync(configPath, JSON.stringify(config));
    writeFileSync(join(dir, 'records.jsonl'), productionRecords(400));
    env = { GITLAB_TOKEN: gitlab.token };
  }, 60_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
  });

  beforeEach(() => gitlab.resetRequests());

  afterEach(() => {
    gitlab.clearFaults();
    gitlab.setLatencyMs(0);
  });

  it('stops hunt --source files cleanly on the first Ctrl-C and prints what was judged and the summary', async () => {
    gitlab.setLatencyMs(100);
    let sent = false;
    const run = start(
      ['hunt', '--source', 'files', '-c', configPath, '-f', 'json', join(dir, 'records.jsonl')],
      env,
      (soFar, child) => {
        if (!sent && soFar.includes('\n')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    const r = await run.exited;
    expect(r.code).toBe(130);
    const judged = r.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.length).toBeLessThan(400);
    for (const line of judged)
      expect(JSON.parse(line)).toEqual(expect.objectContaining({ verdict: 'alert' }));
    expect(r.stderr).toContain('interrupted');
    expect(r.stderr).toMatch(
      new RegExp(`summary \\(interrupted[^:]*\\): ${judged.length} web-identity record`),
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  }, 60_000);

  it('prints the table of what was judged when interrupted', async () => {
    gitlab.setLatencyMs(100);
    const run = start(['evaluate', '-c', configPath, '-f', 'table', join(dir, 'records.jsonl')], env);
    // Interrupt once the first GitLab requests were answered (the table only appears at the end).
    const answered = () =>
      gitlab.requests.filter((q) => q.path.includes('/pipelines/') && q.status !== 0).length;
    while (answered() < 3) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^TIME \(UTC\)\s+VERDICT/);
    expect(r.stdout).toContain('PIPELINE_NOT_FOUND');
    expect(r.stderr).toMatch(/summary \(interrupted/);
  }, 60_000);

  it('exits at once on the second Ctrl-C, even while GitLab hangs', async () => {
    gitlab.addFault({ match: '/pipelines/', kind: 'hang' });
    const run = start(['evaluate', '-c', configPath, '-f', 'json', join(dir, 'records.jsonl')], env);
    while (gitlab.requests.filter((q) => q.path.includes('/pipelines/')).length < 2)
      await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted twice');
  }, 60_000);

  it('ends quietly with exit 141 when the reader of stdout goes away (| head)', async () => {
    const ignored: string[] = [];
    for (let i = 0; i < 5000; i += 1)
      ignored.push(
        JSON.stringify(
          makeWebIdentityRecord({
            eventId: `pipe-${i}`,
            roleArn: 'arn:aws:iam::123456789012:role/not-production',
            roleSessionName: `pipeline-${i + 2}`,
          }),
        ),
      );
    const input = join(dir, 'many.jsonl');
    writeFileSync(input, `${ignored.join('\n')}\n`);
    // Asynchronously: the stand-in answering the self-check runs in this process.
    const shell = spawn(
      'bash',
      [
        '--norc',
        '-c',
        `"$0" "$1" evaluate -c "$2" -f json "$3" | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`,
        process.execPath,
        BIN,
        configPath,
        input,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
    );
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    shell.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    await new Promise((done) => shell.on('close', done));
    const r = { stdout, stderr };
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).toContain('status=141');
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  }, 60_000);
});
