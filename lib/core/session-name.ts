/**
 * `roleSessionName` is chosen by the CALLER: it is a hint naming the pipeline that (supposedly) made the call.
 * Everything it claims is checked against the signed `sub` and against GitLab's record of the pipeline.
 * Formats differ between teams (`pipeline-<id>`, GitLab's docs' `GitLabRunner-<project id>-<pipeline id>`, ...),
 * so they are configured as regular expressions with named groups.
 * See: https://docs.gitlab.com/ci/cloud_services/aws/
 */
import type { SessionNamePattern } from './config';
import { ConfigError } from './errors';
import { isValidRoleSessionName } from './session-pattern-safety';

export interface CompiledSessionPattern {
  readonly name: string;
  readonly regex: RegExp;
}

export type CompiledSessionPatterns = readonly CompiledSessionPattern[];

export interface ParsedSessionName {
  /** Name of the configured pattern that matched. */
  readonly pattern: string;
  readonly pipelineId: number;
  /** The project id the name claims, when the pattern has a `project_id` group and it matched. */
  readonly projectId: number | null;
  /** The job id the name claims (`(?<job_id>...)`, e.g. `$CI_JOB_ID`): selects the minting job, never trusted. */
  readonly jobId: number | null;
}

/**
 * Compiles the configured patterns once. The config schema already validates them; this re-checks so a caller that
 * builds patterns by hand gets a ConfigError naming the pattern rather than a silent non-match.
 */
export function compileSessionNamePatterns(patterns: readonly SessionNamePattern[]): CompiledSessionPatterns {
  return patterns.map((p, i) => {
    let regex: RegExp;
    try {
      regex = new RegExp(p.regex);
    } catch (e) {
      if (e instanceof SyntaxError) {
        throw new ConfigError(
          `sessionNamePatterns[${i}] (${p.name}): not a valid regular expression: ${e.message}`,
          `sessionNamePatterns[${i}].regex`,
          { cause: e },
        );
      }
      throw e;
    }
    if (!regex.source.includes('(?<pipeline_id>')) {
      throw new ConfigError(
        `sessionNamePatterns[${i}] (${p.name}): must contain a named group (?<pipeline_id>...)`,
        `sessionNamePatterns[${i}].regex`,
      );
    }
    return { name: p.name, regex };
  });
}

function parseId(text: string | undefined): number | null {
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The first pattern (in configured order) that matches and yields a usable pipeline id wins.
 * A pattern whose match gives a `project_id` (or `job_id`) group that is not a usable id is skipped too: a half-parsed
 * name must not quietly lose the project it claims.
 */
export function parseSessionName(name: string, patterns: CompiledSessionPatterns): ParsedSessionName | null {
  // A name AWS would have refused never reaches a pattern: it bounds every match to 64 known characters.
  if (!isValidRoleSessionName(name)) return null;
  for (const p of patterns) {
    const groups = p.regex.exec(name)?.groups;
    if (!groups) continue;
    const pipelineId = parseId(groups['pipeline_id']);
    if (pipelineId === null) continue;
    const projectText = groups['project_id'];
    const projectId = projectText === undefined ? null : parseId(projectText);
    if (projectText !== undefined && projectId === null) continue;
    const jobText = groups['job_id'];
    const jobId = jobText === undefined ? null : parseId(jobText);
    if (jobText !== undefined && jobId === null) continue;
    return { pattern: p.name, pipelineId, projectId, jobId };
  }
  return null;
}
