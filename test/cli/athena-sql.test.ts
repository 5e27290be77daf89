import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../functions/cli/main';

const ROOT = join(__dirname, '..', '..');

async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await main(argv, { stdin: new PassThrough(), stdout: out, stderr: err, env, cwd: ROOT });
  return { code, stdout, stderr };
}

describe('oidc-watch athena-sql', () => {
  it('prints the CloudTrail and decision tables, the latest-verdict view and the five named queries', async () => {
    const r = await run([
      'athena-sql',
      '-c',
      'examples/oidc-watch.config.yaml',
      '--decision-bucket',
      'example-decisions',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE EXTERNAL TABLE `oidc_watch`.`cloudtrail_logs`');
    expect(r.stdout).toContain(
      "'storage.location.template' = 's3://example-org-cloudtrail/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'",
    );
    expect(r.stdout).toContain('CREATE EXTERNAL TABLE `oidc_watch`.`decisions`');
    expect(r.stdout).toContain('CREATE OR REPLACE VIEW "oidc_watch"."decisions_latest" AS');
    expect(r.stdout.match(/^-- Named query: /gm)).toHaveLength(5);
  });

  it('leaves the decision table out when no bucket is known', async () => {
    const r = await run(['athena-sql', '-c', 'examples/oidc-watch.config.yaml']);
    expect(r.stdout).not.toContain('`decisions`');
  });

  it('explains, with exit 2, that the config needs a deployment.athena section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oidc-watch-athena-sql-'));
    try {
      const cfg = join(dir, 'c.json');
      writeFileSync(
        cfg,
        JSON.stringify({
          trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
          productionRoles: [
            {
              name: 'p',
              roleArns: ['arn:aws:iam::*:role/p'],
              allowedProjectIds: [1],
              allowedAudiences: ['https://gitlab.com'],
            },
          ],
        }),
      );
      const r = await run(['athena-sql', '-c', cfg]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('has no deployment.athena section');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
