import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3DecisionLog } from '../../lib/adapters/s3-decision-log';
import { PublishError } from '../../lib/core/errors';
import { makeVerdict } from '../core/render/verdict-fixture';

const s3 = mockClient(S3Client);
const BUCKET = 'gitlab-oidc-watch-decisions-123456789012';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

beforeEach(() => s3.reset());

describe('createS3DecisionLog', () => {
  const log = () =>
    createS3DecisionLog(new S3Client({ region: 'us-east-1' }), { bucket: BUCKET, prefix: 'decisions/' });

  it('writes one line of JSON under the event-date partition', async () => {
    s3.on(PutObjectCommand).resolves({});
    const verdict = makeVerdict({ verdict: 'ok', findings: [] });
    await log().record(verdict);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: 'decisions/dt=2025-04-16/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f.json',
      ContentType: 'application/json',
    });
    expect(input?.ServerSideEncryption).toBeUndefined();
    const body = String(input?.Body);
    expect(body.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(body)).toEqual(verdict);
  });

  it('reports a failed write as PublishError', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(log().record(makeVerdict())).rejects.toBeInstanceOf(PublishError);
  });

  it('answers has() from HeadObject: found, NotFound, and errors that cannot tell', async () => {
    s3.on(HeadObjectCommand)
      .resolvesOnce({})
      .rejectsOnce(s3Error('NotFound', 404))
      .rejectsOnce(s3Error('Forbidden', 403));
    const decisions = log();
    await expect(decisions.has('3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f', '2025-04-16T02:46:56Z')).resolves.toBe(
      true,
    );
    await expect(decisions.has('3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f', '2025-04-16T02:46:56Z')).resolves.toBe(
      false,
    );
    await expect(
      decisions.has('3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f', '2025-04-16T02:46:56Z'),
    ).rejects.toMatchObject({ name: 'Forbidden' });
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input.Key).toBe(
      'decisions/dt=2025-04-16/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f.json',
    );
  });
});
