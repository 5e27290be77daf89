/**
 * One input (a file, stdin, a pipe) from bytes to items: gunzip when the bytes start with gzip's magic, then decide
 * the shape from the first line. If the first line holds a complete JSON value and more content follows, it is JSON
 * Lines; otherwise it is one document, read as a stream (document.ts). A first line longer than
 * MAX_FIRST_LINE_BYTES is taken for a document without waiting for its end, so a 500 MB log file on one line streams.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { JsonScanError, skipValue, skipWhitespace } from '../files-json-scan';
import { DocumentReader } from './document';
import {
  describeReadError,
  DocumentTooLargeError,
  errorItem,
  isErrnoException,
  isGzip,
  type Item,
  LBRACE,
  LBRACKET,
  NEWLINE,
  SkipCounter,
} from './items';
import { LineSplitter } from './json-lines';

/**
 * Regular files up to this size, compressed and inflated, are read whole and gunzipped in one step (the fast path
 * for CloudTrail log files, a few MB each); larger files, stdin and pipes are streamed, so memory stays bounded.
 */
export const WHOLE_FILE_MAX_BYTES = 64 * 1024 * 1024;
/** A first line longer than this without a line break is a document, not JSON Lines (see above). */
export const MAX_FIRST_LINE_BYTES = 32 * 1024 * 1024;
/** In JSON Lines, skipped counts are reported every this many records, so a long stream shows progress. */
const SKIP_FLUSH_EVERY = 50_000;
const STREAM_CHUNK_BYTES = 1024 * 1024;

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
    const rest = async function* (): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next())
        yield toBuffer(next.value);
    };
    if (!isGzip(head)) {
      yield* rest();
      return;
    }
    // pipeline (not pipe) so a read error on the file also fails the gunzip stream we iterate.
    const gunzipped = pipeline(
      Readable.from(rest()),
      createGunzip({ chunkSize: 256 * 1024 }),
      () => undefined,
    );
    for await (const chunk of gunzipped) yield chunk as Buffer;
  } finally {
    await chunks.return?.();
  }
}

/** The first line's verdict: JSON Lines, a document, or not known yet. */
function shapeOf(head: Buffer): 'json-lines' | 'document' | 'unknown' {
  const contentAt = skipWhitespace(head, 0, head.length);
  if (contentAt >= head.length) return 'unknown';
  const newlineAt = head.indexOf(NEWLINE, contentAt);
  if (newlineAt < 0) return head.length > MAX_FIRST_LINE_BYTES ? 'document' : 'unknown';
  // A second line must exist (content after the first newline) for JSON Lines.
  if (skipWhitespace(head, newlineAt + 1, head.length) >= head.length) return 'unknown';
  if (head[contentAt] !== LBRACE && head[contentAt] !== LBRACKET) return 'document';
  try {
    const end = skipValue(head, contentAt, newlineAt);
    return skipWhitespace(head, end, newlineAt) === newlineAt ? 'json-lines' : 'document';
  } catch (e) {
    if (!(e instanceof JsonScanError)) throw e;
    return 'document';
  }
}

/** Items of one input's bytes, in order; skipped counts of long JSON Lines streams are flushed as they grow. */
async function* streamItems(
  bytes: AsyncIterable<Buffer> | Iterable<Buffer>,
  source: string,
  skips: SkipCounter,
): AsyncGenerator<Item> {
  const held: Buffer[] = [];
  let heldLength = 0;
  let newlineSeen = false;
  let reader: LineSplitter | DocumentReader | null = null;
  for await (const chunk of bytes) {
    const out: Item[] = [];
    if (reader) {
      reader.push(chunk, out);
    } else {
      held.push(chunk);
      heldLength += chunk.length;
      // Joined and looked at only when it can decide: a line break arrived, or the first line is already too long.
      newlineSeen ||= chunk.indexOf(NEWLINE) >= 0;
      if (!newlineSeen && heldLength <= MAX_FIRST_LINE_BYTES) continue;
      const head = held.length === 1 && held[0] ? held[0] : Buffer.concat(held, heldLength);
      held.length = 0;
      held.push(head);
      const shape = shapeOf(head);
      if (shape === 'unknown') continue;
      reader = shape === 'json-lines' ? new LineSplitter(source, skips) : new DocumentReader(source, skips);
      held.length = 0;
      reader.push(head, out);
    }
    yield* out;
    if (reader instanceof LineSplitter && skips.pending >= SKIP_FLUSH_EVERY) yield* skips.flush(source);
  }
  const out: Item[] = [];
  reader ??= new DocumentReader(source, skips);
  for (const chunk of held) reader.push(chunk, out);
  reader.end(out);
  yield* out;
}

/** Every item of one streamed input, then its skipped counts. Read failures end the input with an error item. */
export async function* inputItems(source: string, open: () => NodeJS.ReadableStream): AsyncGenerator<Item> {
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

/**
 * A gzip file's decompressed size, from its ISIZE trailer (RFC 1952 2.3.1: size mod 2^32 of the last member), used
 * to size zlib's output buffer so a whole CloudTrail log file inflates in one pass on the thread pool.
 * See: https://www.rfc-editor.org/rfc/rfc1952#section-2.3.1
 */
function gzipInflatedSize(buf: Buffer): number {
  return buf.length >= 18 ? buf.readUInt32LE(buf.length - 4) : 0;
}

const streamFile = (path: string): AsyncGenerator<Item> =>
  inputItems(path, () => createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES }));

/**
 * A regular file: small enough files are read and gunzipped in one call (several times faster than a chunked stream),
 * then read like a stream of one chunk. Larger ones, and files whose one-shot gunzip fails (truncated, corrupt,
 * larger than it said), are streamed, which yields what can be read before any damage and reports it.
 */
export async function* regularFileItems(path: string, size: number): AsyncGenerator<Item> {
  if (size > WHOLE_FILE_MAX_BYTES) {
    yield* streamFile(path);
    return;
  }
  let bytes: Buffer;
  try {
    const raw = await readFile(path);
    if (!isGzip(raw)) bytes = raw;
    else {
      const inflated = gzipInflatedSize(raw);
      if (inflated > WHOLE_FILE_MAX_BYTES) {
        yield* streamFile(path);
        return;
      }
      try {
        // ISIZE is only the last member's size (and a file may lie): the output stays capped all the same.
        bytes = await gunzipAsync(raw, {
          chunkSize: Math.min(Math.max(inflated + 1, 64 * 1024), WHOLE_FILE_MAX_BYTES),
          maxOutputLength: WHOLE_FILE_MAX_BYTES,
        });
      } catch (e) {
        if (!isErrnoException(e)) throw e;
        yield* streamFile(path);
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
