/**
 * IAM's `StringLike` wildcards: `*` matches any sequence of characters (none included, `/` and `:` included), `?`
 * exactly one character; everything else is literal and case-sensitive. Matching is on the whole value.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 *
 * Implemented by iterative backtracking, not by building a RegExp from policy text: trust policies are input, and a
 * generated expression would put a ReDoS within reach of whoever writes one.
 */

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** True when the pattern matches every string (only `*` characters). */
export function matchesEverything(pattern: string): boolean {
  return pattern.length > 0 && /^\*+$/.test(pattern);
}

/** Whole-string IAM glob match in O(pattern × value) worst case. */
export function iamGlobMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      pi += 1;
      vi += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      mark = vi;
      pi += 1;
    } else if (star >= 0) {
      pi = star + 1;
      mark += 1;
      vi = mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}

/**
 * Sound inclusion test between two wildcard patterns: true only if every string `inner` matches is also matched by
 * `outer`. `inner`'s wildcards are treated as opaque symbols that only a `*` of `outer` may cover (a `?` of `outer`
 * covers a `?` of `inner`). It can answer false for some inclusions that hold (it is conservative), never true for
 * one that does not. `outerQuestionIsLiteral` is for GitLab's protected-ref patterns, where only `*` is special.
 */
export function globIncludes(outer: string, inner: string, outerQuestionIsLiteral = false): boolean {
  const memo = new Map<number, boolean>();
  const rec = (o: number, i: number): boolean => {
    const key = o * (inner.length + 1) + i;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    if (o === outer.length) result = i === inner.length;
    else if (outer[o] === '*') result = rec(o + 1, i) || (i < inner.length && rec(o, i + 1));
    else if (i === inner.length) result = false;
    else if (inner[i] === '*') result = false;
    else if (outer[o] === '?' && !outerQuestionIsLiteral) result = rec(o + 1, i + 1);
    else if (inner[i] === '?') result = false;
    else result = outer[o] === inner[i] && rec(o + 1, i + 1);
    memo.set(key, result);
    return result;
  };
  return rec(0, 0);
}
