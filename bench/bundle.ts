/**
 * Issue 3 benchmark: the correlator bundle's size and its module initialisation time (a cold-start proxy: a fresh
 * Node process requiring the bundle, which builds the AWS clients and reads the embedded config), next to a naive
 * bundle of the same handler (no minification, CommonJS entry points of every package, so no tree shaking of the
 * AWS SDK's ES modules). Targets: under 1.5 MB, under 150 ms on this machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { embeddedConfigDefine, LAMBDA_BUNDLE } from '../infra/bundling';
import { loadConfigFile } from '../lib/adapters/config-file';
import { fmt, median, printSection } from './common';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.bench', 'bundle');

// The options infra/constructs/house-function.ts gives NodejsFunction, from the same place (infra/bundling.ts): SDK
// bundled, config embedded with define. Also used by test/functions/correlator-bundle.test.ts, which keeps the
// bundle's budget and start-up properties from regressing.
export function correlatorBuildOptions(naive: boolean, outfile: string): BuildOptions {
  const config = loadConfigFile(join(ROOT, 'examples', 'oidc-watch.config.yaml'));
  return {
    entryPoints: [join(ROOT, 'functions', 'correlator', 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    logLevel: 'error',
    define: embeddedConfigDefine(config),
    ...(naive
      ? { minify: false, sourcemap: false }
      : {
          minify: LAMBDA_BUNDLE.minify,
          keepNames: LAMBDA_BUNDLE.keepNames,
          sourcemap: 'external',
          sourcesContent: LAMBDA_BUNDLE.sourcesContent,
          mainFields: [...LAMBDA_BUNDLE.mainFields],
        }),
  };
}

/** What the stack sets and the handler reads at init (no real credentials: init makes no AWS call). */
export const INIT_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
  DECISION_LOG_BUCKET: 'decisions-bucket',
  DECISION_LOG_PREFIX: 'decisions/',
  IDEMPOTENCY_TABLE: 'idempotency',
  GITLAB_TOKEN_SECRETS: JSON.stringify({
    'https://gitlab.com': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-AbCdEf',
  }),
  GITLAB_LOOKUP_BUDGET_MS: '30000',
  LOG_LEVEL: 'info',
  POWERTOOLS_SERVICE_NAME: 'gitlab-oidc-watch',
  POWERTOOLS_METRICS_NAMESPACE: 'GitLabOidcWatch',
};

/** Median of `runs` fresh processes' time to require the bundle (measured inside the process, excluding Node boot). */
function initTimeMs(bundle: string, runs = 7): number {
  const script = `const t=process.hrtime.bigint();const m=require(${JSON.stringify(bundle)});if(typeof m.handler!=='function')throw new Error('no handler');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', ...INIT_ENV },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`bundle failed to initialise: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return median(times);
}

export async function benchBundle(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const ours = join(OUT, 'correlator.js');
  const naive = join(OUT, 'correlator-naive.js');
  await build(correlatorBuildOptions(false, ours));
  await build(correlatorBuildOptions(true, naive));
  const size = (f: string) => statSync(f).size;
  const oursSize = size(ours);
  const naiveSize = size(naive);
  const oursInit = initTimeMs(ours);
  const naiveInit = initTimeMs(naive);
  const lines = readFileSync(ours, 'utf8').length;
  printSection(
    'Correlator Lambda bundle (esbuild, as the stack builds it) vs a naive bundle of the same handler',
    [
      {
        label: 'bundle size',
        value: `${fmt(oursSize / 1024)} KiB (${fmt(lines)} chars)`,
        target: '< 1.5 MB',
        meets: oursSize < 1.5 * 1024 * 1024,
      },
      {
        label: 'naive bundle size',
        value: `${fmt(naiveSize / 1024)} KiB (${fmt(naiveSize / oursSize, 1)}x)`,
      },
      {
        label: 'module init (median of 7 fresh processes)',
        value: `${fmt(oursInit, 1)} ms`,
        target: '< 150 ms',
        meets: oursInit < 150,
      },
      { label: 'naive module init', value: `${fmt(naiveInit, 1)} ms (${fmt(naiveInit / oursInit, 1)}x)` },
    ],
  );
}
