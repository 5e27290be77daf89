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
