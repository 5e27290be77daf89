/**
 * Resolves where a GitLab read_api token comes from into the token itself. The token is returned, never logged, and
 * never part of an error message (errors name the variable, file or secret, not the value).
 */
import { readFile } from 'node:fs/promises';
import type { TokenSource } from '../core/config';
import { ConfigError, EnvironmentError } from '../core/errors';

/** The environment variable read when an issuer configures no token source. */
export const DEFAULT_TOKEN_ENV = 'GITLAB_TOKEN';

export interface ResolveGitLabTokenDeps {
  env?: NodeJS.ProcessEnv;
  /** Reads a secret by ARN or name (Secrets Manager in the Lambda). Without it, secret sources are a ConfigError. */
  readSecret?: (id: string) => Promise<string>;
  /** Dotted config key named in ConfigErrors, e.g. `trustedIssuers[0].token`. Default `token`. */
  key?: string;
}

/**
 * {env:NAME} -> process.env[NAME] (missing or empty -> EnvironmentError naming it); {file:PATH} -> trimmed file content
 * (unreadable or empty -> ConfigError); undefined -> env GITLAB_TOKEN if set, else undefined (anonymous: public
 * projects only); {secretArn}/{secretName} -> resolved by `readSecret` if given, else ConfigError.
 */
export async function resolveGitLabToken(
  source: TokenSource | undefined,
  deps: ResolveGitLabTokenDeps = {},
): Promise<string | undefined> {
  const env = deps.env ?? process.env;
  const key = deps.key ?? 'token';
  if (source === undefined) {
    const fallback = env[DEFAULT_TOKEN_ENV]?.trim();
    return fallback ? fallback : undefined;
  }
  if ('env' in source) {
    const value = env[source.env]?.trim();
    if (!value)
      throw new EnvironmentError(
        `environment variable ${source.env} (${key}) is not set or empty`,
        source.env,
      );
    return value;
  }
  if ('file' in source) {
    let content: string;
    try {
      content = await readFile(source.file, 'utf8');
    } catch (error) {
      // Structural check: node's errors come from another realm under jest, where `instanceof Error` is false.
      const code =
        typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
          ? error.code
          : 'unreadable';
      throw new ConfigError(
        `${key}.file: cannot read GitLab token file ${source.file} (${code})`,
        `${key}.file`,
        { cause: error },
      );
    }
    const token = content.trim();
    if (!token)
      throw new ConfigError(`${key}.file: GitLab token file ${source.file} is empty`, `${key}.file`);
    return token;
  }
  const [field, id] =
    'secretArn' in source
      ? (['secretArn', source.secretArn] as const)
      : (['secretName', source.secretName] as const);
  if (!deps.readSecret) {
    throw new ConfigError(
      `${key}.${field}: secrets can only be read where a secret reader is wired in (the Lambda); use {env} or {file} here`,
      `${key}.${field}`,
    );
  }
  const token = (await deps.readSecret(id)).trim();
  if (!token)
    throw new ConfigError(`${key}.${field}: secret ${id} holds an empty GitLab token`, `${key}.${field}`);
  return token;
}
