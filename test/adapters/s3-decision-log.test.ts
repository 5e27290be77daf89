import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3DecisionLog } from '../../lib/adapters/s3-decision-log';
import { decisionEntry } from '../../lib/core/dispatch';
import { PublishError } from '../../lib/core/errors';
import type { PublicationOutcome } from '../../lib/core/ports';
import type { Verdict } from '../../lib/core/verdict';
import { makeVerdict } from '../core/render/verdict-fixture';
import { installS3BucketFake } from './s3-bucket-fake';

const BUCKET = 'gitlab-oidc-watch-decisions-123456789012';
const EVENT = '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f';
const NONE: PublicationOutcome = {
  action: 'none',
  reason: 'nothing-to-tell',
  sequence: 0,
  messageId: null,
  refersTo: null,
  standing: null,
};

const entry = (v: Verdict, recordedAt = '2025-04-16T02:47:01.250Z') =>
  decisionEntry(v, NONE, 'live', recordedAt);

function log(nonces: string[] = []) {
  let n = 0;
  return createS3DecisionLog(new S3Client({ region: 'us-east-1' }), {
    bucket: BUCKET,
    prefix: 'decisions/',
    nonce: () => nonces.shift() ?? `n${String(n++).padStart(4, '0')}`,
  });
}

describe('createS3DecisionLog', () => {
  it('appends one line of JSON per evaluation under the event-date partition, conditionally', async () => {
    const bucket = installS3BucketFake();
    try {
      const verdict = makeVerdict({ verdict: 'ok', findings: [] });
      await log(['a1b2c3d4']).append(entry(verdict));
      const input = bucket.mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        Bucket: BUCKET,
        Key: `decisions/dt=2025-04-16/${EVENT}.20250416T024701250Z.ok.a1b2c3d4.json`,
        ContentType: 'application/json',
        IfNoneMatch: '*',
      });
      expect(input?.ServerSideEncryption).toBeUndefined();
      const body = String(input?.Body);
      expect(body.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(body)).toMatchObject({
        ...verdict,
        recordId: '20250416T024701250Z.ok.a1b2c3d4',
        trigger: 'live',
        publication: { action: 'none' },
      });
    } finally {
      bucket.mock.restore();
    }
  });

  it('never overwrites: a taken key is retried under a new nonce', async () => {
    const bucket = installS3BucketFake();
    try {
      const decisions = log(['samekey1', 'samekey1', 'otherkey']);
      await decisions.append(entry(makeVerdict()));
      await decisions.append(entry(makeVerdict()));
      expect(bucket.objects.size).toBe(2);
      expect(bucket.puts).toHaveLength(3);
    } finally {
      bucket.mock.restore();
    }
  });

  it('reports a failed write as PublishError', async () => {
    const s3 = mockClient(S3Client);
    try {
      s3.on(PutObjectCommand).rejects(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'AccessDenied',
        }),
      );
      await expect(log().append(entry(makeVerdict()))).rejects.toBeInstanceOf(PublishError);
    } finally {
      s3.restore();
    }
  });

  it("reads an event's history from one listing, oldest first, including the single object of the old layout", async () => {
    const bucket = installS3BucketFake([
      [`decisions/dt=2025-04-16/${EVENT}.json`, '{"verdict":"unverified"}\n'],
      // Another event whose id starts with this one's must not be read as part of its history.
      [`decisions/dt=2025-04-16/${EVENT}0.20250416T024701250Z.ok.abcd1234.json`, '{}\n'],
    ]);
    try {
      const decisions = log();
      await decisions.append(entry(makeVerdict({ verdict: 'unverified' }), '2025-04-16T03:00:00.000Z'));
      await decisions.append(entry(makeVerdict({ verdict: 'alert' }), '2025-04-16T04:00:00.000Z'));
      await expect(decisions.history(EVENT, '2025-04-16T02:46:56Z')).resolves.toEqual([
        'unverified',
        'alert',
        'unverified',
      ]);
      await expect(decisions.history('no-such-event', '2025-04-16T02:46:56Z')).resolves.toEqual([]);
    } finally {
      bucket.mock.restore();
    }
  });
});
