/**
 * How every Lambda bundle is built, stated once: the house function construct hands these to NodejsFunction, and the
 * bundle benchmark and test (bench/bundle.ts, test/functions/correlator-bundle.test.ts) build the same bundle with
 * esbuild directly, so what is measured is what is deployed.
 * See: https://esbuild.github.io/api/
 */
import { join } from 'node:path';
import type { Config } from '../lib/core/config';

/** The name under which the validated config is compiled into every bundle. */
export const EMBEDDED_CONFIG_VARIABLE = 'process.env.OIDC_WATCH_CONFIG';

export const LAMBDA_BUNDLE = {
  target: 'node22',
  /** CommonJS: see house-function.ts for why not ESM. */
  format: 'cjs',
  minify: true,
  // Error classes name themselves from `new.target.name` (lib/core/errors.ts): without this, logs and Lambda failure
  // records would say `QE` instead of `PublishError`. Costs a few KiB of __name() calls.
  // See: https://esbuild.github.io/api/#keep-names
  keepNames: true,
  // Mappings are enough for stack traces; embedding the sources would double the asset.
  sourcesContent: false,
  // Module entry points first, so esbuild can tree-shake the AWS SDK's ES modules.
  mainFields: ['module', 'main'],
} as const;

/**
 * Packages reached only through code this project never calls, replaced in every Lambda bundle by the small modules
 * in infra/bundle-stubs (esbuild `alias`): they cost module-initialisation time at every cold start for nothing.
 * - rate-limiter-flexible, picomatch-browser: imported by @gitbeaker/requester-utils for gitbeaker's own rate limiters,
 *   built only by its createRequesterFn and getMatchingRateLimiter; our transport (lib/adapters/gitlab/http.ts) has
 *   its own requester and is paced by the request budget, and every resource we build gets that requester.
 * - object-inspect: used by side-channel (under qs) only to word the error of `assert`, which qs never calls.
 * test/functions/correlator-bundle.test.ts runs every GitLab lookup through the bundle against the stand-in.
 * See: https://esbuild.github.io/api/#alias
 */
export function neverCalledAliases(): Record<string, string> {
  const stubs = join(__dirname, 'bundle-stubs');
  return {
    'rate-limiter-flexible': join(stubs, 'never-called.cjs'),
    'picomatch-browser': join(stubs, 'never-called.cjs'),
    'object-inspect': join(stubs, 'object-inspect.cjs'),
  };
}

/** The same aliases as NodejsFunction's `esbuildArgs` (`--alias:name=path`). */
export function neverCalledAliasArgs(): { '--alias': string[] } {
  return { '--alias': Object.entries(neverCalledAliases()).map(([name, path]) => `${name}=${path}`) };
}

/**
 * esbuild `define` that compiles the config into the bundle: a JSON string literal substituted for every read of
 * process.env.OIDC_WATCH_CONFIG. See: https://esbuild.github.io/api/#define
 */
export function embeddedConfigDefine(config: Config): Record<string, string> {
  return { [EMBEDDED_CONFIG_VARIABLE]: JSON.stringify(JSON.stringify(config)) };
}
