/**
 * The functions' logger: pino, JSON lines to stdout (CloudWatch Logs), with redaction as a second line of defence.
 * The first line is not to log secrets at all; redaction catches a token that reaches a log object by accident
 * (an error carrying request headers, a config object with a resolved token).
 * See: https://getpino.io/#/docs/redaction
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Paths censored wherever they appear, at the top level or one or two levels down. */
const SECRET_KEYS = [
  'token',
  'tokens',
  'privateToken',
  'accessToken',
  'sessionToken',
  'secret',
  'secretString',
  'SecretString',
  'password',
  'authorization',
  'Authorization',
  'credentials',
  '"private-token"',
  '"PRIVATE-TOKEN"',
  '"x-amz-security-token"',
];

// `*` matches any key, `headers` included: `*.token` already censors `headers.token`, and `*.*.token` censors
// `request.headers.token`. Listing the headers paths separately (as this list once did) censored nothing more but
// made pino build 33 more redactors at every cold start. Bracketed keys are censored one and two levels down.
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((k) =>
  k.startsWith('"') ? [`*[${k}]`, `*.*[${k}]`] : [k, `*.${k}`, `*.*.${k}`],
);

export interface LoggerOptions {
  readonly level?: string;
  readonly base?: Record<string, unknown>;
  /** Where lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): PinoLogger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'gitlab-oidc-watch', ...options.base },
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
