/**
 * The worker side of parallel reading: reads the regular files it is sent, one at a time, and posts back each
 * file's items. Started by files/parallel.ts from a bundled entry point (the CLI's dist/files-worker.js).
 */
import type { MessagePort } from 'node:worker_threads';
import { regularFileItems } from './input';
import { toWire, type WireItem, type WireResult, type WireTask } from './wire';

async function read(task: WireTask): Promise<WireResult> {
  try {
    const items: WireItem[] = [];
    for await (const item of regularFileItems(task.path, task.size)) items.push(toWire(item));
    return { id: task.id, items };
  } catch (e) {
    return { id: task.id, failure: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Serves file reads on `port` (the worker's parentPort) until the main thread terminates the worker. */
export function serveFileReads(port: MessagePort): void {
  port.on('message', (task: WireTask) => {
    void read(task).then((result) => port.postMessage(result));
  });
}
