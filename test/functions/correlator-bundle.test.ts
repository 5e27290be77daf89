/**
 * The correlator's Lambda bundle, built with the stack's esbuild options (bench/bundle.ts mirrors
 * infra/constructs/house-function.ts): the properties that keep its cold start short, checked on the real artefact
 * so that an innocent-looking import cannot quietly undo them. Timings are the benchmark's job (`npm run bench`);
 * these checks are deterministic.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { correlatorBuildOptions, INIT_ENV } from '../../bench/bundle';
import { startGitLabStandin } from '../../tools/gitlab-standin';
import { makeEventBridgeEvent, makeWebIdentityRecord } from '../support/fixtures';

/** The budget for the deployed bundle. */
const BUDGET_BYTES = 1.5 * 1024 * 1024;

let dir: string;
let bundle: string;
let metafile: Metafile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'correlator-bundle-'));
  bundle = join(dir, 'correlator.js');
  const result = await build({ ...correlatorBuildOptions(false, bundle), metafile: true });
  metafile = result.metafile;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Source files that contributed code to the bundle. */
function bundledInputs(): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
}

describe('correlator bundle', () => {
  it('stays under the 1.5 MB budget', () => {
    expect(statSync(bundle).size).toBeLessThan(BUDGET_BYTES);
  });

  it('carries only the English zod locale', () => {
    // `import { z } from 'zod'` hands esbuild the whole namespace, `z.locales` included (~260 KiB of messages in
    // 40-odd languages); `import * as z from 'zod'` lets it keep only what is used.
    const zodInputs = bundledInputs().filter((path) => path.includes('node_modules/zod/'));
    expect(zodInputs.length).toBeGreaterThan(0);
    const locales = zodInputs.filter((path) => /\/locales\//.test(path));
    expect(locales.map((path) => path.replace(/.*\/locales\//, ''))).toEqual(['en.js']);
  });

  it('initialises from the environment without compiling code at run time', () => {
    // Counts every use of the Function constructor while the bundle is required in a fresh process. zod's JIT is the
    // one user at init; zero means functions/shared/zod-jitless.ts ran before the first schema was built.
    const probe = join(dir, 'count-function.js');
    writeFileSync(
      probe,
      [
        'let count = 0;',
        'globalThis.Function = new Proxy(Function, {',
        '  construct(target, args, newTarget) { count += 1; return Reflect.construct(target, args, newTarget); },',
        '  apply(target, self, args) { count += 1; return Reflect.apply(target, self, args); },',
        '});',
        `const mod = require(${JSON.stringify(bundle)});`,
        'process.stdout.write(JSON.stringify({ handler: typeof mod.handler, functionsConstructed: count }));',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [probe], {
      env: { PATH: process.env.PATH ?? '', ...INIT_ENV },
      encoding: 'utf8',
    });
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(JSON.parse(run.stdout)).toEqual({ handler: 'function', functionsConstructed: 0 });
  });

  it('leaves out the packages it never calls (infra/bundling.ts neverCalledAliases)', () => {
    const inputs = bundledInputs();
    for (const name of ['rate-limiter-flexible', 'picomatch-browser', 'object-inspect'])
      expect(inputs.filter((path) => path.includes(`node_modules/${name}/`))).toEqual([]);
    expect(inputs.some((path) => path.includes('infra/bundle-stubs/never-called.cjs'))).toBe(true);
  });

  it('answers every GitLab lookup kind through the bundled gitbeaker, pagination and redirects included', async () => {
    // The GitLab adapter bundled with the Lambda options and the same stubs, run in its own process against the
    // stand-in: a stub reached by any lookup would throw and turn that lookup into an error here.
    const gitlab = await startGitLabStandin({
      data: {
        projects: [
          { id: 4242, path_with_namespace: 'acme/deploy', protected_tags: ['v*'] },
          {
            id: 5151,
            path_with_namespace: 'acme/site',
            protected_branches: Array.from({ length: 230 }, (_, i) => `hotfix/${i}-*`),
          },
        ],
        pipelines: [{ id: 77, project_id: 4242, ref: 'main', source: 'push' }],
        mergeRequests: [{ project_id: 4242, iid: 17, source_branch: 'f', target_branch: 'main' }],
        movedPaths: { 'acme/old-deploy': 4242 },
      },
    });
    try {
      const probe = join(dir, 'gitlab-probe.js');
      const options = correlatorBuildOptions(false, probe);
      await build({
        ...options,
        entryPoints: undefined,
        stdin: {
          contents: [
            "import { GitLabAdapter } from './lib/adapters/gitlab';",
            'const a = new GitLabAdapter({ apiUrl: process.env.API_URL ?? "", token: process.env.TOKEN,',
            '  lookupTimeoutMs: 10000, concurrency: 4, maxRetries: 0 });',
            'Promise.all([a.getPipeline(4242, 77), a.getProject("acme/old-deploy"), a.listProtectedBranches(5151),',
            '  a.listProtectedTags(4242), a.getMergeRequest(4242, 17), a.getPipeline(4242, 78)])',
            '  .then((r) => process.stdout.write(JSON.stringify(r.map((x) =>',
            '    x.status !== "found" ? x.status : Array.isArray(x.value) ? x.value.length : "found"))));',
          ].join('\n'),
          resolveDir: join(__dirname, '..', '..'),
          loader: 'ts',
        },
      });
      const run = await promisify(execFile)(process.execPath, [probe], {
        env: { PATH: process.env.PATH ?? '', API_URL: gitlab.apiUrl, TOKEN: gitlab.token },
      });
      expect(JSON.parse(run.stdout)).toEqual(['found', 'found', 230, 1, 'found', 'not_found']);
    } finally {
      await gitlab.close();
    }
  });

  it('keeps error class names in the minified bundle, where logs and failure records show them (issue 9, failure 9)', async () => {
    // A loopback port nobody listens on: every AWS call fails at once, and nothing leaves the machine.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const probe = join(dir, 'error-name.js');
    const event = makeEventBridgeEvent(
      makeWebIdentityRecord({ roleArn: 'arn:aws:iam::123456789012:role/not-production' }),
    );
    writeFileSync(
      probe,
      [
        `const { handler } = require(${JSON.stringify(bundle)});`,
        `const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30000 };`,
        `handler(${JSON.stringify(event)}, context).then(`,
        `  () => process.stdout.write(JSON.stringify({ name: null })),`,
        `  (e) => process.stdout.write(JSON.stringify({ name: e.name, ctor: e.constructor.name })),`,
        ');',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [probe], {
      env: {
        PATH: process.env.PATH ?? '',
        ...INIT_ENV,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_MAX_ATTEMPTS: '1',
        POWERTOOLS_METRICS_DISABLED: 'true',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    // The first thing to fail is reading the GitLab token secret (Secrets Manager is unreachable).
    expect(JSON.parse(run.stdout)).toEqual({ name: 'SecretReadError', ctor: 'SecretReadError' });
  });
});
