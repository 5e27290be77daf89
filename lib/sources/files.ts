/**
 * The local-file record source: CloudTrail records from files, directories (an S3 sync of `AWSLogs/`) and stdin.
 *
 * Each input may be one CloudTrail record, an EventBridge event, a CloudTrail log file (`{"Records":[...]}`),
 * JSON Lines (one record or event per line) or a JSON array of records; gzip is detected by its magic bytes.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 *
 * Speed: almost every record in a trail is some other event. Inputs are read one at a time (a small file whole, a
 * large one or a stream in chunks); log files and arrays are split into records by a structural scanner as the bytes
 * arrive, and only records whose bytes contain `AssumeRoleWithWebIdentity` are parsed and normalized. The others are
 * counted, one `skipped` item per event name and input. With `workers`, regular files are read by worker threads
 * (files/parallel.ts), one file per worker at a time, and their items are yielded in the same order as without.
 * Layout: files/items.ts (item builders), files/json-lines.ts, files/document.ts (streaming log files),
 * files/whole-document.ts, files/input.ts (gzip, shape detection, one input), files/parallel.ts + files/worker.ts.
 */
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceItem } from '../core/source';
import { describeReadError, errorItem, isErrnoException, type Item } from './files/items';
import { inputItems, regularFileItems } from './files/input';
import { parallelItems, type FileTask, type WorkerOptions } from './files/parallel';

export { DIGEST_FILE, MAX_DOCUMENT_BYTES, OTHER_EVENTS } from './files/items';
export { WHOLE_FILE_MAX_BYTES } from './files/input';

export interface FileSourceOptions {
  /** The stream read for the path `-` (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Read regular files in worker threads (see files/parallel.ts); omitted: all on this thread. */
  workers?: WorkerOptions;
}

/** The `source` of items read from `-`. */
export const STDIN_SOURCE = '<stdin>';

/**
 * What to read, in order: a regular file (read by a worker when there are workers), or items the walk produces
 * itself (stdin, pipes named explicitly, errors of paths that cannot be read).
 */
async function* tasks(
  path: string,
  explicit: boolean,
  visited: Set<string>,
  options: FileSourceOptions,
): AsyncGenerator<FileTask> {
  if (path === '-') {
    yield { kind: 'items', items: inputItems(STDIN_SOURCE, () => options.stdin ?? process.stdin) };
    return;
  }
  let info;
  try {
    info = await stat(path);
    if (info.isDirectory()) {
      yield* directoryTasks(path, visited, options);
      return;
    }
  } catch (e) {
    if (!isErrnoException(e)) throw e;
    yield { kind: 'items', items: fromArray([errorItem(describeReadError(e), path, undefined, e)]) };
    return;
  }
  if (info.isFile()) yield { kind: 'file', path, size: info.size };
  // Named pipes and devices only when named explicitly (`<(zcat ...)`); inside a directory they could block forever.
  else if (explicit)
    yield {
      kind: 'items',
      items: inputItems(path, () => createReadStream(path, { highWaterMark: 1024 * 1024 })),
    };
}

async function* directoryTasks(
  path: string,
  visited: Set<string>,
  options: FileSourceOptions,
): AsyncGenerator<FileTask> {
  // Symbolic links may loop back to an ancestor: visit each real directory once.
  const real = await realpath(path);
  if (visited.has(real)) return;
  visited.add(real);
  const names = await readdir(path);
  // Sorted for a reproducible order; dotfiles (.DS_Store, .git, partial downloads) are not CloudTrail.
  const visible = names.filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of visible) yield* tasks(join(path, name), false, visited, options);
}

async function* fromArray(items: readonly Item[]): AsyncGenerator<Item> {
  yield* items;
}

async function* allTasks(paths: readonly string[], options: FileSourceOptions): AsyncGenerator<FileTask> {
  const visited = new Set<string>();
  for (const path of paths) yield* tasks(path, true, visited, options);
}

/**
 * Yields SourceItems for `-` (stdin), files and directories (recursively, sorted by name, skipping dotfiles), in
 * order. Within an input, assumptions and errors come in record order, then one `skipped` item per event name.
 * Errors (bad JSON, truncated gzip, unreadable file, a record missing its role) are yielded as `error` items naming
 * the file and record (for JSON Lines, the line number), and reading continues.
 */
export async function* readFiles(
  paths: readonly string[],
  options: FileSourceOptions = {},
): AsyncGenerator<SourceItem> {
  const all = allTasks(paths, options);
  if (options.workers && options.workers.count > 0) {
    yield* parallelItems(all, options.workers);
    return;
  }
  for await (const task of all) {
    if (task.kind === 'items') yield* task.items;
    else yield* regularFileItems(task.path, task.size);
  }
}
