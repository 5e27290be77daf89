/**
 * The shape of a detection check, panther-style: metadata beside a pure, synchronous `evaluate` over facts that the
 * correlate use case gathered beforehand (lib/core/correlate.ts). A check never performs I/O.
 */
import type { RoleAssumption } from '../assumption';
import type { ProductionRole } from '../config';
import type {
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabProject,
  Lookup,
  ProtectedRefPattern,
  RepositoryRef,
} from '../gitlab-port';
import type { Provenance } from '../provenance/model';
import type { ParsedSessionName } from '../session-name';
import type { SubjectClaim } from '../subject';
import type { Finding, FindingClass, FindingCode, Severity } from '../verdict';

/** A GitLab fact: one of the port's three outcomes, or `skipped` when the policy did not need it (lazy lookups). */
export type Fact<T> = Lookup<T> | { readonly status: 'skipped'; readonly detail: string };

export const SKIPPED: Fact<never> = { status: 'skipped', detail: 'not needed' };

export interface GitLabFacts {
  /**
   * X, the token's project: the sub's `project_id` when present (signed), else the id GitLab reports for the sub's
   * `project_path`. Null when unresolved (path unknown to GitLab, GitLab unavailable, no usable sub).
   */
  readonly projectId: number | null;
  /** The project lookup: by id when the sub has both id and path (to compare paths), by path when it has a path only. */
  readonly project: Fact<GitLabProject>;
  readonly projectLookupBy: 'id' | 'path' | null;
  /** The project the pipeline was looked up in: X, or the session name's project_id when X is unresolved. */
  readonly pipelineProjectId: number | null;
  readonly pipeline: Fact<GitLabPipeline>;
  /** The merge request behind a `refs/merge-requests/<iid>/...` pipeline ref. */
  readonly mergeRequest: Fact<GitLabMergeRequest>;
  readonly protectedBranches: Fact<readonly ProtectedRefPattern[]>;
  readonly protectedTags: Fact<readonly ProtectedRefPattern[]>;
  /**
   * `branch`/`tag`: from the sub, else from the repository (the ref exists as a branch only, or as a tag only), else
   * null. Never from a pipeline the caller named.
   */
  readonly refType: string | null;
  readonly refTypeFrom: 'sub' | 'repository' | null;
  /** Without ref_type in the sub: does the ref exist as a branch / as a tag (repository branches and tags API)? */
  readonly repositoryBranch: Fact<RepositoryRef>;
  readonly repositoryTag: Fact<RepositoryRef>;
  /** Which pipelines and jobs could have minted the token (lib/core/provenance). */
  readonly provenance: Provenance;
}

export interface CheckContext {
  readonly assumption: RoleAssumption;
  readonly role: ProductionRole;
  /** The configured trusted issuer this record's issuer denotes (canonical URL), or null. */
  readonly trustedIssuer: string | null;
  /** The issuer is trusted AND the role accepts it. */
  readonly issuerAllowed: boolean;
  /** The issuer is listed in ignoredIssuers (no excuse on a production role; only allowedForeignIssuers is). */
  readonly issuerIgnored: boolean;
  /** The call failed (`errorCode` present): a probe; only issuer and failure checks apply. */
  readonly failed: boolean;
  /**
   * GitLab-side checks apply: a successful assumption whose issuer is trusted and allowed for the role. Checks about
   * sub, session name, project, ref and pipeline return nothing when this is false: there is no GitLab to ask.
   */
  readonly correlated: boolean;
  readonly subject: SubjectClaim | null;
  readonly session: ParsedSessionName | null;
  readonly facts: GitLabFacts;
}

export interface Check {
  /** The finding code this check emits; the file is named after it. */
  readonly id: FindingCode;
  readonly title: string;
  /** What the check decides and why, including the edge cases it settles. */
  readonly description: string;
  /** Default severity. */
  readonly severity: Severity;
  /**
   * When true, findings take their severity from the matched role: `severity` for alert-class findings,
   * `unverifiedSeverity` (default: `severity`) for unverified-class ones. Every check that should page does, so that
   * a subscription filtered to the role's severity sees probes and unverifiable assumptions too.
   */
  readonly usesRoleSeverity: boolean;
  readonly class: FindingClass;
  /** Triage steps for whoever receives the alert. */
  readonly runbook: readonly string[];
  readonly reference: string;
  evaluate(ctx: CheckContext): readonly Finding[];
}

/** Builds one finding of `check` with the right class and severity for the context's role. */
export function finding(check: Check, ctx: CheckContext, message: string): Finding {
  return {
    code: check.id,
    class: check.class,
    severity: !check.usesRoleSeverity
      ? check.severity
      : check.class === 'unverified'
        ? (ctx.role.unverifiedSeverity ?? ctx.role.severity)
        : ctx.role.severity,
    message,
  };
}

/** Quotes an attacker-controlled string for a message (JSON string syntax: visible quotes, escaped controls). */
export function q(value: string | null | undefined): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}
