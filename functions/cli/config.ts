import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../lib/core/config';
import { loadConfigFile } from '../../lib/adapters/config-file';
import { UsageError } from './io';

const DEFAULT_CONFIG_FILES = ['oidc-watch.config.yaml', 'oidc-watch.config.yml', 'oidc-watch.config.json'];

/**
 * --config FILE, else $OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.{yaml,yml,json}. No built-in policy:
 * which roles are production is never a silent default.
 */
export function resolveCliConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (flag) return resolve(cwd, flag);
  if (env.OIDC_WATCH_CONFIG_FILE) return resolve(cwd, env.OIDC_WATCH_CONFIG_FILE);
  for (const c of DEFAULT_CONFIG_FILES) {
    const path = resolve(cwd, c);
    if (existsSync(path)) return path;
  }
  throw new UsageError(
    `no configuration: pass --config FILE, set OIDC_WATCH_CONFIG_FILE, or create ./${DEFAULT_CONFIG_FILES[0]} ` +
      `(see examples/oidc-watch.config.yaml)`,
  );
}

export function loadCliConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { config: Config; path: string } {
  const path = resolveCliConfigPath(flag, env, cwd);
  return { config: loadConfigFile(path), path };
}
