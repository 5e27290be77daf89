/**
 * One error taxonomy for the whole project. Every catch either handles one of these named cases
 * or re-throws with `cause`.
 */
export class OidcWatchError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configuration is invalid. `key` is the dotted path of the offending key. */
export class ConfigError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One input (file, record) could not be read or understood. `source` names the file, `record` the 1-based record. */
export class InputError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly source: string,
    public readonly record?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `Name: message` of an error (or the value as text), for logs and error details that must say what failed. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The message of an error (or the value as text), for sentences that already name what failed. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A required environment variable is missing or invalid. */
export class EnvironmentError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** GitLab could not answer (timeout, 5xx, 429 past the deadline, network). "Could not tell", never "nothing happened". */
export class GitLabUnavailableError extends OidcWatchError {}

/** An outbound publication (alert, decision log) failed; the caller must retry, never mark it done. */
export class PublishError extends OidcWatchError {}
