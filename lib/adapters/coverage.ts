/**
 * Reads what coverage needs from AWS: the organization's accounts (Organizations ListAccounts, from the management
 * account or a delegated administrator) and, per account and region, the default bus's rules and their targets
 * (EventBridge ListRules / ListTargetsByRule) through a role assumed in that account. Read-only throughout.
 * See: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * See: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html
 */
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type Rule,
} from '@aws-sdk/client-eventbridge';
import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { DeployedRule } from '../core/coverage';

export interface OrganizationAccount {
  readonly id: string;
  readonly name: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE... (the `State` field; `Status` was retired in September 2026). */
  readonly state: string;
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface CoverageReaderDeps {
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
  /** Role to assume in each member account (read-only: events:ListRules, events:ListTargetsByRule). */
  readonly roleName: string;
  /** Builds the EventBridge client for one account and region; credentials undefined = the caller's own. */
  readonly eventBridgeFor?: (region: string, credentials: AwsCredentials | undefined) => EventBridgeClient;
}

export interface CoverageReader {
  listAccounts(): Promise<OrganizationAccount[]>;
  readRules(accountId: string, region: string): Promise<DeployedRule[]>;
}

function defaultEventBridge(region: string, credentials: AwsCredentials | undefined): EventBridgeClient {
  return new EventBridgeClient(credentials === undefined ? { region } : { region, credentials });
}

async function listAllRules(client: EventBridgeClient): Promise<Rule[]> {
  const rules: Rule[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListRulesCommand({ EventBusName: 'default', NextToken: nextToken }));
    rules.push(...(page.Rules ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return rules;
}

async function targetArns(client: EventBridgeClient, rule: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListTargetsByRuleCommand({ Rule: rule, EventBusName: 'default', NextToken: nextToken }),
    );
    for (const target of page.Targets ?? []) if (target.Arn !== undefined) arns.push(target.Arn);
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return arns;
}

/**
 * Credentials per member account, assumed once (`roleName` in that account) and shared by its regions. The caller's
 * own account needs no role (and the management account has no OrganizationAccountAccessRole).
 */
function memberCredentials(
  deps: CoverageReaderDeps,
): (accountId: string) => Promise<AwsCredentials | undefined> {
  const credentials = new Map<string, Promise<AwsCredentials | undefined>>();
  let caller: Promise<{ account: string; partition: string }> | undefined;
  const whoAmI = (): Promise<{ account: string; partition: string }> => {
    caller ??= deps.sts.send(new GetCallerIdentityCommand({})).then((identity) => ({
      account: identity.Account ?? '',
      partition: identity.Arn?.split(':')[1] ?? 'aws',
    }));
    return caller;
  };
  return (accountId) => {
    let pending = credentials.get(accountId);
    if (pending === undefined) {
      pending = whoAmI().then(async ({ account, partition }) => {
        if (account === accountId) return undefined;
        const assumed = await deps.sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:${partition}:iam::${accountId}:role/${deps.roleName}`,
            RoleSessionName: 'oidc-watch-coverage',
            DurationSeconds: 900,
          }),
        );
        const c = assumed.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined)
          throw new Error(`AssumeRole into ${accountId} returned no credentials`);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
        };
      });
      credentials.set(accountId, pending);
    }
    return pending;
  };
}

/** Every account of the organization, page by page. */
async function listAccounts(
  organizations: CoverageReaderDeps['organizations'],
): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  let nextToken: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken: nextToken }));
    for (const a of page.Accounts ?? []) {
      if (a.Id === undefined) continue;
      accounts.push({ id: a.Id, name: a.Name ?? '', state: a.State ?? 'UNKNOWN' });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return accounts;
}

export function createCoverageReader(deps: CoverageReaderDeps): CoverageReader {
  const eventBridgeFor = deps.eventBridgeFor ?? defaultEventBridge;
  const credentialsFor = memberCredentials(deps);
  return {
    listAccounts: () => listAccounts(deps.organizations),
    async readRules(accountId, region) {
      const client = eventBridgeFor(region, await credentialsFor(accountId));
      const rules = await listAllRules(client);
      const deployed: DeployedRule[] = [];
      for (const rule of rules) {
        if (rule.Name === undefined) continue;
        const eventPattern = rule.EventPattern ?? null;
        deployed.push({
          name: rule.Name,
          state: rule.State ?? null,
          eventPattern,
          // Targets only matter for rules that could carry the events; skip the calls for the rest.
          targetArns: eventPattern?.includes('aws.sts') ? await targetArns(client, rule.Name) : [],
        });
      }
      return deployed;
    },
  };
}
