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
export function loadCliConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { config: Config; path: string } {
  const candidates = flag
    ? [flag]
    : env.OIDC_WATCH_CONFIG_FILE
      ? [env.OIDC_WATCH_CONFIG_FILE]
      : DEFAULT_CONFIG_FILES;
  for (const c of candidates) {
    const path = resolve(cwd, c);
    if (flag || env.OIDC_WATCH_CONFIG_FILE || existsSync(path)) return { config: loadConfigFile(path), path };
  }
  throw new UsageError(
    `no configuration: pass --config FILE, set OIDC_WATCH_CONFIG_FILE, or create ./${DEFAULT_CONFIG_FILES[0]} ` +
      `(see examples/oidc-watch.config.yaml)`,
  );
}
