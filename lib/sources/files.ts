/**
 * The local-file record source: CloudTrail records from files, directories (an S3 sync of `AWSLogs/`) and stdin.
 *
 * Each input may be one CloudTrail record, an EventBridge event, a CloudTrail log file (`{"Records":[...]}`),
 * JSON Lines (one record or event per line) or a JSON array of records; gzip is detected by its magic bytes.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 *
 * Speed: almost every record in a trail is some other event. Inputs are streamed one at a time (at most one
 * decompressed file in memory); log files and arrays are split into records by a structural scanner, and only records
 * whose bytes contain `AssumeRoleWithWebIdentity` are parsed and normalized. The others are counted, one `skipped`
 * item per input. A record that merely mentions the name elsewhere (an S3 key, a user agent) is parsed and judged by
 * normalizeRecord like any other. CloudTrail writes eventName as plain ASCII, never as `\u` escapes, so the byte
 * search cannot miss a web-identity record.
 */
import { createReadStream } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { WEB_IDENTITY_EVENT_NAME } from '../core/cloudtrail';
import { InputError } from '../core/errors';
import { recordToItem, type SourceItem } from '../core/source';
import {
  JsonScanError,
  findObjectKey,
  forEachArrayElement,
  skipObjectRest,
  skipValue,
  skipWhitespace,
  trimEnd,
} from './files-json-scan';

export interface FileSourceOptions {
  /** The stream read for the path `-` (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** The `source` of items read from `-`. */
export const STDIN_SOURCE = '<stdin>';
/** The eventName of records counted without being parsed (they cannot be AssumeRoleWithWebIdentity). */
export const OTHER_EVENTS = '(other)';
/** The eventName under which CloudTrail digest files (in `CloudTrail-Digest/`) are counted. */
export const DIGEST_FILE = '(CloudTrail digest file)';

/** One JSON document (a log file, an array, a pretty-printed record) larger than this is refused, not buffered. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/**
 * Regular files up to this size (compressed) are read whole and gunzipped in one step, the fast path for CloudTrail
 * log files (a few MB each); larger files, stdin and pipes are streamed.
 */
export const WHOLE_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** In JSON Lines, skipped counts are reported every this many records, so a long stream shows progress. */
const SKIP_FLUSH_EVERY = 50_000;

const NEEDLE = Buffer.from(WEB_IDENTITY_EVENT_NAME, 'latin1');
const RECORDS_KEY = Buffer.from('"Records"', 'latin1');
const NEWLINE = 0x0a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;

type Item = SourceItem;

class SkipCounter {
  private readonly counts = new Map<string, number>();
  private total = 0;

  public add(eventName: string, count = 1): void {
    this.counts.set(eventName, (this.counts.get(eventName) ?? 0) + count);
    this.total += count;
  }

  public get pending(): number {
    return this.total;
  }

  public *flush(source: string): Generator<Item> {
    for (const [eventName, count] of this.counts) yield { kind: 'skipped', eventName, source, count };
    this.counts.clear();
    this.total = 0;
  }
}

function errorItem(message: string, source: string, record?: number, cause?: unknown): Item {
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
function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

function describeReadError(e: NodeJS.ErrnoException): string {
  if (e.code?.startsWith('Z_')) return `gzip data is truncated or corrupt (${e.message})`;
  return `cannot read (${e.code ?? 'error'}: ${e.message})`;
}

/** A CloudTrail digest file: signed hashes of log files, no events. */
function isDigest(value: Record<string, unknown>): boolean {
  return typeof value.digestStartTime === 'string' && Array.isArray(value.logFiles);
}

/** Normalizes one parsed value (a record or an event); malformed input becomes an error item. */
function recordItem(
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
function* valueItems(
  value: unknown,
  source: string,
  record: number,
  skips: SkipCounter,
  numbered: boolean,
): Generator<Item> {
  if (isObject(value) && Array.isArray(value.Records)) {
    // A whole log file on one line: its records are numbered within it.
    const inner = numbered ? `${source} line ${record}` : source;
    for (const [i, r] of value.Records.entries()) {
      const item = recordItem(r, inner, i + 1, skips, true);
      if (item) yield item;
    }
    return;
  }
  if (Array.isArray(value)) {
    const inner = numbered ? `${source} line ${record}` : source;
    for (const [i, r] of value.entries()) {
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

function parseJson(
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

/**
 * Records of an array (a log file's `Records`, or a top-level array) in `buf[start]` = `[`. Records without the
 * needle are counted; the others are parsed. Returns the index just past `]`.
 */
function arrayRecords(
  buf: Buffer,
  start: number,
  source: string,
  skips: SkipCounter,
  out: Item[],
  cursor: { record: number },
): number {
  let needleAt = -1;
  let record = 0;
  return forEachArrayElement(buf, start, buf.length, (from, to) => {
    record++;
    cursor.record = record;
    if (needleAt < from) {
      // One forward search serves every record up to the next occurrence: no rescans of the same bytes.
      needleAt = buf.indexOf(NEEDLE, from);
      if (needleAt < 0) needleAt = Number.MAX_SAFE_INTEGER;
    }
    // Only objects can be other events; anything else is judged (and rejected) by normalizeRecord.
    if (needleAt + NEEDLE.length > to && buf[from] === LBRACE) {
      skips.add(OTHER_EVENTS);
      return;
    }
    const parsed = parseJson(buf, from, to);
    if (!parsed.ok) {
      out.push(errorItem(parsed.message, source, record));
      return;
    }
    const item = recordItem(parsed.value, source, record, skips, true);
    if (item) out.push(item);
  });
}

/** One whole JSON document: a log file, an array of records, or a single record/event. */
function* documentItems(buf: Buffer, source: string, skips: SkipCounter): Generator<Item> {
  const start = skipWhitespace(buf, 0, buf.length);
  if (start >= buf.length) {
    yield errorItem('empty input (no JSON value)', source);
    return;
  }
  const first = buf[start];
  if (first !== LBRACE && first !== LBRACKET) {
    yield errorItem('not a JSON object or array', source);
    return;
  }
  const out: Item[] = [];
  // While inside an array, the record being scanned: a scan error names it.
  const cursor = { record: 0 };
  let inArray = false;
  try {
    let end: number;
    const recordsAt = first === LBRACE ? findObjectKey(buf, start, buf.length, 'Records') : -1;
    if (first === LBRACKET || (recordsAt >= 0 && buf[recordsAt] === LBRACKET)) {
      inArray = true;
      const afterArray = arrayRecords(
        buf,
        first === LBRACKET ? start : recordsAt,
        source,
        skips,
        out,
        cursor,
      );
      inArray = false;
      end = first === LBRACKET ? afterArray : skipObjectRest(buf, afterArray, buf.length);
    } else {
      end = skipValue(buf, start, buf.length);
      const parsed = parseJson(buf, start, end);
      if (!parsed.ok) out.push(errorItem(parsed.message, source));
      else out.push(...valueItems(parsed.value, source, 1, skips, false));
    }
    const rest = skipWhitespace(buf, end, buf.length);
    if (rest < buf.length) {
      out.push(errorItem(`unexpected content after the JSON value at byte ${rest}`, source));
    }
  } catch (e) {
    if (!(e instanceof JsonScanError)) throw e;
    // Truncated or malformed: what was read before the damage is still reported.
    out.push(errorItem(`malformed JSON: ${e.message}`, source, inArray ? cursor.record + 1 : undefined, e));
  }
  yield* out;
}

/** One line of JSON Lines (`buf[from, to)`, without the newline). */
function lineItems(
  buf: Buffer,
  from: number,
  to: number,
  line: number,
  source: string,
  skips: SkipCounter,
  out: Item[],
): void {
  const start = skipWhitespace(buf, from, to);
  const end = trimEnd(buf, start, to);
  if (start === end) return;
  const text = buf.subarray(start, end);
  const mayMatch = text.indexOf(NEEDLE) >= 0;
  // A line that looks like one complete object and cannot be a web-identity event is counted without parsing.
  // (A whole log file on one line is parsed, so that its records are counted one by one.)
  if (!mayMatch && text[0] === LBRACE && text[text.length - 1] === RBRACE && text.indexOf(RECORDS_KEY) < 0) {
    skips.add(OTHER_EVENTS);
    return;
  }
  const parsed = parseJson(buf, start, end);
  if (!parsed.ok) {
    out.push(errorItem(parsed.message, source, line));
    return;
  }
  for (const item of valueItems(parsed.value, source, line, skips, true)) out.push(item);
}

/** Splits a byte stream into lines without copying more than the partial line at each chunk boundary. */
class LineSplitter {
  private parts: Buffer[] = [];
  private partLength = 0;
  public line = 0;

  public constructor(
    private readonly source: string,
    private readonly skips: SkipCounter,
  ) {}

  /** Processes the complete lines of `chunk` into `out`; keeps the partial last line for the next chunk. */
  public push(chunk: Buffer, out: Item[]): void {
    let from = 0;
    let nl = chunk.indexOf(NEWLINE);
    if (nl < 0) {
      this.keep(chunk);
      return;
    }
    if (this.parts.length > 0) {
      const joined = Buffer.concat([...this.parts, chunk.subarray(0, nl)]);
      this.parts = [];
      this.partLength = 0;
      lineItems(joined, 0, joined.length, ++this.line, this.source, this.skips, out);
      from = nl + 1;
      nl = chunk.indexOf(NEWLINE, from);
    }
    while (nl >= 0) {
      lineItems(chunk, from, nl, ++this.line, this.source, this.skips, out);
      from = nl + 1;
      nl = chunk.indexOf(NEWLINE, from);
    }
    if (from < chunk.length) this.keep(chunk.subarray(from));
  }

  public end(out: Item[]): void {
    if (this.parts.length === 0) return;
    const last = Buffer.concat(this.parts);
    this.parts = [];
    this.partLength = 0;
    lineItems(last, 0, last.length, ++this.line, this.source, this.skips, out);
  }

  private keep(part: Buffer): void {
    this.partLength += part.length;
    if (this.partLength > MAX_DOCUMENT_BYTES) throw new DocumentTooLargeError();
    this.parts.push(part);
  }
}

class DocumentTooLargeError extends Error {
  public constructor() {
    super(
      `larger than ${MAX_DOCUMENT_BYTES} bytes without a line break: split it, or convert it to JSON Lines`,
    );
    this.name = 'DocumentTooLargeError';
  }
}

function toBuffer(chunk: string | Buffer): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** The bytes of an input, gunzipped when it starts with the gzip magic bytes (1f 8b), whatever its name. */
async function* decompressed(input: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const chunks = input[Symbol.asyncIterator]();
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await chunks.next();
      if (next.done === true) break;
      head = head.length === 0 ? toBuffer(next.value) : Buffer.concat([head, toBuffer(next.value)]);
    }
    if (!isGzip(head)) {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next())
        yield toBuffer(next.value);
      return;
    }
    const compressed = Readable.from(
      (async function* () {
        yield head;
        for (let next = await chunks.next(); next.done !== true; next = await chunks.next())
          yield toBuffer(next.value);
      })(),
    );
    // pipeline (not pipe) so a read error on the file also fails the gunzip stream we iterate.
    const gunzip = pipeline(compressed, createGunzip({ chunkSize: 256 * 1024 }), () => undefined);
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    await chunks.return?.();
  }
}

/**
 * Decides the shape of an input from its first line: if the first line holds a complete JSON value and more
 * content follows, it is JSON Lines and is read line by line; otherwise it is one document, read whole.
 */
async function* streamItems(
  bytes: AsyncIterable<Buffer> | Iterable<Buffer>,
  source: string,
  skips: SkipCounter,
): AsyncGenerator<Item> {
  const parts: Buffer[] = [];
  let length = 0;
  let mode: 'detecting' | 'document' = 'detecting';
  let contentAt = -1; // first non-blank byte
  let newlineAt = -1; // end of the first non-blank line
  let jsonLines: LineSplitter | null = null;

  for await (const chunk of bytes) {
    if (jsonLines) {
      const out: Item[] = [];
      jsonLines.push(chunk, out);
      yield* out;
      if (skips.pending >= SKIP_FLUSH_EVERY) yield* skips.flush(source);
      continue;
    }
    const base = length;
    parts.push(chunk);
    length += chunk.length;
    if (length > MAX_DOCUMENT_BYTES) throw new DocumentTooLargeError();
    if (mode === 'document') continue;
    if (contentAt < 0) {
      const k = skipWhitespace(chunk, 0, chunk.length);
      if (k >= chunk.length) continue;
      contentAt = base + k;
    }
    if (newlineAt < 0) {
      const nl = chunk.indexOf(NEWLINE, Math.max(0, contentAt - base));
      if (nl < 0) continue;
      newlineAt = base + nl;
    }
    if (skipWhitespace(chunk, Math.max(0, newlineAt + 1 - base), chunk.length) >= chunk.length) continue;

    // A second line exists: is the first one a complete value on its own?
    const head = parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts);
    parts.length = 0;
    parts.push(head);
    let firstLineComplete = false;
    if (head[contentAt] === LBRACE || head[contentAt] === LBRACKET) {
      try {
        firstLineComplete =
          skipWhitespace(head, skipValue(head, contentAt, newlineAt), newlineAt) === newlineAt;
      } catch (e) {
        if (!(e instanceof JsonScanError)) throw e;
      }
    }
    if (firstLineComplete) {
      parts.length = 0;
      jsonLines = new LineSplitter(source, skips);
      const out: Item[] = [];
      jsonLines.push(head, out);
      yield* out;
    } else {
      mode = 'document';
    }
  }
  if (jsonLines) {
    const out: Item[] = [];
    jsonLines.end(out);
    yield* out;
    return;
  }
  yield* documentItems(parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts), source, skips);
}

/** Every item of one input, then its skipped counts. Read failures end the input with an error item. */
async function* inputItems(source: string, open: () => NodeJS.ReadableStream): AsyncGenerator<Item> {
  const skips = new SkipCounter();
  try {
    yield* streamItems(decompressed(open()), source, skips);
  } catch (e) {
    if (isErrnoException(e)) yield errorItem(describeReadError(e), source, undefined, e);
    else if (e instanceof DocumentTooLargeError) yield errorItem(e.message, source, undefined, e);
    else throw e;
  }
  yield* skips.flush(source);
}

const gunzipAsync = promisify(gunzip);

function isGzip(buf: Buffer): boolean {
  // See: https://www.rfc-editor.org/rfc/rfc1952#section-2.3.1 (ID1 = 31, ID2 = 139)
  return buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * A gzip file's decompressed size, from its ISIZE trailer (RFC 1952 2.3.1: size mod 2^32 of the last member), used
 * to size zlib's output buffer so a whole CloudTrail log file inflates in one pass on the thread pool.
 * See: https://www.rfc-editor.org/rfc/rfc1952#section-2.3.1
 */
function gzipOutputChunkSize(buf: Buffer): number {
  const isize = buf.length >= 18 ? buf.readUInt32LE(buf.length - 4) : 0;
  return Math.min(Math.max(isize + 1, 64 * 1024), WHOLE_FILE_MAX_BYTES);
}

/**
 * A regular file small enough to hold whole: read it, gunzip it in one call (several times faster than a chunked
 * stream), then the same shape detection as for streams. If one-shot gunzip fails (truncated, corrupt, or larger
 * than MAX_DOCUMENT_BYTES once inflated), the file is streamed instead, which yields what can be read before the
 * damage (JSON Lines) and reports the error.
 */
async function* wholeFileItems(path: string): AsyncGenerator<Item> {
  let bytes: Buffer;
  try {
    const raw = await readFile(path);
    if (!isGzip(raw)) {
      bytes = raw;
    } else {
      try {
        bytes = await gunzipAsync(raw, {
          chunkSize: gzipOutputChunkSize(raw),
          maxOutputLength: MAX_DOCUMENT_BYTES,
        });
      } catch (e) {
        if (!isErrnoException(e)) throw e;
        yield* inputItems(path, () => createReadStream(path, { highWaterMark: 1024 * 1024 }));
        return;
      }
    }
  } catch (e) {
    if (!isErrnoException(e)) throw e;
    yield errorItem(describeReadError(e), path, undefined, e);
    return;
  }
  const skips = new SkipCounter();
  try {
    yield* streamItems([bytes], path, skips);
  } catch (e) {
    if (!(e instanceof DocumentTooLargeError)) throw e;
    yield errorItem(e.message, path, undefined, e);
  }
  yield* skips.flush(path);
}

async function* pathItems(path: string, explicit: boolean, visited: Set<string>): AsyncGenerator<Item> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if (isErrnoException(e)) {
      yield errorItem(describeReadError(e), path, undefined, e);
      return;
    }
    throw e;
  }
  if (info.isDirectory()) {
    let names: string[];
    try {
      // Symbolic links may loop back to an ancestor: visit each real directory once.
      const real = await realpath(path);
      if (visited.has(real)) return;
      visited.add(real);
      names = await readdir(path);
    } catch (e) {
      if (isErrnoException(e)) {
        yield errorItem(describeReadError(e), path, undefined, e);
        return;
      }
      throw e;
    }
    // Sorted for a reproducible order; dotfiles (.DS_Store, .git, partial downloads) are not CloudTrail.
    const visible = names.filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of visible) yield* pathItems(join(path, name), false, visited);
    return;
  }
  // Named pipes and devices only when named explicitly (`<(zcat ...)`); inside a directory they could block forever.
  if (!info.isFile() && !explicit) return;
  if (info.isFile() && info.size <= WHOLE_FILE_MAX_BYTES) yield* wholeFileItems(path);
  else yield* inputItems(path, () => createReadStream(path, { highWaterMark: 1024 * 1024 }));
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
  const visited = new Set<string>();
  for (const path of paths) {
    if (path === '-') yield* inputItems(STDIN_SOURCE, () => options.stdin ?? process.stdin);
    else yield* pathItems(path, true, visited);
  }
}
