/**
 * A structural JSON scanner over bytes: finds where values begin and end without building them, so a CloudTrail log
 * file can be split into records and only the records that may matter are handed to JSON.parse.
 *
 * It checks structure (strings terminated, brackets balanced and matched), not every token: a record it only skips
 * is counted, never interpreted, so a typo inside it cannot change a verdict. Records that are parsed get the full
 * JSON.parse check.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Malformed or truncated JSON. `offset` is the byte where the problem was seen; `reason` is the message without it. */
export class JsonScanError extends Error {
  public constructor(
    public readonly reason: string,
    public readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
    this.name = 'JsonScanError';
  }
}

/**
 * The value did not end before the end of the buffer: truncated if the input has ended, or simply not all there yet
 * when the input is a stream (the streaming reader then waits for more bytes).
 */
export class JsonIncompleteError extends JsonScanError {
  public constructor(reason: string, offset: number) {
    super(reason, offset);
    this.name = 'JsonIncompleteError';
  }
}

function isWhitespace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** At the end of the buffer a missing token means "not all there yet"; before it, the JSON is malformed. */
function scanError(reason: string, at: number, end: number): JsonScanError {
  return at >= end ? new JsonIncompleteError(reason, at) : new JsonScanError(reason, at);
}

/** Index of the first non-whitespace byte at or after `i` (or `end`). Skips a UTF-8 byte order mark at `i`. */
export function skipWhitespace(buf: Uint8Array, i: number, end: number): number {
  let j = i;
  if (buf[j] === 0xef && buf[j + 1] === 0xbb && buf[j + 2] === 0xbf) j += 3;
  while (j < end && isWhitespace(buf[j])) j++;
  return j;
}

/** Index of the last non-whitespace byte before `end`, plus one (or `start`). */
export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  let j = end;
  while (j > start && isWhitespace(buf[j - 1])) j--;
  return j;
}

/** `buf[i]` is an opening quote: returns the index just past the closing quote. */
export function skipString(buf: Buffer, i: number, end: number): number {
  let from = i + 1;
  for (;;) {
    // indexOf is a native memchr: strings are most of a CloudTrail record, so this is where the time goes.
    const q = buf.indexOf(QUOTE, from);
    if (q < 0 || q >= end) throw new JsonIncompleteError('unterminated string', i);
    let backslashes = 0;
    for (let k = q - 1; k > i && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** `buf[i]` is the first byte of a value: returns the index just past it. */
export function skipValue(buf: Buffer, i: number, end: number): number {
  const first = buf[i];
  if (first === QUOTE) return skipString(buf, i, end);
  if (first !== LBRACE && first !== LBRACKET) {
    // number, true, false, null: up to the next delimiter.
    let j = i;
    while (j < end) {
      const c = buf[j];
      if (c === COMMA || c === RBRACE || c === RBRACKET || c === COLON || isWhitespace(c)) break;
      j++;
    }
    if (j === i) throw new JsonScanError('expected a value', i);
    return j;
  }
  const closers: number[] = [];
  for (let j = i; j < end; j++) {
    const c = buf[j];
    if (c === QUOTE) {
      j = skipString(buf, j, end) - 1;
    } else if (c === LBRACE) {
      closers.push(RBRACE);
    } else if (c === LBRACKET) {
      closers.push(RBRACKET);
    } else if (c === RBRACE || c === RBRACKET) {
      if (closers.pop() !== c) throw new JsonScanError(`unexpected '${String.fromCharCode(c)}'`, j);
      if (closers.length === 0) return j + 1;
    }
  }
  throw new JsonIncompleteError(`unterminated ${first === LBRACE ? 'object' : 'array'}`, i);
}

/** `buf[i]` is `[`: calls `onElement(start, end)` for each element, returns the index just past `]`. */
export function forEachArrayElement(
  buf: Buffer,
  i: number,
  end: number,
  onElement: (start: number, stop: number) => void,
): number {
  let j = skipWhitespace(buf, i + 1, end);
  if (buf[j] === RBRACKET) return j + 1;
  for (;;) {
    if (j >= end) throw new JsonIncompleteError('unterminated array', i);
    const stop = skipValue(buf, j, end);
    onElement(j, stop);
    j = skipWhitespace(buf, stop, end);
    const c = buf[j];
    if (c === RBRACKET) return j + 1;
    if (c !== COMMA) throw new JsonScanError("expected ',' or ']'", j);
    j = skipWhitespace(buf, j + 1, end);
  }
}

/**
 * `buf[i]` is `{`: returns the index of the value of top-level key `key` (first byte after the colon and spaces),
 * or -1 when the object has no such key. Keys are compared as raw bytes (no escape decoding).
 */
export function findObjectKey(buf: Buffer, i: number, end: number, key: string): number {
  const wanted = Buffer.from(key, 'utf8');
  let j = skipWhitespace(buf, i + 1, end);
  if (buf[j] === RBRACE) return -1;
  for (;;) {
    if (buf[j] !== QUOTE) throw scanError('expected a key', j, end);
    const keyEnd = skipString(buf, j, end);
    const isWanted =
      keyEnd - j - 2 === wanted.length && buf.compare(wanted, 0, wanted.length, j + 1, keyEnd - 1) === 0;
    j = skipWhitespace(buf, keyEnd, end);
    if (buf[j] !== COLON) throw scanError("expected ':'", j, end);
    j = skipWhitespace(buf, j + 1, end);
    if (isWanted) return j;
    j = skipWhitespace(buf, skipValue(buf, j, end), end);
    const c = buf[j];
    if (c === RBRACE) return -1;
    if (c !== COMMA) throw scanError("expected ',' or '}'", j, end);
    j = skipWhitespace(buf, j + 1, end);
  }
}

/**
 * `j` is just past a member value of an object: skips any further members and returns the index just past `}`.
 * Used after the `Records` array of a log file, so the whole file is validated without scanning it twice.
 */
export function skipObjectRest(buf: Buffer, j: number, end: number): number {
  let k = skipWhitespace(buf, j, end);
  for (;;) {
    const c = buf[k];
    if (c === RBRACE) return k + 1;
    if (c !== COMMA) throw scanError(k >= end ? 'unterminated object' : "expected ',' or '}'", k, end);
    k = skipWhitespace(buf, k + 1, end);
    if (buf[k] !== QUOTE) throw new JsonScanError('expected a key', k);
    k = skipWhitespace(buf, skipString(buf, k, end), end);
    if (buf[k] !== COLON) throw new JsonScanError("expected ':'", k);
    k = skipWhitespace(buf, skipValue(buf, skipWhitespace(buf, k + 1, end), end), end);
  }
}
