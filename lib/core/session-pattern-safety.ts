/**
 * Session-name patterns run against a string the CALLER chooses (`roleSessionName`), so a pattern with catastrophic
 * backtracking lets anyone who can call STS burn the function's CPU (one such pattern took 6 s on a 28-character
 * name). Two defences, both applied before any pattern sees a name:
 *  1. names AWS would never accept for RoleSessionName (2–64 characters of [\w+=,.@-]) are refused without a match;
 *  2. every configured pattern is analysed at config load with redos-detector (a maintained ReDoS analyser for
 *     ECMAScript patterns), and refused when the same input can be matched in too many ways.
 * See: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html (RoleSessionName)
 * See: https://github.com/tjenkinson/redos-detector
 */
import { isSafePattern } from 'redos-detector';

/** The longest RoleSessionName AWS accepts; also the longest string a pattern is ever run on. */
export const MAX_ROLE_SESSION_NAME_LENGTH = 64;

/** RoleSessionName as the STS API reference defines it: `[\w+=,.@-]*`, 2 to 64 characters. */
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** True when AWS could have accepted `name` as a RoleSessionName; anything else never reaches a pattern. */
export function isValidRoleSessionName(name: string): boolean {
  return name.length <= MAX_ROLE_SESSION_NAME_LENGTH && ROLE_SESSION_NAME.test(name);
}

/**
 * Analysis budget. Steps, not a timeout: the verdict must not depend on how busy the machine is, or a config that
 * passed `cdk synth` could fail at Lambda init. Unsafe patterns hit either limit within a few hundred ms.
 */
const MAX_STEPS = 5_000;
const MAX_SCORE = 200;

export interface PatternSafety {
  readonly safe: boolean;
  /** Why the pattern was refused, for the config error. */
  readonly reason?: string;
}

/**
 * redos-detector does not parse named groups. A named group is also a numbered group (same position), so
 * `(?<name>` becomes `(` and `\k<name>` the matching `\N`; lookbehinds `(?<=` / `(?<!` are left alone.
 * Unbounded quantifiers (`*`, `+`, `{n,}`) become `{n,64}`: names never exceed 64 characters, so this is exactly
 * the work the pattern can do here. Quadratic patterns such as `^[\w.-]+-(?<pipeline_id>[0-9]+)$` are harmless at
 * 64 characters and pass; exponential ones (`^(\w+)+-...`) still fail.
 */
export function analysablePattern(source: string): string {
  const groups: string[] = [];
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i] ?? '';
    if (c === '\\') {
      const named = inClass ? null : /^\\k<([A-Za-z_$][\w$]*)>/.exec(source.slice(i));
      if (named) {
        const index = groups.indexOf(named[1] ?? '') + 1;
        out += index > 0 ? `\\${index}` : named[0];
        i += named[0].length - 1;
      } else {
        out += source.slice(i, i + 2);
        i += 1;
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === '(') {
      const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(source.slice(i));
      if (named) {
        groups.push(named[1] ?? '');
        out += '(';
        i += named[0].length - 1;
        continue;
      }
      if (source[i + 1] !== '?') groups.push('');
    }
    out += boundQuantifier(source, i) ?? c;
    const brace = c === '{' ? /^\{([0-9]+),\}/.exec(source.slice(i)) : null;
    if (brace) i += brace[0].length - 1;
  }
  return out;
}

function boundQuantifier(source: string, i: number): string | null {
  const c = source[i];
  if (c === '*') return `{0,${MAX_ROLE_SESSION_NAME_LENGTH}}`;
  if (c === '+') return `{1,${MAX_ROLE_SESSION_NAME_LENGTH}}`;
  if (c === '{') {
    const open = /^\{([0-9]+),\}/.exec(source.slice(i));
    if (open) return `{${open[1] ?? '0'},${Math.max(Number(open[1]), MAX_ROLE_SESSION_NAME_LENGTH)}}`;
  }
  return null;
}

/** Checks one pattern (already known to compile) for catastrophic backtracking on names of up to 64 characters. */
export function checkPatternSafety(source: string): PatternSafety {
  let result: ReturnType<typeof isSafePattern>;
  try {
    result = isSafePattern(analysablePattern(source), { maxSteps: MAX_STEPS, maxScore: MAX_SCORE });
  } catch (e) {
    // The analyser's parser is stricter than V8's on a few exotic constructs: refuse rather than run unanalysed.
    return {
      safe: false,
      reason: `cannot be analysed for backtracking (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    };
  }
  if (result.safe) return { safe: true };
  const trail = result.trails[0]?.trail[0];
  const where = trail
    ? `: '${trail.a.node.source}' and '${trail.b.node.source}' can match the same characters`
    : '';
  const why =
    result.error === 'hitMaxSteps'
      ? `too many ways to match the same input to analyse (over ${MAX_STEPS} steps)`
      : `the same input can be matched in ${result.score.infinite ? 'unboundedly many' : String(result.score.value)} ways`;
  return {
    safe: false,
    reason: `catastrophic backtracking: ${why}${where}. The session name is chosen by the caller; make the parts unambiguous (e.g. [0-9]{1,19} after a literal separator, no nested quantifiers)`,
  };
}
