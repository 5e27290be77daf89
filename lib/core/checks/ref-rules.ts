/**
 * The ref part of the policy, shared by the ref checks and by the fact gathering that decides which protection
 * list to fetch. `allowedRefs` entries: `protected` (the ref matches one of the project's protected branch patterns
 * for a branch, protected tag patterns for a tag), or explicit names/globs in GitLab's protected-ref syntax.
 * The ref is allowed when ANY entry matches.
 */
import type { ProductionRole } from '../config';
import type { ProtectedRefPattern, RepositoryRef } from '../gitlab-port';
import { refPatternMatches } from '../glob';
import type { SubjectClaim } from '../subject';
import type { CheckContext, Fact } from './check';

export const PROTECTED_ENTRY = 'protected';

/** The first explicit (non-`protected`) entry of `allowedRefs` matching the ref, or null. */
export function explicitlyAllowedBy(role: ProductionRole, ref: string): string | null {
  for (const entry of role.allowedRefs) {
    if (entry !== PROTECTED_ENTRY && refPatternMatches(entry, ref)) return entry;
  }
  return null;
}

export function requiresProtection(role: ProductionRole): boolean {
  return role.allowedRefs.includes(PROTECTED_ENTRY);
}

export type Protection =
  /** `basis`: `claim` (GitLab's signed ref_protected in the sub) or the protected pattern that matched. */
  | { readonly status: 'protected'; readonly basis: string }
  | { readonly status: 'unprotected'; readonly basis: string }
  | { readonly status: 'unknown'; readonly reason: string };

function matchingPattern(list: readonly ProtectedRefPattern[], ref: string): string | null {
  return list.find((p) => refPatternMatches(p.name, ref))?.name ?? null;
}

function describeList(kind: string, fact: Fact<readonly ProtectedRefPattern[]>): string {
  return fact.status === 'found'
    ? `${kind} ${JSON.stringify(fact.value.map((p) => p.name))}`
    : `${kind} (unknown)`;
}

/** Which protection lists the ref's protection depends on, given the ref type ('both' when the type is unknown). */
export function protectionListsNeeded(refType: string | null): 'branches' | 'tags' | 'both' | 'none' {
  if (refType === 'branch') return 'branches';
  if (refType === 'tag') return 'tags';
  return refType === null ? 'both' : 'none';
}

/**
 * Whether the ref was protected. The sub's `ref_protected` (GitLab 18.7+) is GitLab's own signed statement at
 * minting time and is accepted as is, without a lookup. Otherwise the ref is matched against the project's current
 * protected branch (ref_type branch) or tag (ref_type tag) patterns. With no ref type, a ref that matches neither
 * list is certainly unprotected; one that matches a list cannot be judged.
 */
export function refProtection(
  subject: SubjectClaim,
  refType: string | null,
  branches: Fact<readonly ProtectedRefPattern[]>,
  tags: Fact<readonly ProtectedRefPattern[]>,
): Protection {
  const ref = subject.ref ?? '';
  if (subject.refProtected === true) return { status: 'protected', basis: 'claim' };
  if (subject.refProtected === false)
    return { status: 'unprotected', basis: "the sub's signed ref_protected:false" };
  const needed = protectionListsNeeded(refType);
  if (needed === 'none')
    return { status: 'unknown', reason: `ref_type ${JSON.stringify(refType)} has no protection list` };
  const lists = needed === 'both' ? [branches, tags] : needed === 'branches' ? [branches] : [tags];
  for (const list of lists) {
    if (list.status === 'found') {
      const hit = matchingPattern(list.value, ref);
      if (hit !== null) {
        if (needed === 'both') return { status: 'unknown', reason: 'the sub has no ref_type' };
        return { status: 'protected', basis: hit };
      }
    }
  }
  if (lists.every((l) => l.status === 'found')) {
    const basis =
      needed === 'both'
        ? `${describeList('protected branches', branches)} and ${describeList('protected tags', tags)}`
        : needed === 'branches'
          ? describeList('protected branches', branches)
          : describeList('protected tags', tags);
    return { status: 'unprotected', basis };
  }
  for (const list of lists) {
    if (list.status !== 'found') return { status: 'unknown', reason: list.detail };
  }
  return { status: 'unknown', reason: 'protection lists incomplete' };
}

/**
 * Protection as the repository branches/tags API reports it (`protected`, by GitLab's current rules), used when the
 * sub has no ref_type and the ref type was read from the repository. A ref that exists as both a branch and a tag
 * is protected only when both are. Null when the repository lookups were not made (or did not settle it).
 */
export function repositoryProtection(
  refType: string | null,
  branch: Fact<RepositoryRef>,
  tag: Fact<RepositoryRef>,
): Protection | null {
  const b = branch.status === 'found' ? branch.value : null;
  const t = tag.status === 'found' ? tag.value : null;
  if (refType === null && b !== null && t !== null) {
    if (b.protected === true && t.protected === true)
      return { status: 'protected', basis: 'a branch and a tag of that name, both protected' };
    return null;
  }
  const entry = refType === 'branch' ? b : refType === 'tag' ? t : null;
  if (entry === null || entry.protected === null) return null;
  return entry.protected
    ? { status: 'protected', basis: `the ${refType ?? ''} is protected (repository API)` }
    : { status: 'unprotected', basis: `the ${refType ?? ''} is not protected (repository API)` };
}

export type RefDecision =
  | { readonly status: 'not_applicable' }
  | { readonly status: 'allowed'; readonly by: string }
  /** `protectionRequired`: `protected` is among the entries, so the finding is UNPROTECTED_REF. */
  | { readonly status: 'denied'; readonly protectionRequired: boolean; readonly basis: string }
  | { readonly status: 'unknown'; readonly reason: string };

/** The policy's verdict on the token's ref, from the gathered facts. */
export function refDecision(ctx: CheckContext): RefDecision {
  const subject = ctx.subject;
  if (!ctx.correlated || !subject || subject.ref === null) return { status: 'not_applicable' };
  const explicit = explicitlyAllowedBy(ctx.role, subject.ref);
  if (explicit !== null) return { status: 'allowed', by: explicit };
  if (!requiresProtection(ctx.role)) {
    return {
      status: 'denied',
      protectionRequired: false,
      basis: `allowedRefs ${JSON.stringify(ctx.role.allowedRefs)}`,
    };
  }
  // GitLab's signed ref_protected (in refProtection) wins over any lookup.
  const fromRepository =
    subject.refProtected === null
      ? repositoryProtection(ctx.facts.refType, ctx.facts.repositoryBranch, ctx.facts.repositoryTag)
      : null;
  const protection =
    fromRepository ??
    refProtection(subject, ctx.facts.refType, ctx.facts.protectedBranches, ctx.facts.protectedTags);
  switch (protection.status) {
    case 'protected':
      return {
        status: 'allowed',
        by:
          protection.basis === 'claim'
            ? "protected (GitLab's signed ref_protected:true)"
            : `protected (${protection.basis})`,
      };
    case 'unprotected':
      return { status: 'denied', protectionRequired: true, basis: protection.basis };
    case 'unknown':
      return { status: 'unknown', reason: protection.reason };
  }
}
