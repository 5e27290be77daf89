/** `oidc-watch coverage` over mocked Organizations, STS and per-account EventBridge clients. */
import { PassThrough } from 'node:stream';
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type Rule,
} from '@aws-sdk/client-eventbridge';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runCoverage } from '../../functions/cli/commands/coverage';
import type { CliIo } from '../../functions/cli/io';
import { type AwsCredentials, createCoverageReader } from '../../lib/adapters/coverage';

const MANAGEMENT = '111111111111';
const FORWARDING = '222222222222';
const WRONG_STATE = '333333333333';
const DENIED = '444444444444';
const CENTRAL = `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/GitLabOidcWatch-organization`;
const PATTERN = JSON.stringify({
  source: ['aws.sts'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
});

const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
let eventBridgeCalls: { account: string; region: string }[];

/** One EventBridge client per account and region, each mocked with what that account has deployed. */
function eventBridgeFor(region: string, credentials: AwsCredentials | undefined): EventBridgeClient {
  const account = credentials === undefined ? MANAGEMENT : credentials.accessKeyId.replace('AKIA', '');
  eventBridgeCalls.push({ account, region });
  const client = new EventBridgeClient({ region });
  const mock = mockClient(client);
  const rules = {
    [MANAGEMENT]: [
      {
        Name: 'GitLabOidcWatch-WebIdentityRule',
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        EventPattern: PATTERN,
      },
    ],
    [FORWARDING]:
      region === 'us-east-1'
        ? [
            { Name: 'unrelated', State: 'ENABLED', ScheduleExpression: 'rate(1 day)' },
            {
              Name: 'GitLabOidcWatchForwarder-Rule',
              State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
              EventPattern: PATTERN,
            },
          ]
        : [],
    [WRONG_STATE]: [{ Name: 'hand-made', State: 'ENABLED', EventPattern: PATTERN }],
  }[account];
  mock.on(ListRulesCommand).resolves({ Rules: (rules ?? []) as Rule[] });
  mock.on(ListTargetsByRuleCommand).callsFake((input: { Rule?: string }) => ({
    Targets: [
      input.Rule === 'GitLabOidcWatch-WebIdentityRule'
        ? { Id: 'fn', Arn: `arn:aws:lambda:${region}:${MANAGEMENT}:function:GitLabOidcWatch-Correlator` }
        : { Id: 'bus', Arn: CENTRAL },
    ],
  }));
  return client;
}

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return {
    io: { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd() },
    out: () => o,
    err: () => e,
  };
}

beforeEach(() => {
  eventBridgeCalls = [];
  organizations.reset();
  sts.reset();
  organizations.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === undefined
      ? {
          Accounts: [
            { Id: MANAGEMENT, Name: 'management', State: 'ACTIVE' },
            { Id: FORWARDING, Name: 'payments-prod', State: 'ACTIVE' },
          ],
          NextToken: 'page-2',
        }
      : {
          Accounts: [
            { Id: WRONG_STATE, Name: 'legacy \u001b[31mred', State: 'ACTIVE' },
            { Id: DENIED, Name: 'sandbox', State: 'ACTIVE' },
            { Id: '555555555555', Name: 'closed', State: 'CLOSED' },
          ],
        },
  );
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/auditor` });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string }) => {
    const account = input.RoleArn?.split(':')[4] ?? '';
    if (account === DENIED)
      throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
    return {
      Credentials: {
        AccessKeyId: `AKIA${account}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(),
      },
    };
  });
});

function reader() {
  return createCoverageReader({
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    sts: new STSClient({ region: 'us-east-1' }),
    roleName: 'GitLabOidcWatchCoverageReader',
    eventBridgeFor,
  });
}

interface Row {
  accountId: string;
  region: string;
  status: string;
  detail: string;
}

describe('oidc-watch coverage', () => {
  it('lists every active account × region with what its deployed rules do, and exits 1 on gaps', async () => {
    const cli = io();
    const code = await runCoverage(
      ['--region', 'us-east-1', '--region', 'eu-west-1', '--central-bus', CENTRAL, '--format', 'json'],
      cli.io,
      { reader: reader() },
    );

    expect(code).toBe(1);
    const rows = cli
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(rows.map((r) => [r.accountId, r.region, r.status])).toEqual([
      [MANAGEMENT, 'us-east-1', 'local'],
      [MANAGEMENT, 'eu-west-1', 'local'],
      [FORWARDING, 'us-east-1', 'forwarding'],
      [FORWARDING, 'eu-west-1', 'missing'],
      [WRONG_STATE, 'us-east-1', 'wrong-state'],
      [WRONG_STATE, 'eu-west-1', 'wrong-state'],
      [DENIED, 'us-east-1', 'unreadable'],
      [DENIED, 'eu-west-1', 'unreadable'],
    ]);
    expect(rows.find((r) => r.accountId === DENIED)?.detail).toContain('AccessDenied');
    expect(cli.err()).toContain('4 accounts × 2 regions: 3 covered, 5 gaps');
  });

  it('assumes the named role once per member account, never in its own account', async () => {
    await runCoverage(['--region', 'us-east-1', '--region', 'eu-west-1'], io().io, { reader: reader() });

    const roles = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn);
    expect(roles).toEqual([
      `arn:aws:iam::${FORWARDING}:role/GitLabOidcWatchCoverageReader`,
      `arn:aws:iam::${WRONG_STATE}:role/GitLabOidcWatchCoverageReader`,
      `arn:aws:iam::${DENIED}:role/GitLabOidcWatchCoverageReader`,
    ]);
    expect(eventBridgeCalls).toContainEqual({ account: MANAGEMENT, region: 'eu-west-1' });
  });

  it('prints a table with control characters from account names removed, and exits 0 when all is covered', async () => {
    const cli = io();
    const code = await runCoverage(
      ['--region', 'us-east-1', '--account', MANAGEMENT, '--account', FORWARDING],
      cli.io,
      { reader: reader() },
    );

    expect(code).toBe(0);
    expect(cli.out().split('\n')[0]).toMatch(/^ACCOUNT\s+NAME\s+REGION\s+STATUS\s+DETAIL$/);
    expect(cli.out()).toContain('forwarding');

    const hostile = io();
    await runCoverage(['--region', 'us-east-1', '--account', WRONG_STATE], hostile.io, { reader: reader() });
    expect(hostile.out()).toContain('legacy');
    expect(hostile.out()).not.toContain('\u001b');
  });

  it('needs at least one region', async () => {
    await expect(runCoverage([], io().io, { reader: reader() })).rejects.toThrow('--region');
  });
});
