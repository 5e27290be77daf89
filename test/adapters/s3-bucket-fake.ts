/**
 * An in-memory S3 bucket behind aws-sdk-client-mock at the S3Client boundary: PutObject (honouring
 * `If-None-Match: *` with a 412 PreconditionFailed, as S3 conditional writes do), HeadObject and GetObject (404 as
 * `NotFound` / `NoSuchKey`), ListObjectsV2 by prefix in key order. Enough for the decision history, whichever of
 * these calls a version of the code uses.
 * See: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export interface S3BucketFake {
  readonly mock: AwsClientStub<S3Client>;
  /** Key -> body, in insertion order. */
  readonly objects: Map<string, string>;
  /** Every PutObject, in order (key), including the ones refused by If-None-Match. */
  readonly puts: string[];
  /** Bodies under a prefix, parsed as JSON, in key order. */
  bodiesUnder(prefix: string): Record<string, unknown>[];
}

/** The part of the SDK's streaming body the adapters use. */
function body(text: string): { transformToString(): Promise<string> } {
  return { transformToString: () => Promise.resolve(text) };
}

export function installS3BucketFake(initial: Iterable<[string, string]> = []): S3BucketFake {
  const mock = mockClient(S3Client);
  const objects = new Map<string, string>(initial);
  const puts: string[] = [];

  mock.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: unknown; IfNoneMatch?: string }) => {
    const key = input.Key ?? '';
    puts.push(key);
    if (input.IfNoneMatch === '*' && objects.has(key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      });
    }
    objects.set(key, String(input.Body));
    return { ETag: `"${puts.length}"` };
  });
  mock.on(HeadObjectCommand).callsFake((input: { Key?: string }) => {
    const text = objects.get(input.Key ?? '');
    if (text === undefined) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return { ContentLength: Buffer.byteLength(text) };
  });
  mock.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
    const text = objects.get(input.Key ?? '');
    if (text === undefined)
      throw new NoSuchKey({
        message: 'The specified key does not exist.',
        $metadata: { httpStatusCode: 404 },
      });
    return { Body: body(text), ContentLength: Buffer.byteLength(text) };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => {
    const prefix = input.Prefix ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    return { KeyCount: keys.length, IsTruncated: false, Contents: keys.map((Key) => ({ Key })) };
  });

  return {
    mock,
    objects,
    puts,
    bodiesUnder(prefix) {
      return [...objects.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, text]) => JSON.parse(text) as Record<string, unknown>);
    },
  };
}
