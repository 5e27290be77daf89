/**
 * What a role's trust policy lets a GitLab OIDC provider do: which statements apply to which GitLab provider, what
 * each statement's conditions constrain (per claim), which conditions are broken (wrong host, unsupported key,
 * passing on absent keys), and how Deny statements narrow the Allows. Pure; the checks read the result.
 */
import { matchesEverything } from './iam-glob';
import { appliesToProviderForEvaluation, coversWebIdentity, oidcProviderName } from './statements';

export { WEB_IDENTITY_ACTION } from './statements';
import {
  classifyConditionKey,
  GITLAB_COM_ISSUER,
  GITLAB_COM_PROVIDER,
  providerNameOf,
  type ConditionKeyKind,
} from './condition-keys';
import { parseOperator, passesWhenAbsent, type ParsedOperator } from './conditions';
import type { PolicyCondition, PolicyDocument, PolicyStatement } from './document';
import { parseSubjectPattern, type SubjectPattern } from './subject-pattern';

/** A GitLab OIDC provider as IAM names it, and the issuer it stands for. */
export interface GitLabProvider {
  /** The issuer URL (`https://gitlab.com`), as configured. */
  readonly issuer: string;
  /** The IAM provider name: the URL without scheme (`gitlab.com`, `gitlab.example.com/gl`). */
  readonly name: string;
  readonly gitlabCom: boolean;
}

/** The audited issuers: the config's trusted issuers and gitlab.com (scope 2 of the audit). */
export function gitLabProviders(trustedIssuers: readonly string[]): readonly GitLabProvider[] {
  const byName = new Map<string, GitLabProvider>();
  for (const issuer of [...trustedIssuers, GITLAB_COM_ISSUER]) {
    const name = providerNameOf(issuer);
    if (!byName.has(name)) byName.set(name, { issuer, name, gitlabCom: name === GITLAB_COM_PROVIDER });
  }
  return [...byName.values()];
}

export type ConditionIssueKind = 'wrong-host' | 'unsupported' | 'absent-pass' | 'unmodelled-operator';

/** A condition that does not do what it looks like it does. */
export interface ConditionIssue {
  readonly statement: number;
  readonly kind: ConditionIssueKind;
  readonly operator: string;
  readonly key: string;
  /** The condition holds when its key is absent; for wrong-host/unsupported keys that means it never restricts. */
  readonly passesWhenAbsent: boolean;
}

/** One condition on a claim the token carries. */
export interface ClaimTest {
  readonly operator: ParsedOperator;
  readonly values: readonly string[];
}

export interface StatementTrust {
  readonly index: number;
  readonly sid: string | null;
  /** Conditions on claims the token carries, by claim (lower-case), ANDed. */
  readonly claims: ReadonlyMap<string, readonly ClaimTest[]>;
  /** Positive `sub` patterns of the first restricting `sub` condition; null when `sub` is unconstrained. */
  readonly subjects: readonly SubjectPattern[] | null;
}

export interface ProviderTrust {
  readonly provider: GitLabProvider;
  /** The provider ARNs the Allow statements name (normally one). */
  readonly providerArns: readonly string[];
  /** Allow statements that can match a token of this provider (after Deny narrowing). */
  readonly allows: readonly StatementTrust[];
  /** Allow statements that can never match (a positive condition on an absent key, a blanket Deny...). */
  readonly deadStatements: readonly number[];
  readonly issues: readonly ConditionIssue[];
  /** What could not be modelled (the analysis then assumes the broader reading). */
  readonly notes: readonly string[];
}

export interface RoleTrust {
  readonly gitlab: readonly ProviderTrust[];
  /** Federated principals with web-identity access that are not GitLab providers (counted, not audited). */
  readonly otherProviders: readonly string[];
}

interface Classified {
  readonly condition: PolicyCondition;
  readonly op: ParsedOperator;
  readonly key: ConditionKeyKind;
}

function classify(s: PolicyStatement, provider: string): Classified[] {
  return s.conditions.map((condition) => ({
    condition,
    op: parseOperator(condition.operator),
    key: classifyConditionKey(condition.key, provider),
  }));
}

function issueOf(s: PolicyStatement, c: Classified): ConditionIssue | null {
  const base = { statement: s.index, operator: c.condition.operator, key: c.condition.key };
  if (c.op.base === null) return { ...base, kind: 'unmodelled-operator', passesWhenAbsent: true };
  const absentPass = passesWhenAbsent(c.op, c.condition.values);
  if (c.key.kind === 'wrong-host' || c.key.kind === 'unsupported')
    return { ...base, kind: c.key.kind, passesWhenAbsent: absentPass };
  if (c.key.kind === 'claim' && (c.op.ifExists || c.op.qualifier === 'ForAllValues'))
    return { ...base, kind: 'absent-pass', passesWhenAbsent: true };
  return null;
}

/** False when the condition can never hold for a token of this provider. */
function canHold(c: Classified): boolean {
  if (c.op.base === null || c.key.kind === 'service') return true;
  if (c.key.kind !== 'claim') return passesWhenAbsent(c.op, c.condition.values);
  if (c.op.base === 'Null') return c.condition.values.some((v) => v.toLowerCase() === 'false');
  return true;
}

function restrictsSub(test: ClaimTest): boolean {
  if (test.operator.negated || test.operator.base === 'Null') return false;
  return !(test.operator.glob && test.values.some(matchesEverything));
}

function statementTrust(
  s: PolicyStatement,
  classified: readonly Classified[],
  extra: ReadonlyMap<string, ClaimTest[]>,
): StatementTrust {
  const claims = new Map<string, ClaimTest[]>();
  const add = (claim: string, test: ClaimTest): void => {
    claims.set(claim, [...(claims.get(claim) ?? []), test]);
  };
  for (const c of classified) {
    if (c.key.kind === 'claim' && c.op.base !== null && c.op.base !== 'Null')
      add(c.key.claim, { operator: c.op, values: c.condition.values });
  }
  for (const [claim, tests] of extra) tests.forEach((t) => add(claim, t));
  const subTest = (claims.get('sub') ?? []).find(restrictsSub);
  return {
    index: s.index,
    sid: s.sid,
    claims,
    subjects: subTest ? subTest.values.map((v) => parseSubjectPattern(v, subTest.operator.glob)) : null,
  };
}

const NEGATION: Readonly<Record<string, string>> = {
  StringEquals: 'StringNotEquals',
  StringNotEquals: 'StringEquals',
  StringLike: 'StringNotLike',
  StringNotLike: 'StringLike',
  StringEqualsIgnoreCase: 'StringNotEqualsIgnoreCase',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
};

interface DenyEffect {
  denyAll: boolean;
  readonly extra: Map<string, ClaimTest[]>;
  readonly notes: string[];
}

/**
 * A Deny with no condition denies everything; with exactly one condition on a claim it is the Allow side's negation
 * of that condition; a single condition on an absent key denies everything or nothing. Denies with several
 * conditions are not used to narrow (the audit then reads the role as broader than it may be: never narrower).
 */
function denyEffect(denies: readonly PolicyStatement[], provider: string): DenyEffect {
  const effect: DenyEffect = { denyAll: false, extra: new Map(), notes: [] };
  for (const d of denies) {
    const classified = classify(d, provider).filter((c) => c.key.kind !== 'service');
    const only = classified[0];
    if (classified.length === 0) return { ...effect, denyAll: d.conditions.length === 0 || effect.denyAll };
    if (classified.length > 1 || !only || only.op.base === null) {
      effect.notes.push(
        `Deny statement ${d.index} has conditions this audit does not combine; it was not used to narrow`,
      );
      continue;
    }
    if (only.key.kind !== 'claim') {
      if (passesWhenAbsent(only.op, only.condition.values)) effect.denyAll = true;
      continue;
    }
    const negated = NEGATION[only.op.base ?? ''];
    if (!negated || only.op.qualifier !== null) {
      effect.notes.push(
        `Deny statement ${d.index} uses ${only.condition.operator}; it was not used to narrow`,
      );
      continue;
    }
    const tests = effect.extra.get(only.key.claim) ?? [];
    tests.push({ operator: parseOperator(negated), values: only.condition.values });
    effect.extra.set(only.key.claim, tests);
  }
  return effect;
}

function providerTrust(doc: PolicyDocument, provider: GitLabProvider): ProviderTrust | null {
  const statements = doc.statements.filter((s) => appliesToProviderForEvaluation(s, provider.name));
  const allowStatements = statements.filter((s) => s.effect === 'Allow');
  if (allowStatements.length === 0) return null;
  const deny = denyEffect(
    statements.filter((s) => s.effect === 'Deny'),
    provider.name,
  );
  const allows: StatementTrust[] = [];
  const dead: number[] = [];
  const issues: ConditionIssue[] = [];
  for (const s of allowStatements) {
    const classified = classify(s, provider.name);
    classified.forEach((c) => {
      const issue = issueOf(s, c);
      if (issue) issues.push(issue);
    });
    if (deny.denyAll || !classified.every(canHold)) dead.push(s.index);
    else allows.push(statementTrust(s, classified, deny.extra));
  }
  const notes = [...deny.notes];
  if (deny.denyAll) notes.push('a Deny statement denies every token of this provider');
  const providerArns = [
    ...new Set(
      allowStatements.flatMap((s) =>
        (s.principal?.federated ?? []).filter((f) => oidcProviderName(f) === provider.name),
      ),
    ),
  ];
  return { provider, providerArns, allows, deadStatements: dead, issues, notes };
}

/** Analyses a parsed trust policy against the audited GitLab providers. */
export function analyzeTrustPolicy(doc: PolicyDocument, providers: readonly GitLabProvider[]): RoleTrust {
  const known = new Set(providers.map((p) => p.name));
  const other = new Set<string>();
  for (const s of doc.statements) {
    if (s.effect !== 'Allow' || !coversWebIdentity(s)) continue;
    for (const f of s.principal?.federated ?? []) {
      const name = oidcProviderName(f);
      if (name === null || !known.has(name)) other.add(f);
    }
  }
  return {
    gitlab: providers.map((p) => providerTrust(doc, p)).filter((t): t is ProviderTrust => t !== null),
    otherProviders: [...other].sort(),
  };
}
