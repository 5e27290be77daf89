/**
 * Filters for record sources that cannot filter themselves (files; LookupEvents beyond its time range). Pure: a
 * record outside the filters becomes a counted `skipped` item, so summaries still add up.
 */
import { roleGlobs } from './aws-names';
import { arnGlobMatches } from './glob';
import type { RecordSource } from './source';

export interface HuntFilters {
  readonly since?: Date;
  readonly until?: Date;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly roles: readonly string[];
}

/** Filters for sources that cannot filter themselves (files; LookupEvents beyond its time range). */
export function filterSource(source: RecordSource, f: HuntFilters): RecordSource {
  const globs = f.roles.flatMap(roleGlobs);
  const since = f.since?.getTime();
  const until = f.until?.getTime();
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of source) {
        if (item.kind !== 'assumption') {
          yield item;
          continue;
        }
        const a = item.assumption;
        const t = Date.parse(a.eventTime);
        const keep =
          (since === undefined || t >= since) &&
          (until === undefined || t < until) &&
          (f.accounts.length === 0 || f.accounts.includes(a.accountId)) &&
          (f.regions.length === 0 || f.regions.includes(a.region)) &&
          (globs.length === 0 || globs.some((g) => arnGlobMatches(g, a.roleArn)));
        yield keep
          ? item
          : { kind: 'skipped', eventName: '(outside the hunt filters)', source: item.source, count: 1 };
      }
    },
  };
}
