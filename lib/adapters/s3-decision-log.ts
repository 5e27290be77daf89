/**
 * The decision history on S3: one object per EVALUATION, appended and never overwritten, under `dt=YYYY-MM-DD/`
 * partitions (event date, UTC) so that Athena reads it as one table (key layout: lib/core/ports.ts
 * decisionRecordKey). Each object is one line of JSON for Athena's JSON SerDe.
 *
 * Never overwritten: every key carries a random nonce, and the write is conditional (`If-None-Match: *`), so even a
 * colliding key fails instead of replacing a record; the append then retries with a new nonce.
 * Encryption is the bucket's default (SSE-S3); the writer sends no SSE headers so that the bucket policy alone decides.
 * See: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishError, describeError } from '../core/errors';
import {
  decisionHistoryPrefix,
  decisionRecordKey,
  parseDecisionKey,
  recordIdOf,
  type DecisionEntry,
  type DecisionLog,
} from '../core/ports';
import type { VerdictKind } from '../core/verdict';

export interface S3DecisionLogOptions {
  readonly bucket: string;
  /** Key prefix ending in `/` (or empty), e.g. `decisions/`. */
  readonly prefix: string;
  /** Nonce source (8 lowercase hex characters by default); injectable for tests that need a collision. */
  readonly nonce?: () => string;
}

/** Attempts at a fresh key when a conditional write finds the key taken. */
const APPEND_ATTEMPTS = 3;
/** One event is evaluated a handful of times; a page of keys is plenty, and more pages are still followed. */
const MAX_HISTORY_PAGES = 10;

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** The key was taken: S3 answers 412 to `If-None-Match: *` (409 when a concurrent conditional write is in flight). */
function isKeyTaken(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409 || (error instanceof Error && error.name === 'PreconditionFailed');
}

const VERDICTS: readonly VerdictKind[] = ['alert', 'unverified', 'ok', 'ignored'];

/** One PutObject under a fresh key, conditional on the key being new; a taken key is retried with a new nonce. */
async function appendRecord(
  client: S3Client,
  bucket: string,
  prefix: string,
  nonce: () => string,
  entry: DecisionEntry,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const n = nonce();
    const key = decisionRecordKey(prefix, entry, n);
    const body = `${JSON.stringify({ ...entry, recordId: recordIdOf(entry, n) })}\n`;
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return;
    } catch (cause) {
      if (isKeyTaken(cause) && attempt < APPEND_ATTEMPTS) continue;
      throw new PublishError(
        `decision history append s3://${bucket}/${key} failed: ${describeError(cause)}`,
        {
          cause,
        },
      );
    }
  }
}

export function createS3DecisionLog(client: S3Client, options: S3DecisionLogOptions): DecisionLog {
  const { bucket, prefix } = options;
  const nonce = options.nonce ?? (() => randomBytes(4).toString('hex'));
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new RangeError(`decision log prefix must end with '/': ${prefix}`);

  async function legacyVerdict(key: string): Promise<VerdictKind> {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await out.Body?.transformToString()) ?? '';
    const verdict: unknown = (JSON.parse(text) as { verdict?: unknown }).verdict;
    const known = VERDICTS.find((v) => v === verdict);
    // A record whose verdict cannot be read is not a conclusion: treat it as "could not tell".
    return known ?? 'unverified';
  }

  return {
    append: (entry) => appendRecord(client, bucket, prefix, nonce, entry),
    async history(eventId, eventTime) {
      const historyPrefix = decisionHistoryPrefix(prefix, eventId, eventTime);
      const verdicts: VerdictKind[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
        // 403 (no s3:ListBucket), throttling, network: thrown, "could not tell" is the caller's to handle.
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: historyPrefix, ContinuationToken: token }),
        );
        for (const { Key } of out.Contents ?? []) {
          const parsed = Key === undefined ? null : parseDecisionKey(historyPrefix, Key);
          if (parsed === null || Key === undefined) continue;
          verdicts.push(parsed === 'legacy' ? await legacyVerdict(Key) : parsed.verdict);
        }
        token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
        if (token === undefined) break;
      }
      return verdicts;
    },
  };
}
