import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { parseConfig } from '../../lib/core/config';
import type { RoleSourceItem } from '../../lib/core/trust-policy/source';
import {
  auditTargets,
  iamClientFactory,
  liveRoleSource,
  type AuditTarget,
} from '../../lib/adapters/iam-roles';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const orgs = mockClient(OrganizationsClient);

const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/gitlab.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    ],
  }),
);

function role(account: string, name: string) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase()}`,
    Arn: `arn:aws:iam::${account}:role/${name}`,
    CreateDate: new Date('2025-01-01T00:00:00Z'),
    AssumeRolePolicyDocument: TRUST,
  };
}

function auditSettings(audit: object) {
  return parseConfig({
    trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
    productionRoles: [
      { name: 'p', roleArns: ['arn:aws:iam::*:role/p'], allowedProjectIds: [1], allowedAudiences: ['a'] },
    ],
    audit,
  }).audit;
}

async function collect(source: AsyncIterable<RoleSourceItem>): Promise<RoleSourceItem[]> {
  const out: RoleSourceItem[] = [];
  for await (const i of source) out.push(i);
  return out;
}

beforeEach(() => {
  iam.reset();
  sts.reset();
  orgs.reset();
});

describe('auditTargets', () => {
  it('reads only the current account without a member role', async () => {
    expect(
      await auditTargets(auditSettings({}), { organizations: () => new OrganizationsClient({}) }),
    ).toEqual([{ accountId: null, roleArn: null }]);
    expect(orgs).not.toHaveReceivedCommand(ListAccountsCommand);
  });

  it('adds the ACTIVE accounts of the organization (paginated) to the configured ones, minus exclusions', async () => {
    orgs
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: '222222222222', State: 'ACTIVE' },
          { Id: '333333333333', State: 'SUSPENDED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Accounts: [
          { Id: '444444444444', Status: 'ACTIVE' },
          { Id: '555555555555', State: 'ACTIVE' },
        ],
      });
    const targets = await auditTargets(
      auditSettings({
        memberRoleName: 'OidcWatchAudit',
        accounts: ['111111111111'],
        organizationAccounts: true,
        excludeAccounts: ['555555555555'],
      }),
      { organizations: () => new OrganizationsClient({}) },
    );
    expect(targets).toEqual(
      ['111111111111', '222222222222', '444444444444'].map((a) => ({
        accountId: a,
        roleArn: `arn:aws:iam::${a}:role/OidcWatchAudit`,
      })),
    );
    expect(orgs).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(orgs.commandCalls(ListAccountsCommand)[1]?.args[0].input).toEqual({ NextToken: 'page-2' });
  });
});

describe('liveRoleSource', () => {
  const factory = iamClientFactory({ sts: () => new STSClient({}), defaultIam: () => new IAMClient({}) });

  it('pages through ListRoles with the default credentials', async () => {
    iam
      .on(ListRolesCommand)
      .resolvesOnce({ Roles: [role('111111111111', 'a')], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ Roles: [role('111111111111', 'b')], IsTruncated: false });
    const items = await collect(liveRoleSource([{ accountId: null, roleArn: null }], factory));
    expect(items.map((i) => (i.kind === 'role' ? i.role.roleName : i.message))).toEqual(['a', 'b']);
    expect(items[0]).toMatchObject({ kind: 'role', role: { accountId: '111111111111', trustPolicy: TRUST } });
    expect(iam.commandCalls(ListRolesCommand)[1]?.args[0].input).toEqual({ Marker: 'm1', MaxItems: 1000 });
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('assumes the member role in each account and reports an account it cannot enter, reading the others', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
      name: 'AccessDenied',
    });
    sts
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::222222222222:role/OidcWatchAudit' })
      .rejects(denied)
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/OidcWatchAudit' })
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIAEXAMPLE',
          SecretAccessKey: 'secret-never-printed',
          SessionToken: 'token-never-printed',
          Expiration: new Date('2030-01-01T00:00:00Z'),
        },
      });
    iam.on(ListRolesCommand).resolves({ Roles: [role('333333333333', 'deploy')] });
    const targets: AuditTarget[] = ['222222222222', '333333333333'].map((a) => ({
      accountId: a,
      roleArn: `arn:aws:iam::${a}:role/OidcWatchAudit`,
    }));
    const items = await collect(liveRoleSource(targets, factory));
    expect(items[0]).toEqual({
      kind: 'error',
      source: 'iam:222222222222',
      message:
        'could not list the roles (through arn:aws:iam::222222222222:role/OidcWatchAudit): AccessDenied: User is not authorized to perform: sts:AssumeRole',
    });
    expect(items[1]).toMatchObject({ kind: 'role', role: { arn: 'arn:aws:iam::333333333333:role/deploy' } });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::333333333333:role/OidcWatchAudit',
      RoleSessionName: 'oidc-watch-audit',
      DurationSeconds: 900,
    });
    expect(JSON.stringify(items)).not.toContain('never-printed');
  });

  it('reports a ListRoles failure in the middle of the pages after the roles already read', async () => {
    iam
      .on(ListRolesCommand)
      .resolvesOnce({ Roles: [role('111111111111', 'a')], IsTruncated: true, Marker: 'm1' })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const items = await collect(liveRoleSource([{ accountId: null, roleArn: null }], factory));
    expect(items.map((i) => i.kind)).toEqual(['role', 'error']);
    expect(items[1]).toMatchObject({ message: expect.stringContaining('Throttling: Rate exceeded') });
  });

  it('reports a role IAM returned without its trust policy', async () => {
    iam
      .on(ListRolesCommand)
      .resolves({ Roles: [{ ...role('111111111111', 'a'), AssumeRolePolicyDocument: undefined }] });
    const items = await collect(liveRoleSource([{ accountId: null, roleArn: null }], factory));
    expect(items).toEqual([
      expect.objectContaining({ kind: 'error', message: expect.stringContaining('no trust policy') }),
    ]);
  });
});
