import type { RecordSource, SourceItem } from '../../lib/core/source';

/**
 * Ends a record source when `signal` aborts, even while the source is waiting (a slow file, an Athena poll, stdin):
 * the pending read is abandoned and the source is closed, so the caller can finish the records in flight and print
 * what was judged. Without a signal the source is returned as is.
 */
export function stoppable(source: RecordSource, signal: AbortSignal | undefined): RecordSource {
  if (!signal) return source;
  return {
    async *[Symbol.asyncIterator]() {
      if (signal.aborted) return;
      const iterator = source[Symbol.asyncIterator]();
      let onAbort: () => void = () => undefined;
      const aborted = new Promise<'stopped'>((resolve) => {
        onAbort = () => resolve('stopped');
        signal.addEventListener('abort', onAbort, { once: true });
      });
      let finished = false;
      try {
        for (;;) {
          const next = await Promise.race([iterator.next(), aborted]);
          if (next === 'stopped') return;
          if (next.done) {
            finished = true;
            return;
          }
          yield next.value satisfies SourceItem;
          if (signal.aborted) return;
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        // Closes files and streams; not awaited, as a source stuck in a read may only settle once that read ends.
        if (!finished) void iterator.return?.(undefined)?.catch(() => undefined);
      }
    },
  };
}
