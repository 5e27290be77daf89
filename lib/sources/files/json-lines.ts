/**
 * JSON Lines: one record or event per line, numbered by line. Almost every line is some other event: those are
 * counted without being parsed. The event name is searched once per chunk (the position of the next occurrence
 * serves every line before it), not once per line, so a skipped line costs a newline search and a few byte reads;
 * the byte search for the name is where the time goes, hence no second search: a line without the name is one other
 * event unless it starts like a log file (`{"Records"`, as CloudTrail writes them), whose records are then counted
 * one by one. (A line holding a log file whose first key is not Records is counted as one: it cannot hold a
 * web-identity record either way.)
 */
import { skipWhitespace, trimEnd } from '../files-json-scan';
import {
  DocumentTooLargeError,
  errorItem,
  type Item,
  MAX_DOCUMENT_BYTES,
  NEEDLE,
  parseJson,
  type SkipCounter,
  startsLikeLogFile,
  valueItems,
} from './items';

const NOWHERE = Number.MAX_SAFE_INTEGER;
// Local constants, not imports: bindings imported across modules may compile to property reads in the hot loop.
const NEWLINE = 0x0a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0d || c === 0x09;
}

/** One line of JSON Lines (`buf[from, to)`, without the newline), with every check: the slow path. */
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
  // A line that looks like one complete object and cannot be a web-identity event is counted without parsing.
  // (A whole log file on one line is parsed, so that its records are counted one by one.)
  if (
    text.indexOf(NEEDLE) < 0 &&
    text[0] === LBRACE &&
    text[text.length - 1] === RBRACE &&
    !startsLikeLogFile(text, 0)
  ) {
    skips.other += 1;
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
export class LineSplitter {
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
    const nl = chunk.indexOf(NEWLINE);
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
    }
    from = this.completeLines(chunk, from, out);
    if (from < chunk.length) this.keep(chunk.subarray(from));
  }

  public end(out: Item[]): void {
    if (this.parts.length === 0) return;
    const last = Buffer.concat(this.parts);
    this.parts = [];
    this.partLength = 0;
    lineItems(last, 0, last.length, ++this.line, this.source, this.skips, out);
  }

  /** Every complete line of `chunk` from `from`; returns where the partial last line starts. */
  private completeLines(chunk: Buffer, from: number, out: Item[]): number {
    let start = from;
    let needleAt = -1;
    for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      this.line += 1;
      if (needleAt < start) needleAt = indexOrNowhere(chunk, NEEDLE, start);
      if (needleAt >= nl && this.skipsAsOther(chunk, start, nl)) {
        start = nl + 1;
        continue;
      }
      lineItems(chunk, start, nl, this.line, this.source, this.skips, out);
      start = nl + 1;
    }
    return start;
  }

  /** A line without the event name or `"Records"` that is `{...}`: counted. Blank lines count as nothing. */
  private skipsAsOther(chunk: Buffer, from: number, to: number): boolean {
    let a = from;
    while (a < to && isBlank(chunk[a])) a++;
    if (a === to) return true;
    let b = to - 1;
    while (b > a && isBlank(chunk[b])) b--;
    if (chunk[a] !== LBRACE || chunk[b] !== RBRACE || startsLikeLogFile(chunk, a)) return false;
    this.skips.other += 1;
    return true;
  }

  private keep(part: Buffer): void {
    this.partLength += part.length;
    if (this.partLength > MAX_DOCUMENT_BYTES) throw new DocumentTooLargeError();
    this.parts.push(part);
  }
}

function indexOrNowhere(chunk: Buffer, needle: Buffer, from: number): number {
  const at = chunk.indexOf(needle, from);
  return at < 0 ? NOWHERE : at;
}
