/**
 * What a role admits, per GitLab provider, summarised for people and JSON: the projects (paths, `id:<n>`), refs, ref
 * types, audiences and pipeline sources some Allow statement lets through. `any` means unconstrained. A union over
 * statements, so it is an over-approximation when several conditions on one claim intersect (never narrower).
 */
import { matchesEverything } from './iam-glob';
import type { ClaimTest, ProviderTrust, StatementTrust } from './analyze';
import { showComponent, type SubjectPattern } from './subject-pattern';

export type Admitted = 'any' | readonly string[];

export interface AdmitsSummary {
  readonly issuer: string;
  /** Project paths or globs from `sub`, and `id:<n>` for `project_id` components. */
  readonly projects: Admitted;
  /** `project_id` condition values (gitlab.com). */
  readonly projectIds: Admitted;
  readonly refs: Admitted;
  readonly refTypes: Admitted;
  readonly audiences: Admitted;
  /** `pipeline_source` condition values (gitlab.com); elsewhere IAM cannot see the source: `any`. */
  readonly pipelineSources: Admitted;
  /** Every admitted token must carry `ref_protected: true` (gitlab.com). */
  readonly protectedRefsOnly: boolean;
  /** The Allow statements (0-based indexes) that can admit a token. */
  readonly statements: readonly number[];
}

/** Positive, restricting tests on a claim: the one with the fewest values (the intersection is inside each). */
export function narrowestTest(st: StatementTrust, claim: string): ClaimTest | null {
  const tests = (st.claims.get(claim) ?? []).filter(
    (t) =>
      !t.operator.negated &&
      t.operator.base !== 'Null' &&
      !(t.operator.glob && t.values.some(matchesEverything)),
  );
  return tests.reduce<ClaimTest | null>(
    (best, t) => (best && best.values.length <= t.values.length ? best : t),
    null,
  );
}

/** Subject patterns that can match some GitLab sub; null when `sub` is unconstrained. */
export function liveSubjects(st: StatementTrust): readonly SubjectPattern[] | null {
  return st.subjects === null ? null : st.subjects.filter((s) => !s.matchesNoGitLabSub);
}

function union(parts: readonly Admitted[]): Admitted {
  if (parts.some((p) => p === 'any')) return 'any';
  return [...new Set(parts.flatMap((p) => (p === 'any' ? [] : p)))].sort();
}

function fromSubjects(st: StatementTrust, pick: (s: SubjectPattern) => string | null): Admitted {
  const subjects = liveSubjects(st);
  if (subjects === null) return 'any';
  const values = subjects.map(pick);
  return values.some((v) => v === null || v === '*') ? 'any' : (values as string[]);
}

function fromClaim(st: StatementTrust, claim: string): Admitted {
  const test = narrowestTest(st, claim);
  return test ? [...test.values] : 'any';
}

function projectOf(s: SubjectPattern): string | null {
  if (s.projectId.kind === 'exact') return `id:${s.projectId.value}`;
  return s.projectPath.kind === 'any' ? null : showComponent(s.projectPath);
}

/** Statements whose sub patterns can all never match a GitLab sub admit nothing. */
export function admittingStatements(trust: ProviderTrust): readonly StatementTrust[] {
  return trust.allows.filter((st) => {
    const subjects = liveSubjects(st);
    return subjects === null || subjects.length > 0;
  });
}

export function summarizeAdmits(trust: ProviderTrust): AdmitsSummary {
  const sts = admittingStatements(trust);
  const each = (f: (st: StatementTrust) => Admitted): Admitted => (sts.length === 0 ? [] : union(sts.map(f)));
  return {
    issuer: trust.provider.issuer,
    projects: each((st) => fromSubjects(st, projectOf)),
    projectIds: each((st) => fromClaim(st, 'project_id')),
    refs: each((st) => fromSubjects(st, (s) => (s.ref.kind === 'any' ? null : showComponent(s.ref)))),
    refTypes: each((st) =>
      fromSubjects(st, (s) => (s.refType.kind === 'any' ? null : showComponent(s.refType))),
    ),
    audiences: each((st) => fromClaim(st, 'aud')),
    pipelineSources: each((st) => fromClaim(st, 'pipeline_source')),
    protectedRefsOnly:
      sts.length > 0 &&
      sts.every((st) => {
        const t = narrowestTest(st, 'ref_protected');
        return t !== null && t.values.every((v) => v.toLowerCase() === 'true');
      }),
    statements: sts.map((st) => st.index),
  };
}
