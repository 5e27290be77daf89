/**
 * CLI conventions (issue 11, item 4), in-process with real HTTP to the GitLab stand-in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_GITLAB, DEMO_SCENARIOS, demoConfig } from '../../examples/demo/scenarios';
import type { CliIo } from '../../functions/cli/io';
import { main, VERSION } from '../../functions/cli/main';
import { ProgressLine } from '../../functions/cli/progress';
import { fitColumns } from '../../functions/cli/output';
import type { SourceItem } from '../../lib/core/source';
import { InputError } from '../../lib/core/errors';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const DEMO_EVENTS = join(ROOT, 'examples', 'demo', 'events');
// eslint-disable-next-line no-control-regex -- ANSI colour sequences are what this test looks for
const ANSI = /\x1b\[[0-9;]*m/g;

interface Terminal {
  isTTY?: boolean;
  columns?: number;
}

async function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  terminal: Terminal = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = Object.assign(new PassThrough(), terminal);
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdin, stdout: out, stderr: err, env, cwd: ROOT };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { verdict: string; severity: string; eventTime: string });

describe('CLI conventions', () => {
  let gitlab: GitLabStandin;
  let dir: string;
  let config: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-conventions-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify(demoConfig(gitlab.apiUrl)));
    env = { GITLAB_TOKEN: gitlab.token };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
  });

  it('prints the version of package.json with --version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await run(['--version'], env)).stdout).toBe(`${pkg.version}\n`);
  });

  it('answers --help with help for every command, and help COMMAND alike', async () => {
    for (const command of ['evaluate', 'hunt', 'doctor', 'validate', 'athena-sql', 'schema']) {
      const r = await run([command, '--help'], env);
      expect({ command, code: r.code, usage: r.stdout.startsWith(`Usage: oidc-watch ${command}`) }).toEqual({
        command,
        code: 0,
        usage: true,
      });
      expect((await run(['help', command], env)).stdout).toBe(r.stdout);
    }
    expect((await run(['schema'], env)).stdout).toContain('"$schema"');
    const unknown = await run(['bogus'], env);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      "oidc-watch: unknown command 'bogus'\nRun 'oidc-watch --help' for usage.\n",
    ]);
  });

  it('writes verdicts to --output FILE, choosing CSV from the extension', async () => {
    const file = join(dir, 'verdicts.csv');
    const r = await run(['evaluate', '-c', config, '-o', file, DEMO_EVENTS], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^event_id,event_time,/);
    expect(lines).toHaveLength(DEMO_SCENARIOS.length + 1);
    expect(
      (await run(['evaluate', '-c', config, '-o', join(dir, 'no', 'such', 'dir.json'), DEMO_EVENTS], env))
        .code,
    ).toBe(2);
  });

  it('filters by verdict and severity; the exit status follows what is shown, the summary counts everything', async () => {
    const okOnly = await run(
      ['evaluate', '-c', config, '-f', 'json', '--verdict', 'ok,ignored', DEMO_EVENTS],
      env,
    );
    expect(new Set(jsonLines(okOnly.stdout).map((v) => v.verdict))).toEqual(new Set(['ok', 'ignored']));
    expect(okOnly.code).toBe(0);
    expect(okOnly.stderr).toMatch(/summary: 15 web-identity record/);
    expect(okOnly.stderr).toMatch(/shown: 6 verdict\(s\) matching --verdict ok,ignored/);
    const critical = await run(
      ['evaluate', '-c', config, '-f', 'json', '--verdict', 'alert', '--severity', 'critical', DEMO_EVENTS],
      env,
    );
    const shown = jsonLines(critical.stdout);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((v) => v.verdict === 'alert' && v.severity === 'critical')).toBe(true);
    expect(critical.code).toBe(1);
    expect((await run(['evaluate', '-c', config, '--verdict', 'bad', DEMO_EVENTS], env)).stderr).toContain(
      '--verdict must be one of alert, unverified, ok, ignored',
    );
  });

  it('sorts rows by event time: the table always, JSON with --sort time', async () => {
    const table = await run(['evaluate', '-c', config, '-f', 'table', DEMO_EVENTS], env);
    const times = table.stdout
      .split('\n')
      .slice(2)
      .filter((l) => l !== '')
      .map((l) => l.slice(0, 19));
    expect(times).toEqual([...times].sort());
    const json = jsonLines(
      (await run(['evaluate', '-c', config, '-f', 'json', '--sort', 'time', DEMO_EVENTS], env)).stdout,
    );
    const eventTimes = json.map((v) => v.eventTime);
    expect(eventTimes).toEqual([...eventTimes].sort());
  });

  it('fits the table to the terminal, colours it, and honours NO_COLOR and --no-color', async () => {
    for (const columns of [160, 100, 80]) {
      const r = await run(['evaluate', '-c', config, DEMO_EVENTS], env, { isTTY: true, columns });
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      expect(lines.length).toBe(DEMO_SCENARIOS.length + 2);
      for (const line of lines) expect(line.replace(ANSI, '').length).toBeLessThanOrEqual(columns);
      expect(r.stdout).toMatch(ANSI);
    }
    const noColorEnv = await run(
      ['evaluate', '-c', config, DEMO_EVENTS],
      { ...env, NO_COLOR: '1' },
      { isTTY: true, columns: 200 },
    );
    expect(noColorEnv.stdout).not.toMatch(ANSI);
    expect(noColorEnv.stdout).toContain('VERDICT');
    const noColorFlag = await run(['evaluate', '--no-color', '-c', config, DEMO_EVENTS], env, {
      isTTY: true,
      columns: 200,
    });
    expect(noColorFlag.stdout).not.toMatch(ANSI);
  });

  it('keeps stderr silent with --quiet and tells more with --verbose', async () => {
    const quiet = await run(['evaluate', '-q', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(quiet.stderr).toBe('');
    expect(jsonLines(quiet.stdout)).toHaveLength(DEMO_SCENARIOS.length);
    const verbose = await run(['evaluate', '-v', '-c', config, '-f', 'json', DEMO_EVENTS], env);
    expect(verbose.stderr).toContain(`config: ${config}`);
    expect(verbose.stderr).toMatch(/self-check: ok +https:\/\/gitlab\.com: API, token and pinned projects/);
    expect(verbose.stderr).not.toContain(gitlab.token);
    expect((await run(['evaluate', '-q', '-v', '-c', config, DEMO_EVENTS], env)).code).toBe(2);
  });

  it('validates config files without GitLab or AWS, naming the key of each problem', async () => {
    const good = await run(['validate', config], {});
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(
      'valid: 1 trusted issuer(s), 2 production role(s), session-name patterns in effect: pipeline-id, gitlab-runner',
    );
    const bad = join(dir, 'bad.json');
    const c = demoConfig(gitlab.apiUrl);
    writeFileSync(
      bad,
      JSON.stringify({
        ...c,
        sessionNamePatterns: [{ name: 'slow', regex: '^(\\w+)+-(?<pipeline_id>[0-9]+)$' }],
      }),
    );
    const r = await run(['validate', config, bad], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sessionNamePatterns\[0\]\.regex: catastrophic backtracking/);
  });

  it('exits 3 when there are findings and input errors, so neither hides the other', async () => {
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, '{"eventName": "AssumeRoleWithWebIdentity", broken\n');
    const r = await run(['evaluate', '-c', config, '-f', 'json', DEMO_EVENTS, broken], env);
    expect(r.code).toBe(3);
    const errorsOnly = await run(['evaluate', '-c', config, '-f', 'json', broken], env);
    expect(errorsOnly.code).toBe(2);
  });
});

describe('the progress line', () => {
  const assumption = (source: string): SourceItem => ({
    kind: 'skipped',
    eventName: 'ConsoleLogin',
    source,
    count: 1,
  });

  it('shows files done of the total, the rate and an ETA from the bytes of the files done', () => {
    let now = 0;
    const written: string[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => written.push(c.toString('utf8')));
    const progress = new ProgressLine(
      out,
      true,
      () => 5,
      null,
      () => now,
      'evaluate',
    );
    progress.setFileSizes(
      new Map([
        ['a.json', 100],
        ['b.json', 100],
        ['c.json', 200],
      ]),
    );
    progress.item(assumption('a.json'));
    now = 10_000;
    progress.item(assumption('b.json'));
    progress.item({ kind: 'error', error: new InputError('x', 'c.json') });
    expect(progress.text()).toBe(
      'evaluate: 2/3 files, 3 records scanned, 0 verdicts (0 alert/unverified), 5 GitLab requests, 0 rec/s, ETA 0:10',
    );
  });

  it('narrows a table by shortening free text first, then leaving out the least useful columns', () => {
    const natural = [19, 10, 8, 12, 30, 40, 30, 20, 80];
    const wide = fitColumns(natural, null);
    expect(wide.widths).toEqual(natural);
    const narrow = fitColumns(natural, 100);
    const shownWidth =
      [...narrow.shown].reduce((sum, i) => sum + (narrow.widths[i] ?? 0), 0) + 2 * (narrow.shown.size - 1);
    expect(shownWidth).toBeLessThanOrEqual(100);
    expect(narrow.shown.has(0) && narrow.shown.has(1) && narrow.shown.has(8)).toBe(true);
  });
});
