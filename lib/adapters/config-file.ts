import { readFileSync } from 'node:fs';
import type { Config } from '../core/config';
import { loadConfigText } from '../core/config-text';

/** Reads and validates a YAML or JSON config file. Throws ConfigError naming the file and the key. */
export function loadConfigFile(path: string): Config {
  return loadConfigText((p) => readFileSync(p, 'utf8'), path);
}
