/**
 * Smoke-test results in the decision-log bucket, under `smoke/<id>.json` (outside `decisions/`, so neither Athena's
 * decisions table nor reconciliation ever sees them). The correlator writes; `oidc-watch smoke` polls and reads.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishError } from '../core/errors';
import { type SmokeResult, smokeResultKey } from '../core/smoke';

export interface SmokeLog {
  record(result: SmokeResult): Promise<void>;
  /** The stored result as parsed JSON, or undefined while it is not there yet. */
  read(smokeTestId: string): Promise<unknown>;
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

export function createS3SmokeLog(client: S3Client, bucket: string): SmokeLog {
  return {
    async record(result) {
      const key = smokeResultKey(result.smokeTestId);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: `${JSON.stringify(result)}\n`,
            ContentType: 'application/json',
          }),
        );
      } catch (cause) {
        const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        throw new PublishError(`smoke result write s3://${bucket}/${key} failed: ${detail}`, { cause });
      }
    },
    async read(smokeTestId) {
      const key = smokeResultKey(smokeTestId);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = object.Body === undefined ? '' : await object.Body.transformToString('utf-8');
        return JSON.parse(text) as unknown;
      } catch (cause) {
        if (isMissing(cause)) return undefined;
        throw cause;
      }
    },
  };
}
