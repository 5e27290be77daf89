/**
 * `npm run bench [-- section...]`: prints figures and ratios against baselines run in the same process, then one line
 * `BENCH {json}` with every figure (scripts/bench-table.ts turns it into the README's performance table).
 * Sections: engine, gitlab, live, budget, files, bundle, hunt, provenance (default: all). Never asserts: a benchmark reports, CI
 * tests. Optional: BENCH_LAMBDA_NODE=/path/to/node22 measures start-up on the Lambda runtime's Node too.
 */
import { benchGitLabCaching, benchSkipThroughput } from './engine';
import { benchBudget } from './budget';
import { benchBundle } from './bundle';
import { benchFiles } from './files';
import { benchHunt } from './hunt';
import { benchLive } from './live';
import { benchProvenance } from './provenance';

const sections: Record<string, () => Promise<object | void>> = {
  engine: benchSkipThroughput,
  gitlab: benchGitLabCaching,
  live: benchLive,
  budget: benchBudget,
  files: benchFiles,
  bundle: benchBundle,
  hunt: benchHunt,
  provenance: benchProvenance,
};

/** Rounds figures for the BENCH line: 3 significant decimals at most. */
function rounded(figures: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1000) / 1000 : v]),
  );
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(sections);
  process.stdout.write(
    `gitlab-oidc-watch benchmark on node ${process.version}, ${process.platform}/${process.arch}\n`,
  );
  const figures: Record<string, unknown> = {
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
  for (const name of names) {
    const run = sections[name];
    if (!run) throw new Error(`unknown section '${name}' (known: ${Object.keys(sections).join(', ')})`);
    const result = await run();
    if (result) Object.assign(figures, result);
  }
  process.stdout.write(`\nBENCH ${JSON.stringify(rounded(figures))}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
