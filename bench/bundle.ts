/**
 * Issue 3 benchmark: the correlator bundle's size and its module initialisation time (a cold-start proxy: a fresh
 * Node process requiring the bundle, which builds the AWS clients and reads the embedded config), next to a naive
 * bundle of the same handler (no minification, CommonJS entry points of every package, so no tree shaking of the
 * AWS SDK's ES modules). Targets: under 1.5 MB, under 150 ms on this machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { embeddedConfigDefine, LAMBDA_BUNDLE, neverCalledAliases } from '../infra/bundling';
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
          alias: neverCalledAliases(),
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

/**
 * A fresh process requiring the bundle, timed inside the process (excluding Node boot): wall and CPU milliseconds.
 * With `cache`, the bundle is compiled through vm.Script with that V8 code cache (rejected caches fall back to a
 * normal compile, which `rejected` reports); with `produce`, the process writes the cache after initialising.
 */
function initScript(bundle: string, cache?: { path: string; produce: boolean }): string {
  const load = cache
    ? [
        "const vm=require('vm'),fs=require('fs'),Module=require('module'),path=require('path');",
        `const file=${JSON.stringify(bundle)};const cachePath=${JSON.stringify(cache.path)};`,
        'const cachedData=fs.existsSync(cachePath)?fs.readFileSync(cachePath):undefined;',
        'const script=new vm.Script(Module.wrap(fs.readFileSync(file,"utf8")),{filename:file,cachedData});',
        'const mod={exports:{}};script.runInThisContext().call(mod.exports,mod.exports,require,mod,file,path.dirname(file));',
        'const m=mod.exports;globalThis.__rejected=cachedData===undefined?null:script.cachedDataRejected;',
        cache.produce ? 'fs.writeFileSync(cachePath,script.createCachedData());' : '',
      ].join('')
    : `const m=require(${JSON.stringify(bundle)});`;
  return `const t=process.hrtime.bigint();const c=process.cpuUsage();${load}if(typeof m.handler!=='function')throw new Error('no handler');const d=process.cpuUsage(c);process.stdout.write(JSON.stringify({ms:Number(process.hrtime.bigint()-t)/1e6,cpuMs:(d.user+d.system)/1000,rejected:globalThis.__rejected??null}));`;
}

interface InitTimes {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rejected: boolean | null;
}

/** Medians over `runs` fresh processes. */
function initTimes(
  bundle: string,
  runs = 11,
  cache?: { path: string; produce: boolean },
  node = process.execPath,
): InitTimes {
  const wall: number[] = [];
  const cpu: number[] = [];
  let rejected: boolean | null = null;
  for (let i = 0; i < runs; i += 1) {
    const r = spawnSync(node, ['-e', initScript(bundle, cache)], {
      env: { PATH: process.env.PATH ?? '', ...INIT_ENV },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`bundle failed to initialise: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as InitTimes;
    wall.push(out.ms);
    cpu.push(out.cpuMs);
    rejected = out.rejected;
  }
  return { ms: median(wall), cpuMs: median(cpu), rejected };
}

export interface BundleFigures {
  readonly bundleKiB: number;
  readonly initMsMedian: number;
  readonly initCpuMsMedian: number;
  readonly initWithoutStubsMsMedian: number;
  readonly codeCacheInitMsMedian: number;
  readonly codeCacheAccepted: boolean;
  readonly codeCacheMismatchHarmless: boolean;
  /** With BENCH_LAMBDA_NODE set (a Node 22 binary, the Lambda runtime's major): the same two measurements there. */
  readonly lambdaNodeVersion?: string;
  readonly lambdaNodeInitMsMedian?: number;
  readonly lambdaNodeCodeCacheInitMsMedian?: number;
  readonly lambdaNodeCodeCacheAccepted?: boolean;
}

/** The init figures on another Node binary (BENCH_LAMBDA_NODE), its code cache made by itself. */
function onLambdaNode(bundle: string): Partial<BundleFigures> {
  const node = process.env.BENCH_LAMBDA_NODE;
  if (!node) return {};
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const cachePath = join(OUT, `correlator.${version}.v8cache`);
  rmSync(cachePath, { force: true });
  const plain = initTimes(bundle, 11, undefined, node);
  initTimes(bundle, 1, { path: cachePath, produce: true }, node);
  const cached = initTimes(bundle, 11, { path: cachePath, produce: false }, node);
  return {
    lambdaNodeVersion: version,
    lambdaNodeInitMsMedian: plain.ms,
    lambdaNodeCodeCacheInitMsMedian: cached.ms,
    lambdaNodeCodeCacheAccepted: cached.rejected === false,
  };
}

export async function benchBundle(): Promise<BundleFigures> {
  mkdirSync(OUT, { recursive: true });
  const ours = join(OUT, 'correlator.js');
  const naive = join(OUT, 'correlator-naive.js');
  const unstubbed = join(OUT, 'correlator-unstubbed.js');
  await build(correlatorBuildOptions(false, ours));
  await build(correlatorBuildOptions(true, naive));
  await build({ ...correlatorBuildOptions(false, unstubbed), alias: {} });
  const size = (f: string) => statSync(f).size;
  const oursSize = size(ours);
  const naiveSize = size(naive);
  const oursInit = initTimes(ours);
  const unstubbedInit = initTimes(unstubbed);
  const naiveInit = initTimes(naive, 7);
  // V8 code cache, produced by this very Node (as a deploy machine would have to, with the Lambda's exact version).
  const cachePath = join(OUT, 'correlator.v8cache');
  rmSync(cachePath, { force: true });
  initTimes(ours, 1, { path: cachePath, produce: true });
  const cached = initTimes(ours, 11, { path: cachePath, produce: false });
  // A cache from another V8 (here: a corrupted one) must be rejected and the bundle still start.
  const foreign = join(OUT, 'correlator.foreign.v8cache');
  const bytes = readFileSync(cachePath);
  bytes.writeUInt32LE((bytes.readUInt32LE(4) ^ 0xffffffff) >>> 0, 4);
  writeFileSync(foreign, bytes);
  const mismatch = initTimes(ours, 1, { path: foreign, produce: false });
  const figures: BundleFigures = {
    bundleKiB: oursSize / 1024,
    initMsMedian: oursInit.ms,
    initCpuMsMedian: oursInit.cpuMs,
    initWithoutStubsMsMedian: unstubbedInit.ms,
    codeCacheInitMsMedian: cached.ms,
    codeCacheAccepted: cached.rejected === false,
    codeCacheMismatchHarmless: mismatch.rejected === true,
    ...onLambdaNode(ours),
  };
  printSection(
    'Correlator Lambda bundle (esbuild, as the stack builds it) vs a naive bundle of the same handler',
    [
      {
        label: 'bundle size',
        value: `${fmt(figures.bundleKiB)} KiB (without the never-called stubs: ${fmt(size(unstubbed) / 1024)} KiB)`,
        target: '< 1.5 MB',
        meets: oursSize < 1.5 * 1024 * 1024,
      },
      {
        label: 'naive bundle size',
        value: `${fmt(naiveSize / 1024)} KiB (${fmt(naiveSize / oursSize, 1)}x)`,
      },
      {
        label: 'module init (median of 11 fresh processes)',
        value: `${fmt(oursInit.ms, 1)} ms wall, ${fmt(oursInit.cpuMs, 1)} ms CPU; without the stubs ${fmt(unstubbedInit.ms, 1)} ms wall, ${fmt(unstubbedInit.cpuMs, 1)} ms CPU`,
        target: '<= 70 ms',
        meets: oursInit.ms <= 70,
      },
      {
        label: `with a V8 code cache made by this Node (${process.version})`,
        value: `${fmt(cached.ms, 1)} ms wall, ${fmt(cached.cpuMs, 1)} ms CPU (accepted: ${String(figures.codeCacheAccepted)}); a foreign cache is rejected and ignored: ${String(figures.codeCacheMismatchHarmless)}`,
      },
      {
        label: 'naive module init',
        value: `${fmt(naiveInit.ms, 1)} ms (${fmt(naiveInit.ms / oursInit.ms, 1)}x)`,
      },
    ],
  );
  return figures;
}
