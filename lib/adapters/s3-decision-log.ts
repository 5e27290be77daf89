/**
 * DecisionLog on S3: one object per CloudTrail eventID under `dt=YYYY-MM-DD/` partitions (event date, UTC), each a
 * single line of JSON for Athena's JSON SerDe. Encryption is the bucket's default (SSE-KMS or SSE-S3); the writer
 * sends no SSE headers so that the bucket policy alone decides. Writing the same event again overwrites it.
 * See: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishError, describeError } from '../core/errors';
import { decisionLogKey, type DecisionLog } from '../core/ports';

export interface S3DecisionLogOptions {
  readonly bucket: string;
  /** Key prefix ending in `/` (or empty), e.g. `decisions/`. */
  readonly prefix: string;
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // HeadObject has no body, so the SDK cannot read an error code: a 404 surfaces as `NotFound`
  // (GetObject says `NoSuchKey`). See: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
  if (error.name === 'NotFound' || error.name === 'NoSuchKey') return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}

export function createS3DecisionLog(client: S3Client, options: S3DecisionLogOptions): DecisionLog {
  const { bucket, prefix } = options;
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new RangeError(`decision log prefix must end with '/': ${prefix}`);
  return {
    async record(verdict) {
      const key = decisionLogKey(prefix, verdict.eventId, verdict.eventTime);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: `${JSON.stringify(verdict)}\n`,
            ContentType: 'application/json',
          }),
        );
      } catch (cause) {
        const detail = describeError(cause);
        throw new PublishError(`decision log write s3://${bucket}/${key} failed: ${detail}`, { cause });
      }
    },
    async has(eventId, eventTime) {
      const key = decisionLogKey(prefix, eventId, eventTime);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (cause) {
        if (isNotFound(cause)) return false;
        // 403 (no s3:ListBucket makes a missing key look forbidden), throttling, network: "could not tell".
        throw cause;
      }
    },
  };
}
