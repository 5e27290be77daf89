/**
 * Reading files in worker threads: the same items, in the same order, as reading them on one thread. The worker
 * entry point is bundled with esbuild, as `npm run build` does for the CLI.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { SourceItem } from '../../lib/core/source';
import { readFiles, type FileSourceOptions } from '../../lib/sources/files';
import { makeLogFile, makeWebIdentityRecord } from '../support/fixtures';

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-watch-parallel-'));
  script = join(dir, 'files-worker.js');
  await build({
    entryPoints: [join(__dirname, '..', '..', 'functions', 'cli', 'files-worker.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const path = join(dir, 'data', name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function other(i: number): Record<string, unknown> {
  return { eventVersion: '1.09', eventName: i % 3 === 0 ? 'Decrypt' : 'GetObject', eventID: `o-${i}` };
}

/** A trail-like tree: gzip log files of different sizes, JSON Lines, bad files, an empty one, a digest. */
function corpus(): string {
  for (let f = 0; f < 24; f += 1) {
    const records: unknown[] = [];
    for (let i = 0; i < 50 + ((f * 37) % 400); i += 1)
      records.push(i % 40 === 7 ? makeWebIdentityRecord({ eventId: `wi-${f}-${i}` }) : other(i));
    const text = JSON.stringify(makeLogFile(records));
    write(
      `AWSLogs/1/CloudTrail/us-east-1/2026/11/${String(f).padStart(2, '0')}/log-${f}.json.gz`,
      gzipSync(text),
    );
  }
  write(
    'AWSLogs/1/CloudTrail/us-east-1/2026/11/05/z-lines.jsonl',
    [
      JSON.stringify(makeWebIdentityRecord({ eventId: 'line-1' })),
      '{"eventName": "AssumeRoleWithWebIdentity", "eventID": ',
      JSON.stringify(other(1)),
    ].join('\n'),
  );
  write(
    'AWSLogs/1/CloudTrail/us-east-1/2026/11/07/z-truncated.json.gz',
    gzipSync('{"Records":[{"a":1},').subarray(0, 20),
  );
  write('AWSLogs/1/CloudTrail/us-east-1/2026/11/09/z-empty.json', '');
  write(
    'AWSLogs/1/CloudTrail-Digest/us-east-1/digest.json',
    JSON.stringify({ digestStartTime: 'x', logFiles: [] }),
  );
  return join(dir, 'data');
}

/** Items as comparable data (InputError by message, source and record). */
async function read(paths: readonly string[], options: FileSourceOptions): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of readFiles(paths, options) as AsyncIterable<SourceItem>)
    items.push(
      item.kind === 'error'
        ? { kind: 'error', message: item.error.message, source: item.error.source, record: item.error.record }
        : item,
    );
  return items;
}

describe('readFiles with worker threads', () => {
  it('yields exactly the items of a single-threaded read, in the same order', async () => {
    const root = corpus();
    const single = await read([root], {});
    expect(single.filter((i) => (i as { kind: string }).kind === 'assumption').length).toBeGreaterThan(24);
    expect(single.filter((i) => (i as { kind: string }).kind === 'error')).toHaveLength(3);
    for (const count of [1, 2, 3]) expect(await read([root], { workers: { count, script } })).toEqual(single);
  });

  it('keeps stdin, missing paths and files in the order given', async () => {
    const root = corpus();
    const stdinText = `${JSON.stringify(makeWebIdentityRecord({ eventId: 'from-stdin' }))}\n`;
    const paths = [
      join(root, 'AWSLogs/1/CloudTrail/us-east-1/2026/11/03'),
      '-',
      join(dir, 'missing.json'),
      root,
    ];
    const single = await read(paths, { stdin: Readable.from([stdinText]) });
    const parallel = await read(paths, { stdin: Readable.from([stdinText]), workers: { count: 2, script } });
    expect(parallel).toEqual(single);
    expect(single).toContainEqual(expect.objectContaining({ kind: 'assumption', source: '<stdin>' }));
  });

  it('stops its workers when the consumer stops early', async () => {
    const root = corpus();
    let seen = 0;
    for await (const item of readFiles([root], { workers: { count: 2, script } })) {
      if (item.kind === 'assumption') seen += 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});
