/**
 * Regenerates the README's performance table from a `BENCH {json}` line (the last line `npm run bench` prints):
 *   npm run bench | tee bench.txt && npx tsx scripts/bench-table.ts bench.txt
 * Rewrites the part of README.md between `<!-- bench-table:start -->` and `<!-- bench-table:end -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const num = z.number();
const Bench = z
  .object({
    node: z.string(),
    date: z.string(),
    liveBurstRequestsPerEvent: num,
    liveBurstBaselineRequestsPerEvent: num,
    closedWindowBurstRequestsPerEvent: num,
    dayRequests: num,
    dayBaselineRequests: num,
    dayPeakRequestsPerMin: num,
    dayVerdictsIdentical: z.boolean(),
    budgetRequestsPerMin: num,
    budgetPeakPerMinDefault: num,
    budgetPeakPerMinHigh: num,
    budgetUnverifiedDefault: num,
    budgetUnverifiedHigh: num,
    noBudgetUnverified: num,
    noBudgetRateLimited: num,
    jsonlLinesPerSec: num,
    jsonlBaselineLinesPerSec: num,
    jsonlSpeedup: num,
    bigDocMB: num,
    bigDocPeakRssMB: num,
    bigDocExit: z.number().nullable(),
    bundleKiB: num,
    initMsMedian: num,
    initCpuMsMedian: num,
    initWithoutStubsMsMedian: num,
    codeCacheInitMsMedian: num,
    codeCacheAccepted: z.boolean(),
    huntMBps: num,
    huntSingleThreadMBps: num,
    gunzipMBps: num,
    huntVsGunzip: num,
    huntPeakRssMB: num,
    huntWorkers: num,
  })
  .loose();

const START = '<!-- bench-table:start -->';
const END = '<!-- bench-table:end -->';

const f0 = (n: number): string => Math.round(n).toLocaleString('en-US');
const f2 = (n: number): string => n.toFixed(2);
const mark = (ok: boolean): string => (ok ? '✔' : '✘');

function table(b: z.infer<typeof Bench>): string {
  const rows: [string, string, string, string][] = [
    [
      'live: GitLab requests per assumption, 20-job burst in one container, judged 2 min after each event',
      f2(b.liveBurstRequestsPerEvent),
      `fresh cache per event: ${f2(b.liveBurstBaselineRequestsPerEvent)}`,
      `≤ 0.3 ${mark(b.liveBurstRequestsPerEvent <= 0.3)}`,
    ],
    [
      'the same burst judged after its window closed (reconcile, hunt)',
      f2(b.closedWindowBurstRequestsPerEvent),
      '',
      '',
    ],
    [
      'live: a day of 10,000 assumptions over 200 projects',
      `${f0(b.dayRequests)} requests, peak ${f0(b.dayPeakRequestsPerMin)}/min`,
      `fresh cache per event: ${f0(b.dayBaselineRequests)}`,
      `verdicts identical ${mark(b.dayVerdictsIdentical)}`,
    ],
    [
      'request budget (default per token)',
      `${f0(b.budgetRequestsPerMin)}/min`,
      "GitLab.com's limit: 2,000/min",
      '',
    ],
    [
      'budgeted run at concurrency 8 / 64 vs a stand-in enforcing 2,000/min',
      `peak ${f0(b.budgetPeakPerMinDefault)} / ${f0(b.budgetPeakPerMinHigh)} per min; ${b.budgetUnverifiedDefault} / ${b.budgetUnverifiedHigh} unverified`,
      `no budget: ${f0(b.noBudgetRateLimited)} × 429, ${b.noBudgetUnverified} unverified`,
      `0 unverified ${mark(b.budgetUnverifiedDefault === 0 && b.budgetUnverifiedHigh === 0)}`,
    ],
    [
      `hunt --source files, 1 GB gzip, ${b.huntWorkers} worker threads`,
      `${f0(b.huntMBps)} MB/s, ${f2(b.huntVsGunzip)} × zlib`,
      `Node zlib gunzip (1 thread): ${f0(b.gunzipMBps)} MB/s; hunt on 1 thread: ${f0(b.huntSingleThreadMBps)} MB/s`,
      `≥ 0.5 × zlib ${mark(b.huntVsGunzip >= 0.5)}`,
    ],
    [
      `hunt peak memory (max RSS, ${b.huntWorkers} workers)`,
      `${f0(b.huntPeakRssMB)} MB`,
      '',
      `< 300 MB ${mark(b.huntPeakRssMB < 300)}`,
    ],
    [
      'JSON Lines on stdin, lines per CPU second',
      `${f0(b.jsonlLinesPerSec)} lines/s`,
      `the reader it replaced: ${f0(b.jsonlBaselineLinesPerSec)} lines/s (${f2(b.jsonlSpeedup)} ×)`,
      `≥ 1.5 × ${mark(b.jsonlSpeedup >= 1.5)}`,
    ],
    [
      `one ${f0(b.bigDocMB)} MB {"Records":[...]} document`,
      `judged (exit ${String(b.bigDocExit)}), ${f0(b.bigDocPeakRssMB)} MB max RSS`,
      'before: refused after 702 MB RSS',
      `< 300 MB ${mark(b.bigDocPeakRssMB < 300 && (b.bigDocExit === 0 || b.bigDocExit === 1))}`,
    ],
    ['correlator bundle', `${f0(b.bundleKiB)} KiB`, '', `< 1.5 MB ${mark(b.bundleKiB < 1536)}`],
    [
      'correlator module init (fresh process, median of 11)',
      `${b.initMsMedian.toFixed(1)} ms (${b.initCpuMsMedian.toFixed(1)} ms CPU)`,
      `without the never-called stubs: ${b.initWithoutStubsMsMedian.toFixed(1)} ms; with a matching V8 code cache: ${b.codeCacheInitMsMedian.toFixed(1)} ms`,
      `≤ 70 ms ${mark(b.initMsMedian <= 70)}`,
    ],
  ];
  const lines = [
    `Figures of \`npm run bench\` on ${b.node}, ${b.date} (2-core machine shared with other work: compare ratios within`,
    'the run, not absolutes). Regenerate: `npm run bench | tee bench.txt && npx tsx scripts/bench-table.ts bench.txt`.',
    '',
    '| what | figure | baseline in the same run | target |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return lines.join('\n');
}

function main(): void {
  const input = process.argv[2];
  if (!input) throw new Error('usage: tsx scripts/bench-table.ts BENCH_OUTPUT_FILE');
  const line = readFileSync(input, 'utf8')
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`${input} has no 'BENCH {json}' line (run the whole bench)`);
  const bench = Bench.parse(JSON.parse(line.slice('BENCH '.length)));
  const readme = join(__dirname, '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} ... ${END} section`);
  writeFileSync(readme, `${text.slice(0, start + START.length)}\n${table(bench)}\n${text.slice(end)}`);
  process.stdout.write('README.md performance table regenerated\n');
}

main();
