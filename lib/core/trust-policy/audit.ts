/**
 * The audit use case: one IAM role in, one report out. Parse the trust policy (either encoding), find the statements
 * that let a GitLab provider in, gather GitLab facts through the port, run every check, derive the status and,
 * for exposed roles, a suggested trust policy. Roles that GitLab cannot assume are classified, not reported.
 */
import type { Config, ProductionRole } from '../config';
import type { GitLabDirectory } from '../gitlab-port';
import { compilePolicy } from '../policy';
import { SEVERITY_RANK, type Severity } from '../verdict';
import { summarizeAdmits, type AdmitsSummary } from './admits';
import { analyzeTrustPolicy, gitLabProviders, type GitLabProvider } from './analyze';
import { AUDIT_CHECKS, type AuditFinding, type RoleRef } from './checks';
import { parsePolicyDocument, PolicyDocumentError } from './document';
import { gatherFacts } from './facts';
import { suggestTrustPolicy, type SuggestedTrustPolicy } from './suggest';

export type RoleStatus = 'exposed' | 'review' | 'hardened';

/** A role as IAM lists it; `trustPolicy` as IAM gives it (URL-encoded string, JSON string or decoded object). */
export interface IamRole {
  readonly arn: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly trustPolicy: unknown;
  /** Where it came from (`iam:123456789012`, a file name), for messages. */
  readonly source: string;
}

export interface RoleReport {
  readonly roleArn: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly watched: boolean;
  /** Name of the production role policy whose pattern matches, or null. */
  readonly productionRole: string | null;
  readonly status: RoleStatus;
  readonly severity: Severity | null;
  readonly admits: readonly AdmitsSummary[];
  readonly findings: readonly AuditFinding[];
  readonly suggestedTrustPolicy?: SuggestedTrustPolicy['policy'];
  readonly suggestionNotes?: readonly string[];
}

export type RoleOutcome =
  | { readonly kind: 'audited'; readonly report: RoleReport }
  /** Web identity for other providers only: counted in the summary. */
  | { readonly kind: 'other-provider'; readonly role: IamRole; readonly providers: readonly string[] }
  | { readonly kind: 'not-web-identity'; readonly role: IamRole }
  | { readonly kind: 'error'; readonly role: IamRole; readonly message: string };

export interface AuditDeps {
  readonly config: Config;
  readonly gitlab: GitLabDirectory;
}

export function statusOf(findings: readonly AuditFinding[]): RoleStatus {
  if (findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.high)) return 'exposed';
  return findings.length > 0 ? 'review' : 'hardened';
}

function worst(findings: readonly AuditFinding[]): Severity | null {
  return findings.reduce<Severity | null>(
    (w, f) => (w === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w),
    null,
  );
}

/** The providers audited for this config: trusted issuers plus gitlab.com. */
export function auditedProviders(config: Config): readonly GitLabProvider[] {
  return gitLabProviders(config.trustedIssuers.map((i) => i.issuer));
}

export async function auditRole(role: IamRole, deps: AuditDeps): Promise<RoleOutcome> {
  let doc;
  try {
    doc = parsePolicyDocument(role.trustPolicy);
  } catch (e) {
    if (e instanceof PolicyDocumentError)
      return { kind: 'error', role, message: `${role.source}: ${role.arn}: trust policy ${e.reason}` };
    throw e;
  }
  const trust = analyzeTrustPolicy(doc, auditedProviders(deps.config));
  if (trust.gitlab.length === 0) {
    return trust.otherProviders.length > 0
      ? { kind: 'other-provider', role, providers: trust.otherProviders }
      : { kind: 'not-web-identity', role };
  }
  const watchedBy: ProductionRole | null = compilePolicy(deps.config).matchRole(role.arn);
  const ref: RoleRef = { arn: role.arn, accountId: role.accountId, name: role.roleName };
  const perProvider = await Promise.all(
    trust.gitlab.map(async (t) => {
      const facts = await gatherFacts(t, deps.gitlab.forIssuer(t.provider.issuer), watchedBy);
      const admits = summarizeAdmits(t);
      const ctx = { role: ref, trust: t, admits, watchedBy, facts };
      const findings = AUDIT_CHECKS.flatMap((c) => c.evaluate(ctx));
      return { trust: t, facts, admits, findings };
    }),
  );
  const findings = perProvider.flatMap((p) => p.findings);
  const status = statusOf(findings);
  const base: RoleReport = {
    roleArn: role.arn,
    accountId: role.accountId,
    roleName: role.roleName,
    watched: watchedBy !== null,
    productionRole: watchedBy?.name ?? null,
    status,
    severity: worst(findings),
    admits: perProvider.map((p) => p.admits),
    findings,
  };
  if (status !== 'exposed') return { kind: 'audited', report: base };
  const suggestions = perProvider.map((p) => suggestTrustPolicy(p.trust, p.facts, watchedBy, role.accountId));
  return {
    kind: 'audited',
    report: {
      ...base,
      suggestedTrustPolicy: {
        Version: '2012-10-17',
        Statement: suggestions.flatMap((s) => s.policy.Statement),
      },
      suggestionNotes: [...new Set(suggestions.flatMap((s) => s.notes))],
    },
  };
}

/** Counts for the summary line. */
export interface AuditCounts {
  roles: number;
  audited: number;
  exposed: number;
  review: number;
  hardened: number;
  otherProviders: number;
  errors: number;
}

export function emptyAuditCounts(): AuditCounts {
  return { roles: 0, audited: 0, exposed: 0, review: 0, hardened: 0, otherProviders: 0, errors: 0 };
}

export function countOutcome(counts: AuditCounts, outcome: RoleOutcome): void {
  counts.roles += 1;
  if (outcome.kind === 'audited') {
    counts.audited += 1;
    counts[outcome.report.status] += 1;
  } else if (outcome.kind === 'other-provider') counts.otherProviders += 1;
  else if (outcome.kind === 'error') counts.errors += 1;
}
