/**
 * Test fixtures: realistic, redacted CloudTrail records (account 123456789012, IPs from 192.0.2.0/24).
 * Every accessor returns a fresh deep clone, so a test can mutate what it gets without leaking into another test.
 * The fixture files are described in test/fixtures/cloudtrail/README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const CLOUDTRAIL_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'cloudtrail');

const cache = new Map<string, unknown>();

function parseFixture(file: string): unknown {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  if (file.endsWith('.jsonl') || file.endsWith('.jsonl.gz')) {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
  return JSON.parse(text) as unknown;
}

/**
 * Parsed content of test/fixtures/cloudtrail/<name> (deep clone). `.json` is optional in `name`; `.jsonl` files
 * return an array of their lines; `.gz` files are gunzipped. Names may include sub-folders.
 */
export function loadFixture(name: string): unknown {
  const file = join(CLOUDTRAIL_FIXTURES_DIR, /\.(json|jsonl)(\.gz)?$/.test(name) ? name : `${name}.json`);
  let value = cache.get(file);
  if (value === undefined) {
    value = parseFixture(file);
    cache.set(file, value);
  }
  return structuredClone(value);
}

/** Absolute path of a fixture file, for tests that read files (CLI, file source). */
export function fixturePath(name: string): string {
  return join(CLOUDTRAIL_FIXTURES_DIR, name);
}

/** A deep clone of a record (or any JSON value), to mutate in a test. */
export function cloneRecord<T>(record: T): T {
  return structuredClone(record);
}

export {
  DEFAULT_ROLE_ARN,
  DEFAULT_SUBJECT,
  makeEventBridgeEvent,
  makeLogFile,
  makeWebIdentityRecord,
  type WebIdentityRecordFixture,
  type WebIdentityRecordOverrides,
} from '../../tools/cloudtrail-records';
