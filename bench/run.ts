/**
 * `npm run bench [-- section...]`: prints figures and ratios against baselines run in the same process.
 * Sections: engine, gitlab, bundle, hunt, provenance (default: all). Never asserts: a benchmark reports, CI tests.
 */
import { benchGitLabCaching, benchSkipThroughput } from './engine';
import { benchBundle } from './bundle';
import { benchHunt } from './hunt';
import { benchProvenance } from './provenance';

const sections: Record<string, () => Promise<void>> = {
  engine: benchSkipThroughput,
  gitlab: benchGitLabCaching,
  bundle: benchBundle,
  hunt: benchHunt,
  provenance: benchProvenance,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(sections);
  process.stdout.write(
    `gitlab-oidc-watch benchmark on node ${process.version}, ${process.platform}/${process.arch}\n`,
  );
  for (const name of names) {
    const run = sections[name];
    if (!run) throw new Error(`unknown section '${name}' (known: ${Object.keys(sections).join(', ')})`);
    await run();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
