/**
 * The two wildcard dialects the detector needs: GitLab's protected-ref patterns and the ARN globs of the policy.
 * Both compile to anchored regular expressions once and are cached, so matching stays cheap on hot paths.
 */

/** Escapes every regular-expression metacharacter so the text matches literally. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A small bounded cache: patterns come from configuration and from GitLab's protected-ref lists, so the set is
 * small in practice, but the bound keeps a pathological input from growing memory without limit.
 */
class RegExpCache {
  private readonly entries = new Map<string, RegExp>();

  public constructor(private readonly limit: number) {}

  public get(key: string, build: () => RegExp): RegExp {
    const hit = this.entries.get(key);
    if (hit) return hit;
    if (this.entries.size >= this.limit) this.entries.clear();
    const re = build();
    this.entries.set(key, re);
    return re;
  }
}

const refCache = new RegExpCache(4_096);
const arnCache = new RegExpCache(1_024);

/**
 * GitLab protected-ref wildcard semantics, as implemented by GitLab's ProtectedRefMatcher: an exact name match, or,
 * when the pattern contains '*', the pattern with every '*' turned into a lazy `.*?` and everything else quoted,
 * anchored at both ends (`\A...\z`). So '*' matches any sequence INCLUDING '/': `release/*` matches `release/1.2`
 * and `release/a/b`, and `*gitlab*` matches `master/gitlab/production` (GitLab's own docs example).
 * Other characters are literal ('.', '+', '?', '[' have no special meaning); matching is case-sensitive; a blank
 * pattern matches nothing.
 * Ruby's '.' does not match a newline; neither does `[^\n]` here (git ref names cannot contain one anyway).
 * See: https://docs.gitlab.com/user/project/repository/branches/protected/#protect-multiple-branches-with-wildcard-rules
 * See: https://gitlab.com/gitlab-org/gitlab/-/blob/master/app/models/protected_ref_matcher.rb
 */
export function refPatternMatches(pattern: string, ref: string): boolean {
  if (pattern.trim() === '') return false;
  if (pattern === ref) return true;
  if (!pattern.includes('*')) return false;
  const re = refCache.get(
    pattern,
    () => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('[^\\n]*?')}$`),
  );
  return re.test(ref);
}

export interface ArnGlobOptions {
  /**
   * Defaults to true. IAM role names are unique regardless of case (two roles cannot differ only by case), and `requestParameters.roleArn` is written by the caller, so a case-sensitive match could let a
   * differently cased ARN slip past the production-role filter without ever matching a different role.
   * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
   */
  readonly ignoreCase?: boolean;
}

/** Compiles an ARN glob ('*' any sequence, '?' exactly one character, the rest literal) to an anchored RegExp. */
export function compileArnGlob(pattern: string, options: ArnGlobOptions = {}): RegExp {
  const ignoreCase = options.ignoreCase ?? true;
  return arnCache.get(`${ignoreCase ? 'i' : 's'}:${pattern}`, () => {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += escapeRegExp(ch);
    }
    return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
  });
}

/** ARN glob: '*' any sequence (':' and '/' included), '?' one character; whole-string match. */
export function arnGlobMatches(pattern: string, arn: string, options: ArnGlobOptions = {}): boolean {
  return compileArnGlob(pattern, options).test(arn);
}
