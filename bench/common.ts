/** Small helpers shared by the benchmark sections. Figures only: benchmarks print, they never assert. */
import { performance } from 'node:perf_hooks';

export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly target?: string;
  readonly meets?: boolean;
}

export function printSection(title: string, figures: readonly Figure[]): void {
  const out = process.stdout;
  out.write(`\n== ${title}\n`);
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) {
    const target = f.target
      ? `   target ${f.target}: ${f.meets === undefined ? '-' : f.meets ? 'met' : 'NOT met'}`
      : '';
    out.write(`  ${f.label.padEnd(width)}  ${f.value}${target}\n`);
  }
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
