/**
 * `--workers N` of `hunt --source files`: how many threads read and scan files (default: every core). The threads
 * run dist/files-worker.js, built next to the CLI bundle; when it is not there (running from sources), files are
 * read on the main thread, with the same output.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { WorkerOptions } from '../../lib/sources/files/parallel';
import { UsageError } from './io';

export const FILE_WORKERS_HELP =
  '--workers N          threads reading files (default: one per core; 0 = read on the main thread)';

/** The flag, checked (pure): undefined = the default. */
export function parseWorkersFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,3}$/.test(value)) throw new UsageError(`--workers must be a whole number, not '${value}'`);
  return Number(value);
}

/** The worker threads to read files with, or undefined to read them on this thread. */
export function fileWorkers(count: number | undefined): WorkerOptions | undefined {
  const threads = count ?? availableParallelism();
  const script = join(__dirname, 'files-worker.js');
  return threads > 0 && existsSync(script) ? { count: threads, script } : undefined;
}
