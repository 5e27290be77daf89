/**
 * Issue 12, file source: (1) JSON Lines on stdin, lines per CPU second of the reader next to the reader it replaced
 * (bench/baselines/jsonl-per-line.ts) over the same bytes in the same run; (2) one 500 MB `{"Records":[...]}` document
 * judged by `oidc-watch hunt --source files --workers 0` in its own process, streaming: peak RSS (target < 300 MB).
 * Both inputs are generated in a temporary directory and removed afterwards.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { readFiles } from '../lib/sources/files';
import { makeWebIdentityRecord } from '../tools/cloudtrail-records';
import { legacySkipCount } from './baselines/jsonl-per-line';
import { fmt, printSection } from './common';
import { otherEvent } from './engine';
import { startRemoteStandin } from './remote-standin';

const ROOT = join(__dirname, '..');
const JSONL_LINES = 200_000;
const BIG_DOC_BYTES = Number(process.env.BENCH_BIG_DOC_BYTES ?? 500_000_000);

export interface FileFigures {
  readonly jsonlLinesPerSec: number;
  readonly jsonlBaselineLinesPerSec: number;
  readonly jsonlSpeedup: number;
  readonly bigDocMB: number;
  readonly bigDocPeakRssMB: number;
  readonly bigDocMBps: number;
  readonly bigDocExit: number | null;
}

const stdinChunks = (file: string) => createReadStream(file, { highWaterMark: 64 * 1024 });

/** CPU milliseconds of this process while `fn` runs: steadier than wall time on a machine shared with other work. */
async function cpuMs<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, result };
}

/** `a` and `b` alternately, `runs` times each; the best (least CPU) of each. */
async function bestOfInterleaved<T>(
  runs: number,
  a: () => Promise<T>,
  b: () => Promise<T>,
): Promise<[{ ms: number; result: T }, { ms: number; result: T }]> {
  let bestA = await cpuMs(a);
  let bestB = await cpuMs(b);
  for (let i = 1; i < runs; i += 1) {
    const x = await cpuMs(a);
    if (x.ms < bestA.ms) bestA = x;
    const y = await cpuMs(b);
    if (y.ms < bestB.ms) bestB = y;
  }
  return [bestA, bestB];
}

async function jsonl(
  dir: string,
): Promise<Pick<FileFigures, 'jsonlLinesPerSec' | 'jsonlBaselineLinesPerSec' | 'jsonlSpeedup'>> {
  const file = join(dir, 'other-events.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < JSONL_LINES; i += 1) lines.push(otherEvent(i));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const current = async () => {
    let skipped = 0;
    for await (const item of readFiles(['-'], { stdin: stdinChunks(file) }))
      if (item.kind === 'skipped') skipped += item.count;
    return skipped;
  };
  const legacy = async () => (await legacySkipCount(stdinChunks(file)))[0];
  await current(); // warm-up
  await legacy();
  // Interleaved, best of 5 each, in CPU time: the machine's load moves both alike.
  const [a, b] = await bestOfInterleaved(5, current, legacy);
  if (a.result !== JSONL_LINES || b.result !== JSONL_LINES) throw new Error('JSON Lines runs disagree');
  const rate = (ms: number) => (JSONL_LINES / ms) * 1000;
  return {
    jsonlLinesPerSec: rate(a.ms),
    jsonlBaselineLinesPerSec: rate(b.ms),
    jsonlSpeedup: b.ms / a.ms,
  };
}

/** Writes a `{"Records":[...]}` document of about `bytes`, one web-identity record in 10,000. */
async function writeBigDocument(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const web = JSON.stringify(
    makeWebIdentityRecord({
      eventId: 'big-doc-wi',
      roleArn: 'arn:aws:iam::123456789012:role/ci-cache-writer',
    }),
  );
  let written = 0;
  const write = async (text: string): Promise<void> => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"Records":[');
  for (let i = 0; written < bytes; i += 1) {
    const batch: string[] = [];
    for (let k = 0; k < 1000; k += 1)
      batch.push((i * 1000 + k) % 10_000 === 5 ? web : otherEvent(i * 1000 + k));
    await write(`${i === 0 ? '' : ','}${batch.join(',')}`);
  }
  await write(']}\n');
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

function timedRun(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ ms: number; stderr: string; code: number | null }>((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, stderr, code }));
  });
}

async function bigDocument(
  dir: string,
): Promise<Pick<FileFigures, 'bigDocMB' | 'bigDocPeakRssMB' | 'bigDocMBps' | 'bigDocExit'>> {
  const doc = join(dir, 'big-log-file.json');
  const size = await writeBigDocument(doc, BIG_DOC_BYTES);
  // The pinned project exists, so the CLI's self-check passes (the records themselves need no lookup).
  const gitlab = await startRemoteStandin(
    { projects: [{ id: 4242, path_with_namespace: 'acme/platform/deploy' }], pipelines: [] },
    0,
  );
  try {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        trustedIssuers: [
          { issuer: 'https://gitlab.com', apiUrl: gitlab.apiUrl, token: { env: 'GITLAB_TOKEN' } },
        ],
        productionRoles: [
          {
            name: 'prod-deploy',
            roleArns: ['arn:aws:iam::*:role/prod-deploy'],
            allowedProjectIds: [4242],
            allowedAudiences: ['https://gitlab.com'],
          },
        ],
      }),
    );
    const cli = join(ROOT, 'bin', 'oidc-watch.js');
    const run = await timedRun(
      '/usr/bin/time',
      [
        '-f',
        'maxrss_kb=%M',
        process.execPath,
        cli,
        'hunt',
        '--source',
        'files',
        '--config',
        config,
        '--format',
        'json',
        '--workers',
        '0',
        doc,
      ],
      { ...process.env, GITLAB_TOKEN: gitlab.token },
    );
    const rss = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
    return {
      bigDocMB: size / 1e6,
      bigDocPeakRssMB: rss,
      bigDocMBps: size / 1e6 / (run.ms / 1000),
      bigDocExit: run.code,
    };
  } finally {
    await gitlab.close();
  }
}

export async function benchFiles(): Promise<FileFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-watch-bench-files-'));
  try {
    const lines = await jsonl(dir);
    const big = await bigDocument(dir);
    const figures: FileFigures = { ...lines, ...big };
    printSection('File source: JSON Lines on stdin, and one large log file', [
      {
        label: `JSON Lines on stdin, ${fmt(JSONL_LINES)} other events`,
        value: `${fmt(figures.jsonlLinesPerSec)} lines/s; the reader it replaced: ${fmt(figures.jsonlBaselineLinesPerSec)} lines/s`,
      },
      {
        label: 'JSON Lines speed-up over the reader it replaced',
        value: `${fmt(figures.jsonlSpeedup, 2)}x`,
        target: '>= 1.5x',
        meets: figures.jsonlSpeedup >= 1.5,
      },
      {
        label: `one ${fmt(figures.bigDocMB)} MB {"Records":[...]} document, hunt --workers 0`,
        value: `exit ${String(figures.bigDocExit)}, ${fmt(figures.bigDocMBps)} MB/s`,
        target: 'judged (exit 0: no alert)',
        meets: figures.bigDocExit === 0,
      },
      {
        label: 'its peak memory (max RSS)',
        value: `${fmt(figures.bigDocPeakRssMB)} MB`,
        target: '< 300 MB',
        meets: figures.bigDocPeakRssMB < 300,
      },
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
