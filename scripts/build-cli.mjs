// Bundles the CLI into dist/oidc-watch.js with esbuild: one file, fast start, no TypeScript at run time. The file
// reader threads of `hunt --source files` have their own small entry point, dist/files-worker.js.
import { build } from 'esbuild';

await build({
  // process.ts: the process edge (signals, EPIPE); it also exports `main`.
  entryPoints: { 'oidc-watch': 'functions/cli/process.ts', 'files-worker': 'functions/cli/files-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
