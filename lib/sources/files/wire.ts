/** Items as they cross from a worker thread (structured clone keeps plain data, not classes such as InputError). */
import { InputError } from '../../core/errors';
import type { Item } from './items';

export type WireItem =
  | Exclude<Item, { kind: 'error' }>
  | { readonly kind: 'error'; readonly message: string; readonly source: string; readonly record?: number };

/** worker -> main: the items of one file, or why reading it failed unexpectedly (a bug, never bad input). */
export type WireResult =
  | { readonly id: number; readonly items: readonly WireItem[] }
  | { readonly id: number; readonly failure: string };

/** main -> worker: read this regular file. */
export interface WireTask {
  readonly id: number;
  readonly path: string;
  readonly size: number;
}

export function toWire(item: Item): WireItem {
  if (item.kind !== 'error') return item;
  const { message, source, record } = item.error;
  return record === undefined
    ? { kind: 'error', message, source }
    : { kind: 'error', message, source, record };
}

export function fromWire(item: WireItem): Item {
  if (item.kind !== 'error') return item;
  return { kind: 'error', error: new InputError(item.message, item.source, item.record) };
}
