/** Argument checks every command shares: output format, bounded whole numbers, input paths, error lines. */
import { isAbsolute, resolve } from 'node:path';
import { InputError, type OidcWatchError } from '../../lib/core/errors';
import { UsageError } from './io';
import type { OutputFormat } from './output';

export function parseFormat(value: string | undefined, tty: boolean): OutputFormat {
  if (value === undefined) return tty ? 'table' : 'json';
  if (value === 'json' || value === 'table' || value === 'csv') return value;
  throw new UsageError(`--format must be json, table or csv, not '${value}'`);
}

export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UsageError(`${name} must be a whole number from 1 to 10000, not '${value}'`);
  return n;
}

export function describeCliError(e: OidcWatchError): string {
  if (e instanceof InputError) {
    const where = e.record === undefined ? e.source : `${e.source}: record ${e.record}`;
    return e.message.startsWith(e.source) ? e.message : `${where}: ${e.message}`;
  }
  return e.message;
}

/** Relative paths are taken from the CLI's working directory (io.cwd), kept relative for readable messages. */
export function resolveInputs(paths: readonly string[], cwd: string): string[] {
  return paths.map((p) => (p === '-' || isAbsolute(p) || cwd === process.cwd() ? p : resolve(cwd, p)));
}

/** Seconds since `started` (process.hrtime.bigint()), for summaries. */
export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
