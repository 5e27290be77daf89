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

/** A required environment variable is missing or invalid. */
export class EnvironmentError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly variable: string,
  ) {
    super(message);
  }
}

/** GitLab could not answer (timeout, 5xx, 429 past the deadline, network). "Could not tell", never "nothing happened". */
export class GitLabUnavailableError extends OidcWatchError {}

/** An outbound publication (alert, decision log) failed; the caller must retry, never mark it done. */
export class PublishError extends OidcWatchError {}
