/**
 * Turns config file text (YAML or JSON; JSON is YAML) into a validated Config. Pure: the caller reads the file.
 */
import { parseDocument } from 'yaml';
import { type Config, parseConfig } from './config';
import { ConfigError } from './errors';

export function parseConfigText(text: string, origin: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    throw new ConfigError(`${origin}: not valid YAML/JSON: ${first.message}`, '');
  }
  return parseConfig(doc.toJS({ maxAliasCount: 100 }), origin);
}

/** Reads a file's text; throws when it cannot (an `fs` error with a `code` such as ENOENT). */
export type ReadText = (path: string) => string;

/**
 * Reads a config file through `read` and validates it: the one loading path for the CLI, the Lambdas' embedded
 * config and `cdk synth`, each bringing its own reader. Throws ConfigError naming the file and the key.
 */
export function loadConfigText(read: ReadText, path: string): Config {
  let text: string;
  try {
    text = read(path);
  } catch (cause) {
    throw new ConfigError(`${path}: cannot read config file: ${errorCode(cause) ?? String(cause)}`, '', {
      cause,
    });
  }
  return parseConfigText(text, path);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
