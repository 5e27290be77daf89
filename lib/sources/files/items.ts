/**
 * What every reader of the file source shares: the item builders, the skipped-record counter and the byte constants.
 * CloudTrail writes eventName as plain ASCII, never as `\u` escapes, so a byte search for the event name cannot miss
 * a web-identity record; a record that merely mentions the name elsewhere is parsed and judged like any other.
 */
import { WEB_IDENTITY_EVENT_NAME } from '../../core/cloudtrail';
import { InputError } from '../../core/errors';
import { recordToItem, type SourceItem } from '../../core/source';

export type Item = SourceItem;

/** The eventName of records counted without being parsed (they cannot be AssumeRoleWithWebIdentity). */
export const OTHER_EVENTS = '(other)';
/** The eventName under which CloudTrail digest files (in `CloudTrail-Digest/`) are counted. */
export const DIGEST_FILE = '(CloudTrail digest file)';
/** One JSON value held whole (a record, a line, a document that is not a log file) larger than this is refused. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

export const NEEDLE = Buffer.from(WEB_IDENTITY_EVENT_NAME, 'latin1');
export const RECORDS_KEY = Buffer.from('"Records"', 'latin1');
export const NEWLINE = 0x0a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const COMMA = 0x2c;

/** `buf[at]` is `{`: is the first key `"Records"` (whitespace allowed), as in every CloudTrail log file? */
export function startsLikeLogFile(buf: Buffer, at: number): boolean {
  let k = at + 1;
  while (k < buf.length && (buf[k] === 0x20 || buf[k] === 0x0a || buf[k] === 0x0d || buf[k] === 0x09)) k++;
  // `"R` first: almost every line is a record, whose first key is not Records.
  if (buf[k] !== 0x22 || buf[k + 1] !== 0x52) return false;
  return (
    buf.compare(RECORDS_KEY, 0, RECORDS_KEY.length, k, Math.min(buf.length, k + RECORDS_KEY.length)) === 0
  );
}

/** Counts of records skipped by event name; the hot path (other events, unparsed) is a plain counter. */
export class SkipCounter {
  /** Records counted as OTHER_EVENTS without parsing; incremented directly by the scanners. */
  public other = 0;
  private readonly counts = new Map<string, number>();
  private total = 0;

  public add(eventName: string, count = 1): void {
    this.counts.set(eventName, (this.counts.get(eventName) ?? 0) + count);
    this.total += count;
  }

  public get pending(): number {
    return this.total + this.other;
  }

  /** One `skipped` item per event name, OTHER_EVENTS first (in the order the names were first seen otherwise). */
  public *flush(source: string): Generator<Item> {
    if (this.other > 0) {
      this.counts.set(OTHER_EVENTS, (this.counts.get(OTHER_EVENTS) ?? 0) + this.other);
      this.other = 0;
    }
    for (const [eventName, count] of this.counts) yield { kind: 'skipped', eventName, source, count };
    this.counts.clear();
    this.total = 0;
  }
}

export class DocumentTooLargeError extends Error {
  public constructor(what = 'without a line break: split it, or convert it to JSON Lines') {
    super(`larger than ${MAX_DOCUMENT_BYTES} bytes ${what}`);
    this.name = 'DocumentTooLargeError';
  }
}

export function errorItem(message: string, source: string, record?: number, cause?: unknown): Item {
  const where = record === undefined ? source : `${source} record ${record}`;
  return {
    kind: 'error',
    error: new InputError(
      `${where}: ${message}`,
      source,
      record,
      cause === undefined ? undefined : { cause },
    ),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** fs and zlib failures. Duck-typed: errors from Node internals may come from another realm (test runners). */
export function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

export function describeReadError(e: NodeJS.ErrnoException): string {
  if (e.code?.startsWith('Z_')) return `gzip data is truncated or corrupt (${e.message})`;
  // node's message already starts with the code ("ENOENT: no such file or directory, stat '/x'"): say it once.
  const code = e.code ?? 'error';
  const text = e.message.startsWith(`${code}: `) ? e.message.slice(code.length + 2) : e.message;
  return `cannot read: ${text} (${code})`;
}

export function isGzip(buf: Uint8Array): boolean {
  // See: https://www.rfc-editor.org/rfc/rfc1952#section-2.3.1 (ID1 = 31, ID2 = 139)
  return buf[0] === 0x1f && buf[1] === 0x8b;
}

/** A CloudTrail digest file: signed hashes of log files, no events. */
function isDigest(value: Record<string, unknown>): boolean {
  return typeof value.digestStartTime === 'string' && Array.isArray(value.logFiles);
}

/** Normalizes one parsed value (a record or an event); malformed input becomes an error item. */
export function recordItem(
  value: unknown,
  source: string,
  record: number,
  skips: SkipCounter,
  numbered: boolean,
): Item | null {
  const item = recordToItem(value, source, record, { numbered });
  if (item.kind !== 'skipped') return item;
  skips.add(item.eventName);
  return null;
}

/** A value parsed from a JSON Lines line or a single-object document. */
export function* valueItems(
  value: unknown,
  source: string,
  record: number,
  skips: SkipCounter,
  numbered: boolean,
): Generator<Item> {
  const records = isObject(value) && Array.isArray(value.Records) ? value.Records : value;
  if (Array.isArray(records)) {
    // A whole log file (or an array of records) on one line: its records are numbered within it.
    const inner = numbered ? `${source} line ${record}` : source;
    for (const [i, r] of records.entries()) {
      const item = recordItem(r, inner, i + 1, skips, true);
      if (item) yield item;
    }
    return;
  }
  if (isObject(value) && isDigest(value)) {
    skips.add(DIGEST_FILE);
    return;
  }
  const item = recordItem(value, source, record, skips, numbered);
  if (item) yield item;
}

export function parseJson(
  buf: Buffer,
  start: number,
  end: number,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(buf.toString('utf8', start, end)) as unknown };
  } catch (e) {
    if (e instanceof SyntaxError) return { ok: false, message: `not valid JSON (${e.message})` };
    throw e;
  }
}
