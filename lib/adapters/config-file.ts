import { readFileSync } from 'node:fs';
import type { Config } from '../core/config';
import { parseConfigText } from '../core/config-text';
import { ConfigError } from '../core/errors';

/** Reads and validates a YAML or JSON config file. Throws ConfigError naming the file and the key. */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      `${path}: cannot read config file: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      '',
      { cause },
    );
  }
  return parseConfigText(text, path);
}
