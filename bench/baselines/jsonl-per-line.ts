/**
 * The JSON Lines reader as it was before issue 12, kept as the benchmark's baseline: per line, a fresh subarray, a
 * search for the event name AND one for `"Records"` over the line, and a Map-based count. Only the skip path is
 * reproduced (the benchmark's lines are all other events), which is the path the new reader speeds up.
 */
const NEEDLE = Buffer.from('AssumeRoleWithWebIdentity', 'latin1');
const RECORDS_KEY = Buffer.from('"Records"', 'latin1');

function isWhitespace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Counts the lines the old reader would have skipped without parsing; returns [skipped, parsed]. */
export async function legacySkipCount(chunks: AsyncIterable<Buffer>): Promise<[number, number]> {
  const counts = new Map<string, number>();
  let parsed = 0;
  let carry: Buffer | null = null;
  const line = (buf: Buffer, from: number, to: number): void => {
    let start = from;
    while (start < to && isWhitespace(buf[start])) start++;
    let end = to;
    while (end > start && isWhitespace(buf[end - 1])) end--;
    if (start === end) return;
    const text = buf.subarray(start, end);
    const mayMatch = text.indexOf(NEEDLE) >= 0;
    if (!mayMatch && text[0] === 0x7b && text[text.length - 1] === 0x7d && text.indexOf(RECORDS_KEY) < 0) {
      counts.set('(other)', (counts.get('(other)') ?? 0) + 1);
      return;
    }
    parsed += 1;
  };
  for await (const chunk of chunks) {
    let from = 0;
    let nl = chunk.indexOf(0x0a);
    if (carry && nl >= 0) {
      const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = null;
      line(joined, 0, joined.length);
      from = nl + 1;
      nl = chunk.indexOf(0x0a, from);
    }
    while (nl >= 0) {
      line(chunk, from, nl);
      from = nl + 1;
      nl = chunk.indexOf(0x0a, from);
    }
    const rest = chunk.subarray(from);
    carry = carry ? Buffer.concat([carry, rest]) : rest.length > 0 ? rest : null;
  }
  if (carry) line(carry, 0, carry.length);
  return [counts.get('(other)') ?? 0, parsed];
}
