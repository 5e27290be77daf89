/**
 * The trust-policy audit against moto's IAM and STS (real HTTP on loopback), with the GitLab stand-in: roles created
 * through the IAM API come back from ListRoles (paginated, URL-encoded trust policies) and are judged exactly as the
 * same roles read from an exported account file; a member account is read through sts:AssumeRole.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEMO_GITLAB, demoConfig } from '../../examples/demo/scenarios';
import { main } from '../../functions/cli/main';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';
import { startMoto, type Moto } from './support/moto';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'examples', 'audit', 'account-123456789012.json');
const MEMBER = '111111111111';

interface SampleRole {
  RoleName: string;
  Path: string;
  AssumeRolePolicyDocument: object;
}

let moto: Moto;
let gitlab: GitLabStandin;
let dir: string;
const savedEnv = { ...process.env };

async function audit(
  configExtra: object,
  args: string[],
): Promise<{ code: number; reports: Record<string, unknown>[]; stderr: string }> {
  const configPath = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify({ ...demoConfig(gitlab.apiUrl), ...configExtra }));
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(['audit', '--config', configPath, '--format', 'json', ...args], {
    stdin,
    stdout: out,
    stderr: err,
    env: { ...process.env, GITLAB_TOKEN: gitlab.token },
    cwd: ROOT,
  });
  const reports = stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, reports, stderr };
}

async function createRoles(iam: IAMClient, roles: readonly SampleRole[], account: string): Promise<void> {
  for (const r of roles) {
    const document = JSON.stringify(r.AssumeRolePolicyDocument).replaceAll('123456789012', account);
    await iam.send(
      new CreateRoleCommand({ RoleName: r.RoleName, Path: r.Path, AssumeRolePolicyDocument: document }),
    );
  }
}

beforeAll(async () => {
  moto = await startMoto();
  gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
  dir = mkdtempSync(join(tmpdir(), 'oidc-watch-iam-'));
  // The SDK's standard endpoint variables: the CLI's own default clients talk to moto, no test-only code path.
  Object.assign(process.env, moto.env);
  const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { RoleDetailList: SampleRole[] };
  await createRoles(new IAMClient(moto.clientConfig), sample.RoleDetailList, '123456789012');
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
  await gitlab.close();
  await moto.stop();
});

describe('oidc-watch audit against moto IAM', () => {
  it('judges the roles ListRoles returns exactly as the exported account file', async () => {
    const live = await audit({}, []);
    const offline = await audit({}, ['--from', SAMPLE]);
    expect(live.stderr).toContain('0 error(s)');
    const view = (r: Record<string, unknown>) => ({
      roleArn: r.roleArn,
      status: r.status,
      findings: r.findings,
    });
    const byArn = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.roleArn).localeCompare(String(b.roleArn));
    expect(live.reports.sort(byArn).map(view)).toEqual(offline.reports.sort(byArn).map(view));
    expect(live.reports).toHaveLength(7);
    expect(live.code).toBe(1);
  });

  it('reads a member account through sts:AssumeRole into the configured audit role', async () => {
    const sts = new STSClient(moto.clientConfig);
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${MEMBER}:role/OidcWatchAudit`,
        RoleSessionName: 'setup',
      }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error('moto returned no credentials');
    const memberIam = new IAMClient({
      ...moto.clientConfig,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
      },
    });
    const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { RoleDetailList: SampleRole[] };
    await createRoles(
      memberIam,
      sample.RoleDetailList.filter((r) => r.RoleName === 'ci-cache-writer'),
      MEMBER,
    );

    const r = await audit({ audit: { memberRoleName: 'OidcWatchAudit', accounts: [MEMBER] } }, []);
    expect(r.reports.map((x) => [x.accountId, x.roleName, x.status])).toEqual([
      [MEMBER, 'ci-cache-writer', 'exposed'],
    ]);
  });
});
