/**
 * The policy config shipped inside the function bundle. `cdk synth` validates the config file and embeds it as a
 * JSON string (esbuild `define` of `process.env.OIDC_WATCH_CONFIG`), so the function needs no file and no
 * S3 read at cold start. It is validated again here with the same schema: the bundle and the synth must agree.
 */
import type { Config } from '../../lib/core/config';
import { parseConfig } from '../../lib/core/config';
import { ConfigError, EnvironmentError } from '../../lib/core/errors';

export const CONFIG_VARIABLE = 'OIDC_WATCH_CONFIG';

export function loadEmbeddedConfig(raw: string | undefined): Config {
  if (raw === undefined || raw.trim() === '') {
    throw new EnvironmentError(
      `${CONFIG_VARIABLE} is not set: the config is embedded at build time by the CDK stack`,
      CONFIG_VARIABLE,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    if (cause instanceof SyntaxError)
      throw new ConfigError(`${CONFIG_VARIABLE}: not valid JSON: ${cause.message}`, '', { cause });
    throw cause;
  }
  return parseConfig(value, CONFIG_VARIABLE);
}
