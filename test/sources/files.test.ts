import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { SourceItem } from '../../lib/core/source';
import {
  DIGEST_FILE,
  OTHER_EVENTS,
  STDIN_SOURCE,
  readFiles,
  type FileSourceOptions,
} from '../../lib/sources/files';
import {
  fixturePath,
  loadFixture,
  makeEventBridgeEvent,
  makeLogFile,
  makeWebIdentityRecord,
} from '../support/fixtures';

type Assumed = Extract<SourceItem, { kind: 'assumption' }>;
type Skipped = Extract<SourceItem, { kind: 'skipped' }>;
type Failed = Extract<SourceItem, { kind: 'error' }>;

async function collect(paths: readonly string[], options?: FileSourceOptions): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readFiles(paths, options)) items.push(item);
  return items;
}

const assumptions = (items: SourceItem[]): Assumed[] =>
  items.filter((i): i is Assumed => i.kind === 'assumption');
const skips = (items: SourceItem[]): Skipped[] => items.filter((i): i is Skipped => i.kind === 'skipped');
const errors = (items: SourceItem[]): Failed[] => items.filter((i): i is Failed => i.kind === 'error');
const skippedTotal = (items: SourceItem[]): number => skips(items).reduce((n, s) => n + s.count, 0);
const eventIds = (items: SourceItem[]): string[] => assumptions(items).map((a) => a.assumption.eventId);

const SUCCESS_ID = 'd5f1c2a8-3b4e-4c6d-9e7f-1a2b3c4d5e6f';
const DENIED_ID = 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-watch-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const compact = (value: unknown): string => JSON.stringify(value);

describe('readFiles', () => {
  describe('input forms', () => {
    it('reads a file holding one pretty-printed CloudTrail record', async () => {
      const items = await collect([fixturePath('web-identity-success.json')]);
      expect(items).toEqual([
        {
          kind: 'assumption',
          source: fixturePath('web-identity-success.json'),
          record: 1,
          assumption: expect.objectContaining({
            eventId: SUCCESS_ID,
            subject: expect.any(String) as string,
          }) as unknown,
        },
      ]);
    });

    it('reads a file holding one EventBridge event', async () => {
      const items = await collect([fixturePath('web-identity-eventbridge.json')]);
      expect(eventIds(items)).toEqual(['5c4b3a29-1807-4f6e-9d5c-4b3a29180766']);
      expect(errors(items)).toEqual([]);
    });

    it('reads a CloudTrail log file, numbering records by their place in Records and counting the others', async () => {
      const path = fixturePath('mixed-log-file.json');
      const items = await collect([path]);
      expect(assumptions(items).map((a) => [a.record, a.assumption.eventId])).toEqual([
        [3, SUCCESS_ID],
        [5, DENIED_ID],
      ]);
      expect(skippedTotal(items)).toBe(4);
      expect(errors(items)).toEqual([]);
      expect(skips(items).every((s) => s.source === path)).toBe(true);
    });

    it('counts skipped records in one item per event name per file, not one item per record', async () => {
      const others = (loadFixture('mixed-log-file') as { Records: { eventName: string }[] }).Records.filter(
        (r) => r.eventName !== 'AssumeRoleWithWebIdentity',
      );
      const records = Array.from({ length: 1000 }, (_, i) => others[i % others.length]);
      const path = write('big.json', compact(makeLogFile(records)));
      const items = await collect([path]);
      expect(skippedTotal(items)).toBe(1000);
      expect(skips(items).length).toBeLessThanOrEqual(2);
      expect(skips(items).find((s) => s.eventName === OTHER_EVENTS)?.count).toBe(750);
    });

    it('reads a gzip log file, detected by its magic bytes whatever its name', async () => {
      const body = gzipSync(readFileSync(fixturePath('mixed-log-file.json')));
      const items = await collect([write('log.json', body), write('log-without-extension', body)]);
      expect(eventIds(items)).toEqual([SUCCESS_ID, DENIED_ID, SUCCESS_ID, DENIED_ID]);
      expect(errors(items)).toEqual([]);
    });

    it('reads a plain JSON file even when it is named .gz', async () => {
      const items = await collect([
        write('not-really.json.gz', readFileSync(fixturePath('web-identity-success.json'))),
      ]);
      expect(eventIds(items)).toEqual([SUCCESS_ID]);
    });

    it('reads JSON Lines of records and events, numbering records by line', async () => {
      const path = fixturePath('events.jsonl');
      const items = await collect([path]);
      expect(assumptions(items).map((a) => a.record)).toEqual([1, 2, 4, 6]);
      expect(eventIds(items)).toEqual([
        SUCCESS_ID,
        '5c4b3a29-1807-4f6e-9d5c-4b3a29180766',
        'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f',
        DENIED_ID,
      ]);
      expect(skippedTotal(items)).toBe(2);
      expect(errors(items)).toEqual([]);
    });

    it('tolerates blank lines, CRLF line endings and a missing final newline in JSON Lines', async () => {
      const a = makeWebIdentityRecord({ eventId: 'line-1' });
      const b = makeWebIdentityRecord({ eventId: 'line-4' });
      const path = write('crlf.jsonl', `${compact(a)}\r\n\r\n  \r\n${compact(b)}`);
      const items = await collect([path]);
      expect(assumptions(items).map((i) => [i.record, i.assumption.eventId])).toEqual([
        [1, 'line-1'],
        [4, 'line-4'],
      ]);
    });

    it('reads gzip JSON Lines', async () => {
      const items = await collect([
        write('events.jsonl.gz', gzipSync(readFileSync(fixturePath('events.jsonl')))),
      ]);
      expect(assumptions(items)).toHaveLength(4);
      expect(skippedTotal(items)).toBe(2);
    });

    it('reads a JSON array of records', async () => {
      const items = await collect([fixturePath('records-array.json')]);
      expect(assumptions(items).map((a) => a.record)).toEqual([1, 3]);
      expect(skippedTotal(items)).toBe(1);
    });

    it('reads a compact log file that ends with a newline as one document', async () => {
      const path = write('log.json', `${compact(loadFixture('mixed-log-file'))}\n`);
      const items = await collect([path]);
      expect(eventIds(items)).toEqual([SUCCESS_ID, DENIED_ID]);
      expect(skippedTotal(items)).toBe(4);
    });

    it('reads log files concatenated one per line, numbering their records within each line', async () => {
      const log = compact(loadFixture('mixed-log-file'));
      const path = write('concatenated.jsonl', `${log}\n${log}\n`);
      const items = await collect([path]);
      expect(assumptions(items).map((a) => [a.source, a.record])).toEqual([
        [`${path} line 1`, 3],
        [`${path} line 1`, 5],
        [`${path} line 2`, 3],
        [`${path} line 2`, 5],
      ]);
      expect(skippedTotal(items)).toBe(8);
    });

    it('walks an S3 sync of AWSLogs recursively in sorted order, counting digest files as skipped', async () => {
      const items = await collect([fixturePath('s3-layout')]);
      expect(eventIds(items)).toEqual([
        '9e8d7c6b-5a49-4382-b716-05f4e3d2c1b0', // CloudTrail/eu-central-1
        SUCCESS_ID, // CloudTrail/us-east-1, 0250Z file
        DENIED_ID,
        'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f', // 0535Z file
        '0b7e4d2c-6f1a-4e8b-a3c5-9d2f6e8a1b4c',
      ]);
      expect(skips(items).find((s) => s.eventName === DIGEST_FILE)?.count).toBe(1);
      expect(errors(items)).toEqual([]);
    });

    it('skips dotfiles and dot-directories inside a directory', async () => {
      write('.DS_Store', 'binary junk');
      write('.git/objects/garbage.json', '{not json');
      write('logs/a.json', compact(makeWebIdentityRecord({ eventId: 'visible' })));
      const items = await collect([dir]);
      expect(eventIds(items)).toEqual(['visible']);
      expect(errors(items)).toEqual([]);
    });

    it('reads stdin for the path "-", split into arbitrary chunks', async () => {
      const text = readFileSync(fixturePath('events.jsonl'));
      const chunks = [
        text.subarray(0, 7),
        text.subarray(7, 1500),
        text.subarray(1500, 1501),
        text.subarray(1501),
      ];
      const items = await collect(['-'], { stdin: Readable.from(chunks) });
      expect(assumptions(items)).toHaveLength(4);
      expect(items.every((i) => i.kind === 'error' || i.source === STDIN_SOURCE)).toBe(true);
    });

    it('gunzips stdin even when the magic bytes arrive in separate chunks', async () => {
      const body = gzipSync(readFileSync(fixturePath('mixed-log-file.json')));
      const chunks = [body.subarray(0, 1), body.subarray(1, 2), body.subarray(2)];
      const items = await collect(['-'], { stdin: Readable.from(chunks) });
      expect(eventIds(items)).toEqual([SUCCESS_ID, DENIED_ID]);
    });

    it('reads a pretty-printed document from stdin delivered one line at a time', async () => {
      const lines = readFileSync(fixturePath('mixed-log-file.json'), 'utf8')
        .split('\n')
        .map((l) => `${l}\n`);
      const items = await collect(['-'], { stdin: Readable.from(lines) });
      expect(eventIds(items)).toEqual([SUCCESS_ID, DENIED_ID]);
      expect(errors(items)).toEqual([]);
    });

    it('reads files, directories and stdin in the order given', async () => {
      const file = write('one.json', compact(makeWebIdentityRecord({ eventId: 'file' })));
      const items = await collect([file, '-', fixturePath('web-identity-success.json')], {
        stdin: Readable.from([compact(makeEventBridgeEvent(makeWebIdentityRecord({ eventId: 'stdin' })))]),
      });
      expect(eventIds(items)).toEqual(['file', 'stdin', SUCCESS_ID]);
    });
  });

  describe('streaming', () => {
    it('stops reading an endless stdin stream when the consumer stops', async () => {
      const line = `${compact(makeWebIdentityRecord({ eventId: 'again' }))}\n`;
      let produced = 0;
      const endless = Readable.from(
        (function* () {
          for (;;) {
            produced++;
            yield line;
          }
        })(),
      );
      let seen = 0;
      for await (const item of readFiles(['-'], { stdin: endless })) {
        if (item.kind === 'assumption') seen++;
        if (seen === 3) break;
      }
      expect(seen).toBe(3);
      expect(endless.destroyed).toBe(true);
      expect(produced).toBeLessThan(100);
    });
  });

  describe('pre-filter', () => {
    it('judges a record that mentions AssumeRoleWithWebIdentity elsewhere by its eventName', async () => {
      const items = await collect([fixturePath('mixed-log-file.json')]);
      expect(skips(items).find((s) => s.eventName === 'GetObject')?.count).toBe(1);
    });

    it('finds web-identity records whose neighbours hold escaped quotes, brackets and backslashes in strings', async () => {
      const tricky = {
        eventName: 'PutObject',
        eventID: 'x',
        requestParameters: { key: 'a"}]{["\\', note: '\\"AssumeRoleWith", "WebIdentity"}' },
        userAgent: '}}]]\\\\"',
      };
      const target = makeWebIdentityRecord({ eventId: 'after-tricky' });
      const path = write('tricky.json', compact(makeLogFile([tricky, target, tricky])));
      const items = await collect([path]);
      expect(assumptions(items).map((a) => [a.record, a.assumption.eventId])).toEqual([[2, 'after-tricky']]);
      expect(skippedTotal(items)).toBe(2);
      expect(errors(items)).toEqual([]);
    });

    it('parses a JSON Lines line that mentions the event name only in its user agent, and skips it by name', async () => {
      const other = {
        eventName: 'AssumeRole',
        eventID: 'y',
        userAgent: 'AssumeRoleWithWebIdentity-wrapper/1.0',
      };
      const items = await collect([write('ua.jsonl', `${compact(other)}\n${compact(other)}\n`)]);
      expect(skips(items)).toEqual([
        { kind: 'skipped', eventName: 'AssumeRole', source: join(dir, 'ua.jsonl'), count: 2 },
      ]);
    });

    it('reports skipped JSON Lines in batches, so the counts add up over a long stream', async () => {
      const line = `${compact({ eventName: 'GetObject', eventID: 'z', eventSource: 's3.amazonaws.com' })}\n`;
      const body = line.repeat(120_000) + `${compact(makeWebIdentityRecord({ eventId: 'last' }))}\n`;
      const items = await collect([write('many.jsonl', body)]);
      expect(skippedTotal(items)).toBe(120_000);
      expect(eventIds(items)).toEqual(['last']);
      expect(assumptions(items)[0]?.record).toBe(120_001);
    });
  });

  describe('errors', () => {
    it('reports a file of bad JSON, naming it, and goes on with the next file', async () => {
      const bad = write('bad.json', '{"Records": [{"eventName": "AssumeRoleWithWebIdentity",');
      const items = await collect([bad, fixturePath('web-identity-success.json')]);
      const [error] = errors(items);
      expect(error?.error.source).toBe(bad);
      expect(error?.error.message).toContain(bad);
      expect(error?.error.message).toContain('malformed JSON');
      expect(eventIds(items)).toEqual([SUCCESS_ID]);
    });

    it('reports a truncated gzip file, naming it, and goes on with the next file', async () => {
      const body = gzipSync(readFileSync(fixturePath('mixed-log-file.json')));
      const truncated = write('truncated.json.gz', body.subarray(0, Math.floor(body.length / 2)));
      const items = await collect([truncated, fixturePath('web-identity-success.json')]);
      expect(errors(items).map((e) => [e.error.source, e.error.message])).toEqual([
        [truncated, expect.stringContaining('gzip data is truncated or corrupt')],
      ]);
      expect(eventIds(items)).toEqual([SUCCESS_ID]);
    });

    it('yields the complete lines of a truncated gzip JSON Lines file before reporting the truncation', async () => {
      const lines = Array.from({ length: 400 }, (_, i) =>
        compact(makeWebIdentityRecord({ eventId: `line-${i + 1}` })),
      );
      const body = gzipSync(`${lines.join('\n')}\n`);
      const path = write('events.jsonl.gz', body.subarray(0, body.length - 200));
      const items = await collect([path]);
      const ids = eventIds(items);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(400);
      expect(ids).toEqual(lines.slice(0, ids.length).map((_, i) => `line-${i + 1}`));
      expect(errors(items).map((e) => e.error.message)).toEqual([
        expect.stringContaining(`${path}: gzip data is truncated or corrupt`),
      ]);
    });

    it('reports gzip data that is corrupt rather than truncated', async () => {
      const body = gzipSync(readFileSync(fixturePath('mixed-log-file.json')));
      const middle = body.length >> 1;
      body.writeUInt16BE(body.readUInt16BE(middle) ^ 0xffff, middle);
      const items = await collect([write('corrupt.json.gz', body)]);
      expect(errors(items)).toHaveLength(1);
      expect(errors(items)[0]?.error.message).toContain('gzip data is truncated or corrupt');
    });

    it('reports a missing file, naming it, and goes on', async () => {
      const missing = join(dir, 'no-such-file.json');
      const items = await collect([missing, fixturePath('web-identity-success.json')]);
      expect(errors(items).map((e) => e.error.message)).toEqual([
        expect.stringContaining(`${missing}: cannot read: no such file or directory`),
      ]);
      // The code once, not "ENOENT: ENOENT" (issue 11, item 4).
      expect(errors(items)[0]?.error.message).toMatch(/\(ENOENT\)$/);
      expect(errors(items)[0]?.error.message).not.toContain('ENOENT: ENOENT');
      expect(eventIds(items)).toEqual([SUCCESS_ID]);
    });

    it('reports a record missing its roleArn with file and record number, and still yields the other records', async () => {
      const broken = makeWebIdentityRecord({ eventId: 'broken' });
      delete (broken.requestParameters as { roleArn?: string }).roleArn;
      const path = write(
        'log.json',
        compact(
          makeLogFile([
            makeWebIdentityRecord({ eventId: 'first' }),
            broken,
            makeWebIdentityRecord({ eventId: 'third' }),
          ]),
        ),
      );
      const items = await collect([path]);
      expect(eventIds(items)).toEqual(['first', 'third']);
      const [error] = errors(items);
      expect(error?.error).toMatchObject({ source: path, record: 2 });
      expect(error?.error.message).toBe(`${path} record 2: requestParameters.roleArn is missing`);
      expect(items.map((i) => i.kind)).toEqual(['assumption', 'error', 'assumption']);
    });

    it('reports a record that is not an object, and still yields the others', async () => {
      const path = write(
        'array.json',
        `[42, ${compact(makeWebIdentityRecord({ eventId: 'ok' }))}, "AssumeRoleWithWebIdentity"]`,
      );
      const items = await collect([path]);
      expect(eventIds(items)).toEqual(['ok']);
      expect(errors(items).map((e) => e.error.record)).toEqual([1, 3]);
      expect(errors(items).map((e) => e.error.message)).toEqual([
        `${path} record 1: expected a CloudTrail record or EventBridge event (a JSON object), got number`,
        `${path} record 3: expected a CloudTrail record or EventBridge event (a JSON object), got string`,
      ]);
      expect(skippedTotal(items)).toBe(0);
    });

    it('reports a bad JSON line with its line number, and still yields the other lines', async () => {
      const path = write(
        'events.jsonl',
        [
          compact(makeWebIdentityRecord({ eventId: 'one' })),
          '{"eventName": "AssumeRoleWithWebIdentity", "eventID": ',
          compact(makeWebIdentityRecord({ eventId: 'three' })),
          '{"eventName": "GetObject"',
        ].join('\n'),
      );
      const items = await collect([path]);
      expect(eventIds(items)).toEqual(['one', 'three']);
      expect(errors(items).map((e) => [e.error.record, e.error.message])).toEqual([
        [2, expect.stringContaining(`${path} record 2: not valid JSON`)],
        [4, expect.stringContaining(`${path} record 4: not valid JSON`)],
      ]);
    });

    it('reports a log file truncated mid-record, after yielding the records before the damage', async () => {
      const full = compact(loadFixture('mixed-log-file'));
      const cut = full.slice(0, full.indexOf('"eventName":"DescribeInstances"'));
      const items = await collect([write('cut.json', cut)]);
      expect(eventIds(items)).toEqual([SUCCESS_ID, DENIED_ID]);
      expect(errors(items).map((e) => [e.error.record, e.error.message])).toEqual([
        [6, expect.stringContaining('cut.json record 6: malformed JSON: unterminated')],
      ]);
    });

    it('reports an empty file', async () => {
      const items = await collect([write('empty.json', '  \n')]);
      expect(errors(items).map((e) => e.error.message)).toEqual([expect.stringContaining('empty input')]);
    });

    it('reports content that is not JSON', async () => {
      const items = await collect([write('notes.txt', 'AssumeRoleWithWebIdentity happened\n')]);
      expect(errors(items).map((e) => e.error.message)).toEqual([
        expect.stringContaining('not a JSON object or array'),
      ]);
    });

    it('reports trailing content after a single document', async () => {
      const items = await collect([write('two.json', `${compact(makeWebIdentityRecord())} {"x":1}`)]);
      expect(errors(items).map((e) => e.error.message)).toEqual([
        expect.stringContaining('unexpected content after'),
      ]);
    });

    it('reports an EventBridge event whose record misses its eventID, naming the field', async () => {
      const record = makeWebIdentityRecord();
      const event = makeEventBridgeEvent(record);
      delete (event.detail as { eventID?: string }).eventID;
      const path = write('event.json', compact(event));
      const items = await collect([path]);
      expect(errors(items).map((e) => e.error.message)).toEqual([`${path}: eventID is missing`]);
    });
  });
});
