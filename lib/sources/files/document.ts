/**
 * One JSON document read as a stream: a CloudTrail log file (`{"Records":[...]}`) or a JSON array of records is split
 * into records as the bytes arrive, so its size is not bounded by memory (a 500 MB log file is judged in well under
 * 300 MB). Only the record being completed is carried from one chunk to the next; records without the event name
 * are counted, the others parsed. Anything else (a single record, an EventBridge event) is held whole, up to
 * MAX_DOCUMENT_BYTES, and read by wholeDocumentItems.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
import {
  findObjectKey,
  JsonIncompleteError,
  JsonScanError,
  skipObjectRest,
  skipValue,
  skipWhitespace,
} from '../files-json-scan';
import {
  DocumentTooLargeError,
  errorItem,
  type Item,
  MAX_DOCUMENT_BYTES,
  NEEDLE,
  parseJson,
  recordItem,
  type SkipCounter,
} from './items';
import { wholeDocumentItems } from './whole-document';

// Local constants, not imports: bindings imported across modules may compile to property reads in the hot loop.
const QUOTE = 0x22;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const EMPTY = Buffer.alloc(0);
type Mode = 'head' | 'array' | 'tail' | 'whole' | 'failed';

export class DocumentReader {
  private mode: Mode = 'head';
  /** head / tail / whole: the bytes held so far. */
  private parts: Buffer[] = [];
  private length = 0;
  /** head: buffered length at which to look for `"Records"` again (doubling, so a big object is not rescanned). */
  private retryAt = 0;
  /** array: bytes not consumed yet (the record being completed), and the absolute offset of its first byte. */
  private carry: Buffer = EMPTY;
  private carryAt = 0;
  private arrayAt = 0;
  private expect: 'element-or-end' | 'element' | 'separator' = 'element-or-end';
  private record = 0;
  private inObject = false;
  /** tail: absolute offset of the first byte after the array. */
  private tailAt = 0;

  public constructor(
    private readonly source: string,
    private readonly skips: SkipCounter,
  ) {}

  public push(chunk: Buffer, out: Item[]): void {
    switch (this.mode) {
      case 'array':
        this.carry = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
        this.scanArray(false, out);
        return;
      case 'failed':
        return;
      default:
        this.hold(chunk);
        if (this.mode === 'head' && this.length >= this.retryAt) this.findRecords(out);
    }
  }

  public end(out: Item[]): void {
    switch (this.mode) {
      case 'array':
        this.scanArray(true, out);
        // scanArray may have moved on (to the tail, or failed): read the mode again.
        if (this.current() === 'array')
          this.fail(out, `unterminated array at byte ${this.arrayAt}`, this.record + 1);
        else if (this.current() === 'tail') this.endTail(out);
        return;
      case 'tail':
        this.endTail(out);
        return;
      case 'head':
      case 'whole':
        out.push(...wholeDocumentItems(this.held(), this.source, this.skips));
        return;
      case 'failed':
        return;
    }
  }

  /** Bytes held from one chunk to the next (the record being completed, or what a non-log-file holds whole). */
  public carriedBytes(): number {
    return this.carry.length + this.length;
  }

  private current(): Mode {
    return this.mode;
  }

  private hold(chunk: Buffer): void {
    this.length += chunk.length;
    if (this.length > MAX_DOCUMENT_BYTES)
      throw new DocumentTooLargeError(
        this.mode === 'tail' ? 'after its records' : 'as one JSON value that is not a log file',
      );
    this.parts.push(chunk);
  }

  private held(): Buffer {
    const whole = this.parts.length === 1 && this.parts[0] ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [whole];
    return whole;
  }

  /** head: is this a log file or an array of records? Then stream its records; otherwise hold it whole. */
  private findRecords(out: Item[]): void {
    const buf = this.held();
    const start = skipWhitespace(buf, 0, buf.length);
    if (start >= buf.length) return;
    if (buf[start] === LBRACKET) return this.enterArray(buf, start, false, out);
    if (buf[start] !== LBRACE) {
      this.mode = 'whole';
      return;
    }
    try {
      const at = findObjectKey(buf, start, buf.length, 'Records');
      if (at >= buf.length) this.retryAt = buf.length + 1;
      else if (at >= 0 && buf[at] === LBRACKET) this.enterArray(buf, at, true, out);
      else this.mode = 'whole';
    } catch (e) {
      if (!(e instanceof JsonScanError)) throw e;
      if (e instanceof JsonIncompleteError) this.retryAt = buf.length * 2;
      else this.mode = 'whole'; // malformed before the records: reported by the whole reader at the end
    }
  }

  private enterArray(buf: Buffer, at: number, inObject: boolean, out: Item[]): void {
    this.mode = 'array';
    this.inObject = inObject;
    this.arrayAt = at;
    this.carry = buf.subarray(at + 1);
    this.carryAt = at + 1;
    this.parts = [];
    this.length = 0;
    this.scanArray(false, out);
  }

  /** Consumes every complete record of `carry`; keeps the incomplete rest (all of it when `final` is false). */
  private scanArray(final: boolean, out: Item[]): void {
    const buf = this.carry;
    const len = buf.length;
    let j = 0;
    const needle = { at: -1 };
    for (;;) {
      j = skipWhitespace(buf, j, len);
      if (j >= len) break;
      const c = buf[j];
      if (this.expect === 'separator' || (this.expect === 'element-or-end' && c === RBRACKET)) {
        if (c === RBRACKET) return this.enterTail(buf, j + 1);
        if (c !== COMMA)
          return this.fail(out, `expected ',' or ']' at byte ${this.carryAt + j}`, this.record + 1);
        this.expect = 'element';
        j += 1;
        continue;
      }
      const stop = this.elementEnd(buf, j, final, out);
      if (stop < 0) {
        if (this.mode === 'failed') return;
        break;
      }
      this.record += 1;
      this.element(buf, j, stop, needle, out);
      this.expect = 'separator';
      j = stop;
    }
    this.carry = j >= len ? EMPTY : buf.subarray(j);
    this.carryAt += j;
    if (this.carry.length > MAX_DOCUMENT_BYTES) throw new DocumentTooLargeError('in one record');
  }

  /** End of the value at `j`, or -1 when it is not all there yet (or is malformed: then the reader has failed). */
  private elementEnd(buf: Buffer, j: number, final: boolean, out: Item[]): number {
    try {
      const stop = skipValue(buf, j, buf.length);
      // A number or literal touching the end of the bytes may go on in the next chunk.
      const c = buf[j];
      if (stop === buf.length && !final && c !== LBRACE && c !== LBRACKET && c !== QUOTE) return -1;
      return stop;
    } catch (e) {
      if (!(e instanceof JsonScanError)) throw e;
      if (e instanceof JsonIncompleteError && !final) return -1;
      this.fail(out, `${e.reason} at byte ${this.carryAt + e.offset}`, this.record + 1);
      return -1;
    }
  }

  private element(buf: Buffer, from: number, to: number, needle: { at: number }, out: Item[]): void {
    if (needle.at < from) {
      // One forward search serves every record up to the next occurrence: no rescans of the same bytes.
      const at = buf.indexOf(NEEDLE, from);
      needle.at = at < 0 ? Number.MAX_SAFE_INTEGER : at;
    }
    // Only objects can be other events; anything else is judged (and rejected) by normalizeRecord.
    if (needle.at + NEEDLE.length > to && buf[from] === LBRACE) {
      this.skips.other += 1;
      return;
    }
    const parsed = parseJson(buf, from, to);
    if (!parsed.ok) {
      out.push(errorItem(parsed.message, this.source, this.record));
      return;
    }
    const item = recordItem(parsed.value, this.source, this.record, this.skips, true);
    if (item) out.push(item);
  }

  private enterTail(buf: Buffer, at: number): void {
    this.mode = 'tail';
    this.tailAt = this.carryAt + at;
    this.carry = EMPTY;
    this.parts = [];
    this.length = 0;
    if (at < buf.length) this.hold(buf.subarray(at));
  }

  /** After the records: the rest of the log file's object, then nothing but whitespace. */
  private endTail(out: Item[]): void {
    const tail = this.held();
    let end = 0;
    if (this.inObject) {
      try {
        end = skipObjectRest(tail, 0, tail.length);
      } catch (e) {
        if (!(e instanceof JsonScanError)) throw e;
        return this.fail(out, `${e.reason} at byte ${this.tailAt + e.offset}`, undefined);
      }
    }
    const rest = skipWhitespace(tail, end, tail.length);
    if (rest < tail.length)
      out.push(
        errorItem(`unexpected content after the JSON value at byte ${this.tailAt + rest}`, this.source),
      );
  }

  private fail(out: Item[], reason: string, record: number | undefined): void {
    this.mode = 'failed';
    this.carry = EMPTY;
    this.parts = [];
    // Truncated or malformed: what was read before the damage has been reported already.
    out.push(errorItem(`malformed JSON: ${reason}`, this.source, record));
  }
}
