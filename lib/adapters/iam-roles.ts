/**
 * Live role source: IAM ListRoles (paginated; AssumeRolePolicyDocument comes URL-encoded) with the default credential
 * chain, or, for several accounts, with credentials from sts:AssumeRole into a named read-only role in each account.
 * The accounts come from the config (`audit.accounts`) and/or AWS Organizations ListAccounts (ACTIVE accounts only).
 * An account that cannot be read (AssumeRole denied, ListRoles denied) is an error item naming the account and the
 * AWS error; the other accounts are still read. Credentials are never logged or put in messages.
 * See: https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
 * See: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * See: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { IAMClient, paginateListRoles, type Role } from '@aws-sdk/client-iam';
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AuditSettings } from '../core/config';
import { accountOfArn, type RoleSource, type RoleSourceItem } from '../core/trust-policy/source';

/** One account to read: `roleArn` null means the current credentials' own account. */
export interface AuditTarget {
  readonly accountId: string | null;
  readonly roleArn: string | null;
}

export const AUDIT_SESSION_NAME = 'oidc-watch-audit';

/** Names an AWS SDK error without its request metadata: `AccessDenied: User ... is not authorized ...`. */
export function awsErrorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

async function organizationAccounts(client: OrganizationsClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      // SUSPENDED and PENDING_CLOSURE accounts cannot be assumed into; State supersedes the deprecated Status.
      const state = account.State ?? account.Status;
      if (account.Id && state === 'ACTIVE') ids.push(account.Id);
    }
  }
  return ids;
}

/** The accounts to audit, in a stable order. Organizations is asked only when the config says so. */
export async function auditTargets(
  settings: AuditSettings,
  deps: { organizations: () => OrganizationsClient; partition?: string },
): Promise<AuditTarget[]> {
  const roleName = settings.memberRoleName;
  if (roleName === undefined) return [{ accountId: null, roleArn: null }];
  const fromOrg = settings.organizationAccounts ? await organizationAccounts(deps.organizations()) : [];
  const excluded = new Set(settings.excludeAccounts);
  const accounts = [...new Set([...settings.accounts, ...fromOrg])].filter((a) => !excluded.has(a)).sort();
  const partition = deps.partition ?? 'aws';
  return accounts.map((accountId) => ({
    accountId,
    roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
  }));
}

/** Builds IAM clients: the default chain for the current account, AssumeRole'd credentials for member accounts. */
export function iamClientFactory(deps: {
  sts: () => STSClient;
  defaultIam: () => IAMClient;
  sessionName?: string;
}): (target: AuditTarget) => Promise<IAMClient> {
  return async (target) => {
    if (target.roleArn === null) return deps.defaultIam();
    const out = await deps.sts().send(
      new AssumeRoleCommand({
        RoleArn: target.roleArn,
        RoleSessionName: deps.sessionName ?? AUDIT_SESSION_NAME,
        DurationSeconds: 900,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error(`AssumeRole into ${target.roleArn} returned no credentials`);
    // IAM is global: us-east-1 is its signing region in the aws partition.
    return new IAMClient({
      region: 'us-east-1',
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      },
    });
  };
}

function roleItem(role: Role, source: string): RoleSourceItem {
  const accountId = role.Arn ? accountOfArn(role.Arn) : null;
  if (!role.Arn || !role.RoleName || accountId === null)
    return {
      kind: 'error',
      source,
      message: `ListRoles returned a role without a usable ARN or name (${String(role.RoleId)})`,
    };
  if (role.AssumeRolePolicyDocument === undefined)
    return { kind: 'error', source, message: `${role.Arn}: ListRoles returned no trust policy` };
  return {
    kind: 'role',
    role: {
      arn: role.Arn,
      roleName: role.RoleName,
      accountId,
      trustPolicy: role.AssumeRolePolicyDocument,
      source,
    },
  };
}

/** Reads every role of every target; per-account failures become error items. */
export async function* liveRoleSource(
  targets: readonly AuditTarget[],
  iamFor: (target: AuditTarget) => Promise<IAMClient>,
): RoleSource {
  for (const target of targets) {
    const source = target.accountId === null ? 'iam:current-account' : `iam:${target.accountId}`;
    try {
      const client = await iamFor(target);
      for await (const page of paginateListRoles({ client, pageSize: 1000 }, {})) {
        for (const role of page.Roles ?? []) yield roleItem(role, source);
      }
    } catch (e) {
      const via = target.roleArn ? ` (through ${target.roleArn})` : '';
      yield { kind: 'error', source, message: `could not list the roles${via}: ${awsErrorText(e)}` };
    }
  }
}
