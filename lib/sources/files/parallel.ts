/**
 * Parallel reading: regular files are gunzipped and scanned by worker threads, one file per worker at a time, while
 * this thread judges what they found. Items are yielded in exactly the order a single-threaded read gives: files are
 * handed out in order, their results are held until every earlier file's have been yielded, and anything read on
 * this thread (stdin, pipes, path errors) waits for the files before it. At most `2 x count` files are read ahead,
 * so memory stays bounded (each worker holds one file; results are small, only the records that matter).
 */
import { Worker } from 'node:worker_threads';
import { OidcWatchError } from '../../core/errors';
import type { Item } from './items';
import { fromWire, type WireResult, type WireTask } from './wire';

export interface WorkerOptions {
  /** Worker threads (usually the number of cores). */
  readonly count: number;
  /** The bundled worker entry point (it calls serveFileReads(parentPort)). */
  readonly script: string;
}

export type FileTask =
  | { readonly kind: 'file'; readonly path: string; readonly size: number }
  | { readonly kind: 'items'; readonly items: AsyncIterable<Item> };

interface Pending {
  readonly task: WireTask;
  readonly resolve: (items: Item[]) => void;
  readonly reject: (error: Error) => void;
}

function isWireResult(value: unknown): value is WireResult {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number';
}

/** A fixed set of workers; each reads one file at a time, the queue hands out the next in order. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private broken: Error | undefined;

  public constructor(options: WorkerOptions) {
    for (let i = 0; i < options.count; i += 1) {
      const worker = new Worker(options.script);
      worker.on('message', (m: unknown) => this.settle(worker, m));
      worker.on('error', (e) =>
        this.breakDown(new OidcWatchError('a file reader thread failed', { cause: e })),
      );
      worker.on('exit', (code) => {
        if (this.busy.has(worker))
          this.breakDown(new OidcWatchError(`a file reader thread exited (${code})`));
      });
      this.idle.push(worker);
    }
  }

  public read(path: string, size: number): Promise<Item[]> {
    return new Promise((resolve, reject) => {
      if (this.broken) return reject(this.broken);
      this.queue.push({ task: { id: this.nextId++, path, size }, resolve, reject });
      this.dispatch();
    });
  }

  public async close(): Promise<void> {
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    for (let worker = this.idle.pop(); worker; worker = this.idle.pop()) {
      const next = this.queue.shift();
      if (!next) {
        this.idle.push(worker);
        return;
      }
      this.busy.set(worker, next);
      worker.postMessage(next.task);
    }
  }

  private settle(worker: Worker, message: unknown): void {
    const pending = this.busy.get(worker);
    if (!pending || !isWireResult(message) || message.id !== pending.task.id) return;
    this.busy.delete(worker);
    this.idle.push(worker);
    if ('failure' in message)
      pending.reject(new OidcWatchError(`reading ${pending.task.path} failed: ${message.failure}`));
    else pending.resolve(message.items.map(fromWire));
    this.dispatch();
  }

  private breakDown(error: Error): void {
    this.broken ??= error;
    for (const pending of [...this.busy.values(), ...this.queue.splice(0)]) pending.reject(error);
    this.busy.clear();
  }
}

/** The items of every task, in task order, regular files read by `options.count` workers. */
export async function* parallelItems(
  tasks: AsyncIterable<FileTask>,
  options: WorkerOptions,
): AsyncGenerator<Item> {
  const pool = new WorkerPool(options);
  const ahead: Promise<Item[]>[] = [];
  // A rejection is observed when its turn comes; until then it must not count as unhandled.
  const track = (p: Promise<Item[]>): Promise<Item[]> => {
    p.catch(() => undefined);
    return p;
  };
  try {
    for await (const task of tasks) {
      if (task.kind === 'file') {
        ahead.push(track(pool.read(task.path, task.size)));
        while (ahead.length > 2 * options.count) yield* (await ahead.shift()) ?? [];
        continue;
      }
      // Read on this thread: everything before it first.
      for (let p = ahead.shift(); p; p = ahead.shift()) yield* await p;
      yield* task.items;
    }
    for (let p = ahead.shift(); p; p = ahead.shift()) yield* await p;
  } finally {
    await pool.close();
  }
}
