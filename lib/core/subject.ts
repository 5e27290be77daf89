/**
 * The token's `sub`, the one claim GitLab signs that reaches CloudTrail besides `aud`.
 *
 * GitLab builds it from the project's `ci_id_token_sub_claim_components` (default `project_path`, `ref_type`, `ref`):
 * each component becomes `<name>:<value>`, joined with ':' in the configured order, and components without a value
 * are left out. So it is a COMPONENT LIST, not a fixed format: `project_path:acme/app:ref_type:branch:ref:main`,
 * `project_path:acme/app:ref:main`, `project_id:42:ref_type:tag:ref:v1.2.0`, and since GitLab 18.7 optionally
 * `ref_protected`, `environment_protected` and `deployment_tier`.
 * See: https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload
 * See: https://docs.gitlab.com/api/projects/#edit-a-project (ci_id_token_sub_claim_components)
 */

export interface SubjectClaim {
  readonly raw: string;
  /** Every component as it appeared, in order of appearance. */
  readonly components: ReadonlyMap<string, string>;
  readonly projectPath: string | null;
  readonly projectId: number | null;
  /** `branch` or `tag` (kept as GitLab wrote it); null when the project's sub leaves ref_type out. */
  readonly refType: string | null;
  readonly ref: string | null;
  /** GitLab's signed statement that the ref was protected when the token was minted (18.7+), else null. */
  readonly refProtected: boolean | null;
  readonly environmentProtected: boolean | null;
  readonly deploymentTier: string | null;
  readonly environment: string | null;
}

/**
 * Component names GitLab can put in `sub` (claims of the ID token). A value runs until the next one of these.
 * See: https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload
 */
export const SUBJECT_COMPONENT_KEYS: ReadonlySet<string> = new Set([
  'project_path',
  'project_id',
  'namespace_path',
  'namespace_id',
  'ref_type',
  'ref',
  'ref_path',
  'ref_protected',
  'environment',
  'environment_protected',
  'deployment_tier',
  'environment_action',
  'pipeline_source',
  'pipeline_id',
  'job_id',
  'user_login',
  'user_id',
  'runner_id',
  'runner_environment',
  'sha',
]);

function parseBoolean(value: string | undefined): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** GitLab ids are positive integers; anything else (or beyond 2^53) is not a usable id. */
function parseId(value: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Splits `sub` into components. The first token must be a known component name. After a name, the next token is
 * always its value (so a branch called `ref` still parses); further tokens join that value with ':' until the next
 * known name. Git ref names, project paths and environment names cannot contain ':' in practice, so values are one
 * token; the joining only makes the parser robust. A repeated component makes the claim ambiguous: null.
 */
function splitComponents(sub: string): Map<string, string> | null {
  const tokens = sub.split(':');
  const components = new Map<string, string>();
  let key: string | null = null;
  let value: string[] = [];
  const flush = (): boolean => {
    if (key === null) return true;
    if (components.has(key)) return false;
    components.set(key, value.join(':'));
    return true;
  };
  for (const token of tokens) {
    if (key !== null && value.length > 0 && SUBJECT_COMPONENT_KEYS.has(token)) {
      if (!flush()) return null;
      key = token;
      value = [];
    } else if (key === null) {
      if (!SUBJECT_COMPONENT_KEYS.has(token)) return null;
      key = token;
    } else {
      value.push(token);
    }
  }
  if (key === null || value.length === 0) return null;
  if (!flush()) return null;
  return components;
}

/**
 * Parses GitLab's sub as a component list. Known keys are recognised wherever they appear.
 * Returns null when it is not a GitLab sub: no project_path/project_id, no (non-empty) ref, an unknown leading
 * component, a repeated component, or a project_id that is not a positive integer.
 */
export function parseSubject(sub: string): SubjectClaim | null {
  const components = splitComponents(sub);
  if (!components) return null;
  const projectPath = components.get('project_path') || null;
  const projectIdText = components.get('project_id');
  const projectId = projectIdText === undefined ? null : parseId(projectIdText);
  if (projectIdText !== undefined && projectId === null) return null;
  if (projectPath === null && projectId === null) return null;
  const ref = components.get('ref') || null;
  if (ref === null) return null;
  return {
    raw: sub,
    components,
    projectPath,
    projectId,
    refType: components.get('ref_type') || null,
    ref,
    refProtected: parseBoolean(components.get('ref_protected')),
    environmentProtected: parseBoolean(components.get('environment_protected')),
    deploymentTier: components.get('deployment_tier') || null,
    environment: components.get('environment') || null,
  };
}
