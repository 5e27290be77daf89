/**
 * A trust policy's `sub` value (exact or an IAM glob) read as a GitLab component list, the way lib/core/subject.ts
 * reads a token's sub: `project_path:acme/app:ref_type:branch:ref:main` names three components.
 *
 * Wildcards: a `*` in the LAST token can run past the end of its component, so every component after it is
 * unconstrained (`project_path:acme/*` admits every project under acme at any depth, every ref type and ref). A `*`
 * inside an earlier value can only absorb whole components the pattern does not name (GitLab never repeats a
 * component and values contain no ':'), so named components after it stay constrained. A wildcard where a component
 * name belongs (`project_path:acme/app:*:main`) leaves everything from there on unconstrained.
 * See: https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload
 */
import { SUBJECT_COMPONENT_KEYS } from '../subject';
import { hasWildcard, matchesEverything } from './iam-glob';

/** One component's constraint: a literal, an IAM glob, or anything. */
export type ComponentPattern =
  | { readonly kind: 'any' }
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'glob'; readonly value: string };

export const ANY: ComponentPattern = { kind: 'any' };

export interface SubjectPattern {
  readonly raw: string;
  /** The pattern can match no GitLab sub (it does not start with a GitLab component, e.g. GitHub's `repo:...`). */
  readonly matchesNoGitLabSub: boolean;
  readonly projectPath: ComponentPattern;
  readonly projectId: ComponentPattern;
  readonly refType: ComponentPattern;
  readonly ref: ComponentPattern;
  /** Every named component (lower-case name) with its pattern. */
  readonly components: ReadonlyMap<string, ComponentPattern>;
}

function component(value: string, glob: boolean): ComponentPattern {
  if (!glob || !hasWildcard(value)) return { kind: 'exact', value };
  return matchesEverything(value) ? ANY : { kind: 'glob', value };
}

function anything(raw: string): SubjectPattern {
  return {
    raw,
    matchesNoGitLabSub: false,
    projectPath: ANY,
    projectId: ANY,
    refType: ANY,
    ref: ANY,
    components: new Map(),
  };
}

/**
 * Parses one `sub` value. `glob` is true under StringLike (wildcards are special), false under StringEquals (a `*`
 * is a literal character there, so it constrains as a literal).
 */
export function parseSubjectPattern(raw: string, glob: boolean): SubjectPattern {
  if (glob && matchesEverything(raw)) return anything(raw);
  const tokens = raw.split(':');
  const components = new Map<string, ComponentPattern>();
  let i = 0;
  const first = tokens[0] ?? '';
  if (!SUBJECT_COMPONENT_KEYS.has(first) && !(glob && hasWildcard(first))) {
    return { ...anything(raw), matchesNoGitLabSub: true };
  }
  while (i < tokens.length) {
    const name = tokens[i] ?? '';
    // A wildcard where a name belongs: nothing from here on is constrained (missing components are `any`).
    if (glob && hasWildcard(name)) break;
    if (!SUBJECT_COMPONENT_KEYS.has(name)) return { ...anything(raw), matchesNoGitLabSub: true };
    // A value runs until the next known component name (the same rule as the token parser).
    const valueTokens: string[] = [];
    i += 1;
    while (i < tokens.length) {
      const token = tokens[i] ?? '';
      // Values contain no ':', so after the first value token a wildcard stands where a name belongs.
      if (valueTokens.length > 0 && (SUBJECT_COMPONENT_KEYS.has(token) || (glob && hasWildcard(token))))
        break;
      valueTokens.push(token);
      i += 1;
    }
    const value = valueTokens.join(':');
    components.set(name, component(value, glob));
  }
  // A component the pattern does not name is unconstrained: either a trailing `*` runs over it, or the project's
  // sub leaves it out (a sub without ref_type is minted for tags and branches alike).
  const named = (name: string): ComponentPattern => components.get(name) ?? ANY;
  return {
    raw,
    matchesNoGitLabSub: false,
    projectPath: named('project_path'),
    projectId: named('project_id'),
    refType: named('ref_type'),
    ref: named('ref'),
    components,
  };
}

/** True when the component admits more than one value. */
export function isOpen(p: ComponentPattern): boolean {
  return p.kind !== 'exact';
}

/** Renders a component for messages and summaries (`*` for any). */
export function showComponent(p: ComponentPattern): string {
  return p.kind === 'any' ? '*' : p.value;
}
