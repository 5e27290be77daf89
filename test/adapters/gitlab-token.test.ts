import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveGitLabToken } from '../../lib/adapters/gitlab-token';
import { ConfigError, EnvironmentError } from '../../lib/core/errors';

const TOKEN = 'glpat-Ab12Cd34Ef56Gh78Ij90';

describe('resolveGitLabToken', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gitlab-token-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads {env} from the given environment', async () => {
    await expect(
      resolveGitLabToken({ env: 'ACME_GITLAB_TOKEN' }, { env: { ACME_GITLAB_TOKEN: ` ${TOKEN}\n` } }),
    ).resolves.toBe(TOKEN);
  });

  it('throws an EnvironmentError naming a missing variable, without any token in it', async () => {
    const error = await resolveGitLabToken({ env: 'ACME_GITLAB_TOKEN' }, { env: { OTHER: TOKEN } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).toMatchObject({ variable: 'ACME_GITLAB_TOKEN' });
    expect(String(error)).not.toContain(TOKEN);
  });

  it('treats an empty variable as missing', async () => {
    await expect(
      resolveGitLabToken({ env: 'ACME_GITLAB_TOKEN' }, { env: { ACME_GITLAB_TOKEN: '  ' } }),
    ).rejects.toBeInstanceOf(EnvironmentError);
  });

  it('reads {file} and trims it', async () => {
    const file = join(dir, 'token');
    await writeFile(file, `${TOKEN}\n`);
    await expect(resolveGitLabToken({ file }, { env: {} })).resolves.toBe(TOKEN);
  });

  it('throws a ConfigError naming the key for a missing or empty file', async () => {
    const missing = await resolveGitLabToken(
      { file: join(dir, 'absent') },
      { env: {}, key: 'trustedIssuers[0].token' },
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing).toMatchObject({
      key: 'trustedIssuers[0].token.file',
      message: expect.stringContaining('ENOENT'),
    });
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    await expect(resolveGitLabToken({ file: empty }, { env: {} })).rejects.toBeInstanceOf(ConfigError);
  });

  it('throws a ConfigError for an unreadable file', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file; a directory is unreadable as a file for everyone.
      await expect(resolveGitLabToken({ file: dir }, { env: {} })).rejects.toBeInstanceOf(ConfigError);
      return;
    }
    const file = join(dir, 'locked');
    await writeFile(file, TOKEN);
    await chmod(file, 0o000);
    await expect(resolveGitLabToken({ file }, { env: {} })).rejects.toBeInstanceOf(ConfigError);
  });

  it('falls back to GITLAB_TOKEN, then to anonymous, when no source is configured', async () => {
    await expect(resolveGitLabToken(undefined, { env: { GITLAB_TOKEN: TOKEN } })).resolves.toBe(TOKEN);
    await expect(resolveGitLabToken(undefined, { env: {} })).resolves.toBeUndefined();
  });

  it('resolves secrets through the injected reader', async () => {
    const readSecret = jest.fn(async () => `${TOKEN}\n`);
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-read-api-AbCdEf';
    await expect(resolveGitLabToken({ secretArn: arn }, { env: {}, readSecret })).resolves.toBe(TOKEN);
    await expect(
      resolveGitLabToken({ secretName: 'gitlab-read-api' }, { env: {}, readSecret }),
    ).resolves.toBe(TOKEN);
    expect(readSecret.mock.calls).toEqual([[arn], ['gitlab-read-api']]);
  });

  it('throws a ConfigError for secret sources without a reader, or an empty secret', async () => {
    await expect(resolveGitLabToken({ secretName: 'gitlab-read-api' }, { env: {} })).rejects.toMatchObject({
      key: 'token.secretName',
    });
    await expect(
      resolveGitLabToken({ secretName: 'gitlab-read-api' }, { env: {}, readSecret: async () => '' }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
