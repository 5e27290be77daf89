/**
 * Secrets Manager reads, cached per container (five minutes by default) so that a warm Lambda does not call
 * GetSecretValue per event, while a rotated token is picked up within minutes. Values are never logged: errors
 * name the secret, never its content.
 * See: https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OidcWatchError } from '../core/errors';

/** A secret could not be read, or holds no string. */
export class SecretReadError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly secretId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SecretReaderOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export type SecretReader = (secretId: string) => Promise<string>;

export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

export function createSecretReader(
  client: SecretsManagerClient,
  options: SecretReaderOptions = {},
): SecretReader {
  const ttlMs = options.ttlMs ?? SECRET_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  // Promises are cached, so concurrent callers share one request; a failed read is evicted at once.
  const cache = new Map<string, { readonly value: Promise<string>; readonly expiresAt: number }>();

  async function fetchSecret(secretId: string): Promise<string> {
    let secretString: string | undefined;
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      secretString = out.SecretString;
    } catch (cause) {
      const name = cause instanceof Error ? cause.name : 'Error';
      throw new SecretReadError(`cannot read secret ${secretId}: ${name}`, secretId, { cause });
    }
    if (secretString === undefined || secretString.length === 0) {
      throw new SecretReadError(`secret ${secretId} has no string value (binary or empty)`, secretId);
    }
    return secretString;
  }

  return (secretId) => {
    const hit = cache.get(secretId);
    if (hit && hit.expiresAt > now()) return hit.value;
    const value = fetchSecret(secretId);
    cache.set(secretId, { value, expiresAt: now() + ttlMs });
    value.catch(() => {
      if (cache.get(secretId)?.value === value) cache.delete(secretId);
    });
    return value;
  };
}
