/**
 * The auditor's wiring, shared by `oidc-watch audit`, the scheduled audit function and the demo: the same token
 * sources and GitLab directory (cache, request budget) as the evaluator, and the live role source (default
 * credentials, or AssumeRole into the member role of each account from the config or the organization).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { auditTargets, iamClientFactory, liveRoleSource } from '../adapters/iam-roles';
import type { Config } from '../core/config';
import type { AuditDeps } from '../core/trust-policy/audit';
import type { RoleSource } from '../core/trust-policy/source';
import { readAuthorizationDetailsFiles } from '../sources/iam-authorization-details';
import { gitLabDirectory, lazySecretReader, resolveIssuerTokens, type EngineOptions } from './engine';

export interface Auditor {
  readonly deps: AuditDeps;
  gitlabRequests(): number;
}

/** config -> tokens -> GitLab directory -> the audit's dependencies; one cache for the whole run. */
export async function buildAuditor(config: Config, o: EngineOptions): Promise<Auditor> {
  const tokens = await resolveIssuerTokens(config, { ...o, readSecret: o.readSecret ?? lazySecretReader() });
  const directory = gitLabDirectory(config, tokens, o);
  return { deps: { config, gitlab: directory }, gitlabRequests: () => directory.stats().requests };
}

/** No GitLab at all (`oidc-watch audit --offline`): facts are `skipped`, so findings that need them say "could not tell". */
export function offlineAuditor(config: Config): Auditor {
  return { deps: { config, gitlab: { forIssuer: () => undefined } }, gitlabRequests: () => 0 };
}

/** AWS clients the live source needs, each created on first use by the caller's factories. */
export interface AuditClients {
  readonly iam: () => IAMClient;
  readonly sts: () => STSClient;
  readonly organizations: () => OrganizationsClient;
}

/** Live IAM: the accounts of `audit` in the config (or the current credentials' account). */
export async function liveAuditSource(config: Config, clients: AuditClients): Promise<RoleSource> {
  const targets = await auditTargets(config.audit, { organizations: clients.organizations });
  return liveRoleSource(targets, iamClientFactory({ sts: clients.sts, defaultIam: clients.iam }));
}

/** Offline: `aws iam get-account-authorization-details` files, one per account. */
export function fileAuditSource(paths: readonly string[]): RoleSource {
  return readAuthorizationDetailsFiles(paths);
}
