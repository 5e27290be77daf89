import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecretReader, SecretReadError } from '../../lib/adapters/secrets';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf';
const TOKEN = 'glpat-EXAMPLEexampleEXAMPLE';

beforeEach(() => sm.reset());

describe('createSecretReader', () => {
  it('caches a secret for five minutes, then reads it again', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
    let now = 1_000_000;
    const read = createSecretReader(new SecretsManagerClient({ region: 'us-east-1' }), { now: () => now });
    await expect(read(ARN)).resolves.toBe(TOKEN);
    now += 4 * 60 * 1000;
    await expect(read(ARN)).resolves.toBe(TOKEN);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    now += 2 * 60 * 1000;
    await read(ARN);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('shares one request between concurrent readers', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
    const read = createSecretReader(new SecretsManagerClient({ region: 'us-east-1' }));
    await Promise.all([read(ARN), read(ARN), read(ARN)]);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('does not cache a failure and names the secret, not its value', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(
        new ResourceNotFoundException({
          $metadata: {},
          message: 'Secrets Manager cannot find the specified secret.',
        }),
      )
      .resolves({ SecretString: TOKEN });
    const read = createSecretReader(new SecretsManagerClient({ region: 'us-east-1' }));
    const error = await read(ARN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretReadError);
    expect((error as SecretReadError).message).toContain(ARN);
    await expect(read(ARN)).resolves.toBe(TOKEN);
  });

  it('refuses a binary or empty secret without echoing anything', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const read = createSecretReader(new SecretsManagerClient({ region: 'us-east-1' }));
    await expect(read(ARN)).rejects.toThrow(/has no string value/);
  });
});
