/**
 * `npm run demo`: replays the bundled scenario set (examples/demo/events) through the real `oidc-watch evaluate`
 * (real engine, real GitLab adapter over HTTP) against a GitLab stand-in served on localhost. No AWS, no GitLab.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_GITLAB, DEMO_SCENARIOS, demoConfig } from '../examples/demo/scenarios';
import { main } from '../functions/cli/main';
import { renderTable, tableRow } from '../functions/cli/output';
import { renderEmail } from '../lib/core/render/alert';
import type { Verdict } from '../lib/core/verdict';
import { startGitLabStandin } from '../tools/gitlab-standin';
import { demoAudit } from './demo-audit';

const out = process.stdout;
const rule = '='.repeat(100);

interface Demo {
  readonly configPath: string;
  readonly events: string;
  readonly token: string;
}

function cliIo(stdout: NodeJS.WritableStream, token: string) {
  return {
    stdin: new PassThrough(),
    stdout,
    stderr: process.stderr,
    env: { ...process.env, GITLAB_TOKEN: token },
    cwd: process.cwd(),
  };
}

/** `oidc-watch evaluate` over the bundled events; prints the verdict table and returns the verdicts. */
async function evaluateAll(d: Demo): Promise<Verdict[]> {
  out.write(`$ oidc-watch evaluate --config ${d.configPath} --format json ${d.events}\n`);
  let json = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => {
    json += chunk.toString('utf8');
  });
  const code = await main(
    ['evaluate', '--config', d.configPath, '--format', 'json', d.events],
    cliIo(stdout, d.token),
  );
  const verdicts = json
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Verdict);
  out.write(`(exit status ${code}: 1 means at least one alert or unverified verdict)\n\n`);
  out.write(
    renderTable(
      [...verdicts].sort((a, b) => a.eventTime.localeCompare(b.eventTime)).map(tableRow),
      out.isTTY === true,
    ),
  );
  return verdicts;
}

/** Expected against judged, per scenario; returns how many did not match. */
function compareScenarios(verdicts: readonly Verdict[]): number {
  out.write(`\nScenarios (expected -> got):\n`);
  let mismatches = 0;
  for (const s of DEMO_SCENARIOS) {
    const v = verdicts.find((x) => x.eventId === s.record.eventId);
    const codes = v ? v.findings.map((f) => f.code) : [];
    const good =
      v !== undefined && v.verdict === s.expected && s.expectedCodes.every((c) => codes.includes(c));
    if (!good) mismatches += 1;
    out.write(
      `  ${good ? 'PASS' : 'FAIL'}  ${s.name.padEnd(28)} ${s.expected.padEnd(8)} -> ${(v?.verdict ?? 'missing').padEnd(10)} ${codes.join(', ')}\n` +
        `        ${s.description}\n`,
    );
  }
  return mismatches;
}

function showOneAlert(verdicts: readonly Verdict[]): void {
  const spoofed = verdicts.find(
    (v) => v.eventId === DEMO_SCENARIOS.find((s) => s.name === 'spoofed-session-name')?.record.eventId,
  );
  if (!spoofed) return;
  out.write(
    `\n${rule}\n One alert in full, as the email subscriber of the SNS topic receives it:\n${rule}\n`,
  );
  out.write(`${renderEmail(spoofed)}\n`);
}

/** The same engine over history: a hunt over the synced trail folder, filtered to one role, as a table. */
async function huntHistory(d: Demo): Promise<void> {
  const trail = join(d.events, 'trail');
  out.write(
    `\n${rule}\n Hunting over history with the same engine (only the prod-deploy role, since 2026-11-01):\n${rule}\n`,
  );
  out.write(
    `$ oidc-watch hunt --source files --role prod-deploy --since 2026-11-01T00:00:00Z --format table ${trail}\n`,
  );
  const argv = ['hunt', '--source', 'files', '--config', d.configPath, '--role', 'prod-deploy'];
  await main(
    [...argv, '--since', '2026-11-01T00:00:00Z', '--format', 'table', trail],
    cliIo(process.stdout, d.token),
  );
}

async function run(): Promise<number> {
  out.write(
    `${rule}\n DEMO: invented data. A local GitLab stand-in plays gitlab.com; the CloudTrail records are bundled files.\n${rule}\n\n`,
  );
  const gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
  const dir = mkdtempSync(join(tmpdir(), 'oidc-watch-demo-'));
  try {
    const configPath = join(dir, 'oidc-watch.demo.json');
    writeFileSync(configPath, JSON.stringify(demoConfig(gitlab.apiUrl), null, 2));
    const events = join(__dirname, '..', 'examples', 'demo', 'events');
    out.write(
      `GitLab stand-in: ${gitlab.url}\nPolicy:          ${configPath}\nInput:           ${events}\n\n`,
    );
    const demo: Demo = { configPath, events, token: gitlab.token };
    const verdicts = await evaluateAll(demo);
    const mismatches = compareScenarios(verdicts);
    showOneAlert(verdicts);
    const answered = gitlab.requestCount();
    // The self-check before judging (GET /version, the token's own record, one GET per pinned project).
    const selfCheck = gitlab.requests.filter((r) =>
      /\/(version|personal_access_tokens\/self|projects\/[0-9]+)$/.test(r.path),
    ).length;
    await huntHistory(demo);
    out.write(
      `\nGitLab stand-in answered ${answered} request(s) for the evaluation: ${selfCheck} for the self-check, the rest ` +
        `for lookups (each pipeline and project fetched once).\n`,
    );
    // Which roles GitLab could take at all: the trust-policy audit over a bundled account file (issue 10).
    out.write(`\n${rule}\n Auditing trust policies: which roles can GitLab assume, and how far?\n${rule}\n`);
    const auditAsExpected = await demoAudit(configPath, { ...process.env, GITLAB_TOKEN: gitlab.token }, out);
    out.write(
      `${rule}\n DEMO finished: ${DEMO_SCENARIOS.length - mismatches}/${DEMO_SCENARIOS.length} scenarios judged as expected. Data above is invented.\n${rule}\n`,
    );
    return mismatches === 0 && auditAsExpected ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
  }
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
