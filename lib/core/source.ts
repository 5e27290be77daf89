import type { RoleAssumption } from './assumption';
import type { InputError } from './errors';

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
