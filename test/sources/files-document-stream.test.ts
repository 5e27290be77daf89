/**
 * The streaming log-file reader: the same items whatever the chunking, records split across chunk boundaries, and
 * strings holding brackets, braces, escaped quotes and backslashes exactly where a chunk ends.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { SourceItem } from '../../lib/core/source';
import { readFiles } from '../../lib/sources/files';
import { DocumentReader } from '../../lib/sources/files/document';
import { SkipCounter, type Item } from '../../lib/sources/files/items';
import { makeLogFile, makeWebIdentityRecord } from '../support/fixtures';

/** Items as comparable data (errors by message and record). */
function plain(items: readonly SourceItem[]): unknown[] {
  return items.map((i) =>
    i.kind === 'error' ? { kind: 'error', message: i.error.message, record: i.error.record } : i,
  );
}

async function viaStdin(bytes: Buffer, chunkSizes: readonly number[]): Promise<unknown[]> {
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k += 1) {
    const size = chunkSizes[k % chunkSizes.length] ?? 1;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  const items: SourceItem[] = [];
  for await (const item of readFiles(['-'], { stdin: Readable.from(chunks) })) items.push(item);
  return plain(items);
}

/** Other events whose strings hold every character that could fool a structural scanner. */
function trickyRecord(i: number): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventName: i % 2 === 0 ? 'GetObject' : 'PutObject',
    eventSource: 's3.amazonaws.com',
    eventID: `other-${i}`,
    requestParameters: {
      key: `a]b}c{d[e"f\\g\\"h${'\\'.repeat(i % 4)}`,
      nested: [{ x: '}]' }, ['"[', '\\'], {}],
      note: i % 5 === 0 ? 'mentions AssumeRoleWithWebIdentity in a string' : '',
    },
    unicode: 'é✓\u2028',
  };
}

function corpus(): Buffer {
  const records: unknown[] = [];
  for (let i = 0; i < 40; i += 1) {
    records.push(trickyRecord(i));
    if (i % 7 === 3)
      records.push(makeWebIdentityRecord({ eventId: `wi-${i}`, roleSessionName: `p]"{\\-${i}` }));
  }
  return Buffer.from(JSON.stringify(makeLogFile(records)));
}

describe('streaming log-file reader', () => {
  it('yields the same items for every chunking, down to one byte at a time', async () => {
    const bytes = corpus();
    const whole = await viaStdin(bytes, [bytes.length]);
    expect(whole.filter((i) => (i as { kind: string }).kind === 'assumption')).toHaveLength(6);
    for (const sizes of [[1], [2], [3], [7, 1, 13], [64], [1000, 1], [4096]])
      expect(await viaStdin(bytes, sizes)).toEqual(whole);
  });

  it('splits records at every possible boundary, inside escapes and brackets of strings', async () => {
    const bytes = corpus();
    const whole = await viaStdin(bytes, [bytes.length]);
    for (let cut = 1; cut < bytes.length; cut += 37) {
      expect(await viaStdin(bytes, [cut, bytes.length])).toEqual(whole);
    }
  });

  it('reads a pretty-printed log file and a top-level array the same way in chunks', async () => {
    const records = [trickyRecord(1), makeWebIdentityRecord({ eventId: 'wi' }), trickyRecord(2)];
    const pretty = Buffer.from(JSON.stringify(makeLogFile(records), null, 2));
    const array = Buffer.from(JSON.stringify(records, null, 1));
    for (const bytes of [pretty, array]) {
      const whole = await viaStdin(bytes, [bytes.length]);
      expect(whole).toContainEqual(expect.objectContaining({ kind: 'assumption', record: 2 }));
      expect(await viaStdin(bytes, [5, 3])).toEqual(whole);
    }
  });

  it('streams gzip input in chunks with the same items', async () => {
    const bytes = corpus();
    const whole = await viaStdin(bytes, [bytes.length]);
    const gz = gzipSync(bytes);
    expect(await viaStdin(gz, [100])).toEqual(whole.map((i) => i));
  });

  it('reports a log file cut inside a record with the record number, after the records before it', async () => {
    const bytes = corpus();
    const cut = bytes.subarray(0, bytes.indexOf('"other-30"'));
    const items = await viaStdin(cut, [11]);
    expect(items.filter((i) => (i as { kind: string }).kind === 'assumption')).toHaveLength(4);
    const errors = items.filter((i) => (i as { kind: string }).kind === 'error');
    expect(errors).toEqual([
      { kind: 'error', message: expect.stringMatching(/malformed JSON: unterminated object/), record: 35 },
    ]);
  });

  it('reports garbage between records and content after the log file', async () => {
    const a = JSON.stringify(trickyRecord(1));
    const broken = Buffer.from(`{"Records":[${a} ${a}]}`);
    expect(await viaStdin(broken, [9])).toEqual([
      { kind: 'error', message: expect.stringContaining("expected ',' or ']'"), record: 2 },
      { kind: 'skipped', eventName: '(other)', source: '<stdin>', count: 1 },
    ]);
    const trailing = Buffer.from(`{"Records":[${a}]} {"x":1}`);
    const items = await viaStdin(trailing, [9]);
    expect(items).toContainEqual({
      kind: 'error',
      message: expect.stringContaining('unexpected content after the JSON value'),
      record: undefined,
    });
  });

  it('holds only the record being completed, not the document', () => {
    // 2,000 records fed 1 KB at a time: what the reader carries stays below two records.
    const record = JSON.stringify(trickyRecord(3));
    const text = Buffer.from(`{"Records":[${Array.from({ length: 2000 }, () => record).join(',')}]}`);
    const reader = new DocumentReader('mem', new SkipCounter());
    const out: Item[] = [];
    let maxCarried = 0;
    for (let at = 0; at < text.length; at += 1024) {
      reader.push(text.subarray(at, at + 1024), out);
      maxCarried = Math.max(maxCarried, reader.carriedBytes());
    }
    reader.end(out);
    expect(out).toEqual([]);
    expect(maxCarried).toBeLessThan(record.length + 1024);
  });
});
