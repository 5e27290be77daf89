import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { DEMO_GITLAB, demoConfig } from '../../examples/demo/scenarios';
import { main } from '../../functions/cli/main';
import type { CliIo } from '../../functions/cli/io';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'examples', 'audit', 'account-123456789012.json');
const ENCODED = join(ROOT, 'test', 'fixtures', 'iam', 'authorization-details-url-encoded.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], env: NodeJS.ProcessEnv, tty = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdin, stdout: out, stderr: err, env, cwd: ROOT };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function lines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('oidc-watch audit (real HTTP to the GitLab stand-in)', () => {
  let gitlab: GitLabStandin;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-audit-'));
    configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(demoConfig(gitlab.apiUrl)));
    env = { GITLAB_TOKEN: gitlab.token };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
  });

  it('prints one JSON line per GitLab role with the documented fields, and exits 1 when a role is exposed', async () => {
    const r = await run(['audit', '--config', configPath, '--from', SAMPLE, '--format', 'json'], env);
    expect(r.code).toBe(1);
    const reports = lines(r.stdout);
    expect(reports.map((x) => x.roleName)).toEqual([
      'prod-deploy',
      'prod-payments-deployer',
      'ci-cache-writer',
      'legacy-tools-deployer',
      'vendor-scanner-role',
      'release-notes-publisher',
      'deploy-preview-reader',
    ]);
    for (const x of reports) {
      expect(Object.keys(x)).toEqual(
        expect.arrayContaining(['roleArn', 'accountId', 'watched', 'status', 'admits', 'findings']),
      );
      expect('suggestedTrustPolicy' in x).toBe(x.status === 'exposed');
    }
    const byName = new Map(reports.map((x) => [x.roleName, x]));
    const codes = (name: string) => (byName.get(name)?.findings as { code: string }[]).map((f) => f.code);
    expect(codes('prod-payments-deployer')).toContain('PROJECT_PATH_REASSIGNED');
    expect(codes('legacy-tools-deployer')).toContain('PROJECT_PATH_UNCLAIMED');
    expect(codes('vendor-scanner-role')).toEqual(
      expect.arrayContaining(['WRONG_HOST_CONDITION_KEY', 'SUB_CONDITION_MISSING']),
    );
    expect(codes('ci-cache-writer')).toEqual(
      expect.arrayContaining(['SUB_ADMITS_OTHER_PROJECTS', 'UNWATCHED_EXPOSED_ROLE']),
    );
    expect(byName.get('prod-deploy')).toMatchObject({ watched: true, status: 'exposed' });
    expect(byName.get('deploy-preview-reader')).toMatchObject({
      watched: false,
      status: 'hardened',
      findings: [],
    });
    expect(byName.get('release-notes-publisher')).toMatchObject({ status: 'review' });
    expect(codes('release-notes-publisher')).toEqual(['AUD_GENERIC']);
    expect(r.stderr).toMatch(
      /9 role\(s\) read; 7 GitLab role\(s\) audited: 5 exposed, 1 review, 1 hardened; 1 role\(s\) for other identity providers/,
    );
  });

  it('prints a table on a terminal', async () => {
    const r = await run(['audit', '-c', configPath, '--from', SAMPLE], env, true);
    const [header, , first] = r.stdout.split('\n');
    expect(header).toMatch(
      /^STATUS\s+SEVERITY\s+ACCOUNT\s+ROLE\s+WATCHED\s+PROJECTS\s+REFS\s+AUDIENCES\s+FINDINGS$/,
    );
    expect(first).toContain('EXPOSED');
    expect(first).toContain('prod-deploy');
  });

  it('prints CSV, and reads URL-encoded trust policies from the raw API form', async () => {
    const r = await run(['audit', '-c', configPath, '--from', ENCODED, '--format', 'csv'], env);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe(
      'account_id,role_arn,role_name,watched,production_role,status,severity,projects,refs,ref_types,audiences,finding_codes',
    );
    expect(rows).toHaveLength(4);
    expect(rows[3]).toContain('ci-cache-writer');
  });

  it('exits 0 when no role is exposed', async () => {
    const hardened = join(dir, 'hardened.json');
    const sample = (await import(SAMPLE)) as { RoleDetailList: { RoleName: string }[] };
    writeFileSync(
      hardened,
      JSON.stringify({
        RoleDetailList: sample.RoleDetailList.filter((x) => x.RoleName === 'deploy-preview-reader'),
      }),
    );
    const r = await run(['audit', '-c', configPath, '--from', hardened, '--format', 'json'], env);
    expect(r.code).toBe(0);
  });

  it('sets the error bit when an input cannot be read, still reporting the rest (3 = exposed roles and errors)', async () => {
    const r = await run(
      ['audit', '-c', configPath, '--from', join(dir, 'missing.json'), '--from', SAMPLE, '-f', 'json'],
      env,
    );
    expect(r.code).toBe(3);
    const alone = await run(
      ['audit', '-c', configPath, '--from', join(dir, 'missing.json'), '-f', 'json'],
      env,
    );
    expect(alone.code).toBe(2);
    expect(r.stderr).toContain('missing.json: cannot read');
    expect(lines(r.stdout)).toHaveLength(7);
  });

  it('reads live IAM with the default credentials when no --from is given (IAM mocked at the client)', async () => {
    const iam = mockClient(IAMClient);
    try {
      const sample = (await import(SAMPLE)) as { RoleDetailList: { AssumeRolePolicyDocument: object }[] };
      iam.on(ListRolesCommand).resolves({
        Roles: sample.RoleDetailList.slice(0, 2).map((x) => ({
          ...(x as unknown as { RoleName: string; Arn: string; Path: string; RoleId: string }),
          CreateDate: new Date('2025-01-01T00:00:00Z'),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(x.AssumeRolePolicyDocument)),
        })),
      });
      const r = await run(['audit', '-c', configPath, '-f', 'json'], { ...env, AWS_REGION: 'us-east-1' });
      expect(lines(r.stdout).map((x) => x.roleName)).toEqual(['prod-deploy', 'prod-payments-deployer']);
      expect(iam).toHaveReceivedCommand(ListRolesCommand);
    } finally {
      iam.restore();
    }
  });

  it('runs without GitLab and without a token with --offline, reporting what it could not tell', async () => {
    const r = await run(['audit', '-c', configPath, '--from', SAMPLE, '--offline', '-f', 'json'], {});
    const reports = lines(r.stdout);
    expect(reports).toHaveLength(7);
    const hardened = reports.find((x) => x.roleName === 'deploy-preview-reader');
    expect(hardened).toMatchObject({
      status: 'review',
      findings: [expect.objectContaining({ code: 'AUDIT_INCOMPLETE' })],
    });
    expect(r.stderr).toContain('0 GitLab request(s)');
  });

  it('rejects an unknown format with a usage error', async () => {
    const r = await run(['audit', '-c', configPath, '--from', SAMPLE, '--format', 'yaml'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be json, table or csv');
  });

  it('prints help', async () => {
    const r = await run(['audit', '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: oidc-watch audit');
  });
});
