import type { RoleAssumption } from './assumption';
import { normalizeRecord } from './cloudtrail';
import { InputError } from './errors';

/**
 * What every record source (files, stdin, Athena rows, CloudTrail LookupEvents) yields, in order.
 * Malformed input is an item too: it is reported, counted, and the rest is still processed.
 */
export type SourceItem =
  | {
      readonly kind: 'assumption';
      readonly assumption: RoleAssumption;
      readonly source: string;
      readonly record: number;
    }
  /** `count` records of other events (a fast path may skip many at once without parsing each). */
  | { readonly kind: 'skipped'; readonly eventName: string; readonly source: string; readonly count: number }
  | { readonly kind: 'error'; readonly error: InputError };

export type RecordSource = AsyncIterable<SourceItem>;

/**
 * One raw record (a CloudTrail record, an EventBridge event, a LookupEvents entry, a rebuilt Athena row) as a source
 * item: normalized by the one normalizer every source shares; a record that cannot be read is an `error` item, so the
 * rest of the input is still judged. `numbered: false` leaves the record number out of error messages (a document
 * that holds a single record).
 */
export function recordToItem(
  value: unknown,
  source: string,
  record: number,
  options: { readonly numbered?: boolean } = {},
): SourceItem {
  try {
    const result = normalizeRecord(value, options.numbered === false ? { source } : { source, record });
    return result.kind === 'assumption'
      ? { kind: 'assumption', assumption: result.assumption, source, record }
      : { kind: 'skipped', eventName: result.eventName, source, count: 1 };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'error', error };
    throw error;
  }
}
