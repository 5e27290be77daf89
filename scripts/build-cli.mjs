// Bundles the CLI into dist/oidc-watch.js with esbuild: one file, fast start, no TypeScript at run time.
import { build } from 'esbuild';

await build({
  // process.ts: the process edge (signals, EPIPE); it also exports `main`.
  entryPoints: ['functions/cli/process.ts'],
  outfile: 'dist/oidc-watch.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
