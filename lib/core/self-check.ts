/**
 * The service's check of its own set-up, pure: given what was probed for each trusted issuer (is a token set, does
 * the API answer at `apiUrl`, is the token accepted with `read_api`, is each pinned project visible), say what is
 * wrong and what to do. The Lambda runs it at init (metric SelfCheckFailures, alarm); `oidc-watch doctor` prints it
 * and refuses to judge when it fails, so that the tool's own misconfiguration never becomes alerts.
 * The probes are made by lib/adapters/gitlab-self-check.ts.
 */
import type { Config } from './config';

/**
 * The stack creates each issuer's token secret with a generated placeholder (Secrets Manager GenerateSecretString:
 * 32 characters, letters and digits, infra/constructs/gitlab-token-secrets.ts) that the operator replaces with
 * `aws secretsmanager put-secret-value`. GitLab never issues a token of that shape (personal, project and group
 * access tokens carry a `gl...-` prefix; legacy tokens have 20 characters, OAuth tokens 64 hex digits), so a value of
 * exactly that shape in a stack-generated secret is the placeholder, never a token.
 * See: https://docs.gitlab.com/security/tokens/#token-prefixes
 */
export const GENERATED_PLACEHOLDER = /^[A-Za-z0-9]{32}$/;

export function isPlaceholderToken(token: string): boolean {
  return GENERATED_PLACEHOLDER.test(token);
}

/** The outcome of one HTTP probe. */
export type Probe<T> =
  | { readonly status: 'ok'; readonly value: T }
  /** GitLab (or whatever answers at apiUrl) answered with this HTTP status. */
  | { readonly status: 'http'; readonly code: number; readonly detail: string }
  /** 2xx, but not the JSON GitLab sends: something else lives at apiUrl (a web page, a proxy). */
  | { readonly status: 'not-gitlab'; readonly detail: string }
  /** No answer: DNS, connection, TLS, timeout. */
  | { readonly status: 'unreachable'; readonly detail: string }
  | { readonly status: 'skipped'; readonly detail: string };

/** Where a token stands before anything is sent. */
export type TokenState =
  | { readonly state: 'set' }
  /** No token source and no GITLAB_TOKEN: anonymous, public projects only. */
  | { readonly state: 'anonymous' }
  /** The secret still holds the stack's placeholder. */
  | { readonly state: 'placeholder'; readonly where: string }
  /** The source could not be read (variable unset, file missing, secret unreadable): the message says which. */
  | { readonly state: 'unreadable'; readonly detail: string };

export interface IssuerProbes {
  readonly issuer: string;
  readonly apiUrl: string;
  readonly token: TokenState;
  /** GET /version (needs a token on most instances). */
  readonly version: Probe<{ readonly version: string }>;
  /** GET /personal_access_tokens/self: the token's scopes (GitLab 15.5+; older instances answer 404). */
  readonly tokenInfo: Probe<{ readonly scopes: readonly string[]; readonly active: boolean | null }>;
  /** GET /projects/:id for each pinned project id. */
  readonly projects: readonly { readonly id: number; readonly probe: Probe<{ readonly path: string }> }[];
}

export type SelfCheckCode =
  | 'TOKEN_NOT_SET'
  | 'TOKEN_UNREADABLE'
  | 'TOKEN_ANONYMOUS'
  | 'API_UNREACHABLE'
  | 'API_NOT_GITLAB'
  | 'TOKEN_REJECTED'
  | 'TOKEN_SCOPE'
  | 'PROJECT_NOT_VISIBLE';

export interface SelfCheckFinding {
  readonly issuer: string;
  readonly code: SelfCheckCode;
  /** `error`: verdicts for this issuer would be wrong or unverified; `warning`: worth fixing, not blocking. */
  readonly level: 'error' | 'warning';
  readonly message: string;
}

export interface SelfCheckReport {
  readonly findings: readonly SelfCheckFinding[];
  /** Number of `error` findings (the metric the Lambda records). */
  readonly errors: number;
  /** Issuers whose GitLab lookups can be trusted to mean what they say. */
  readonly healthyIssuers: readonly string[];
}

/** The scopes that let a token read what the checks need. See: https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes */
const READ_SCOPES = new Set(['read_api', 'api']);

function tokenFindings(p: IssuerProbes): SelfCheckFinding[] {
  const at = { issuer: p.issuer };
  switch (p.token.state) {
    case 'placeholder':
      return [
        {
          ...at,
          code: 'TOKEN_NOT_SET',
          level: 'error',
          message:
            `the GitLab token for ${p.issuer} is not set: ${p.token.where} still holds the placeholder generated at ` +
            `deploy. Store a read_api token: aws secretsmanager put-secret-value --secret-id ${p.token.where} ` +
            "--secret-string 'glpat-...'",
        },
      ];
    case 'unreadable':
      return [{ ...at, code: 'TOKEN_UNREADABLE', level: 'error', message: p.token.detail }];
    case 'anonymous':
      return [
        {
          ...at,
          code: 'TOKEN_ANONYMOUS',
          level: 'warning',
          message: `no GitLab token for ${p.issuer}: lookups are anonymous and see public projects only`,
        },
      ];
    case 'set':
      return [];
  }
}

function apiFindings(p: IssuerProbes): SelfCheckFinding[] {
  const at = { issuer: p.issuer };
  const v = p.version;
  switch (v.status) {
    case 'ok':
    case 'skipped':
      return [];
    case 'unreachable':
      return [
        {
          ...at,
          code: 'API_UNREACHABLE',
          level: 'error',
          message: `${p.apiUrl} did not answer: ${v.detail}`,
        },
      ];
    case 'not-gitlab':
      return [
        {
          ...at,
          code: 'API_NOT_GITLAB',
          level: 'error',
          message: `${p.apiUrl}/version did not answer as GitLab's REST API (${v.detail}): is apiUrl the /api/v4 base?`,
        },
      ];
    case 'http':
      if (v.code === 401 || v.code === 403) {
        return [
          {
            ...at,
            code: 'TOKEN_REJECTED',
            level: 'error',
            message: `GitLab at ${p.apiUrl} refused the token (${v.code} ${v.detail}): it is revoked, expired or for another instance`,
          },
        ];
      }
      return [
        {
          ...at,
          code: v.code === 404 ? 'API_NOT_GITLAB' : 'API_UNREACHABLE',
          level: 'error',
          message: `${p.apiUrl}/version answered ${v.code} ${v.detail}${v.code === 404 ? ': is apiUrl the /api/v4 base?' : ''}`,
        },
      ];
  }
}

function scopeFindings(p: IssuerProbes): SelfCheckFinding[] {
  const info = p.tokenInfo;
  if (info.status !== 'ok') return [];
  const missing = !info.value.scopes.some((s) => READ_SCOPES.has(s));
  const inactive = info.value.active === false;
  if (!missing && !inactive) return [];
  return [
    {
      issuer: p.issuer,
      code: 'TOKEN_SCOPE',
      level: 'error',
      message: inactive
        ? `the GitLab token for ${p.issuer} is inactive (revoked or expired)`
        : `the GitLab token for ${p.issuer} lacks the read_api scope (it has: ${info.value.scopes.join(', ') || 'none'})`,
    },
  ];
}

function projectFindings(p: IssuerProbes): SelfCheckFinding[] {
  return p.projects.flatMap(({ id, probe }): SelfCheckFinding[] => {
    if (probe.status === 'ok' || probe.status === 'skipped') return [];
    // No answer, or a 5xx: an outage, not a sign that the project is invisible.
    if (probe.status === 'unreachable' || (probe.status === 'http' && probe.code >= 500)) {
      const what = probe.status === 'http' ? `GitLab answered ${probe.code}` : 'no answer';
      return [
        {
          issuer: p.issuer,
          code: 'API_UNREACHABLE' as const,
          level: 'error' as const,
          message: `pinned project ${id} could not be checked at ${p.apiUrl}: ${what}: ${probe.detail}`,
        },
      ];
    }
    const why =
      probe.status === 'http' && probe.code === 404
        ? 'GitLab answers 404: the project does not exist or the token cannot see it (add the token user to the project, Reporter or above)'
        : `${probe.status === 'http' ? `GitLab answered ${probe.code}` : 'no answer'}: ${probe.detail}`;
    return [
      {
        issuer: p.issuer,
        code: 'PROJECT_NOT_VISIBLE' as const,
        level: 'error' as const,
        message: `pinned project ${id} is not visible at ${p.apiUrl}: ${why}; every assumption from it would be PROJECT_NOT_ALLOWED`,
      },
    ];
  });
}

/** Judges the probes of every trusted issuer. Pure; `config` names the issuers that must have been probed. */
export function judgeSelfCheck(
  config: Pick<Config, 'trustedIssuers'>,
  probes: readonly IssuerProbes[],
): SelfCheckReport {
  const findings: SelfCheckFinding[] = [];
  const healthy: string[] = [];
  for (const issuer of config.trustedIssuers) {
    const p = probes.find((x) => x.issuer === issuer.issuer);
    if (p === undefined) {
      findings.push({
        issuer: issuer.issuer,
        code: 'API_UNREACHABLE',
        level: 'error',
        message: `${issuer.issuer} was not checked`,
      });
      continue;
    }
    const own = [...tokenFindings(p), ...apiFindings(p), ...scopeFindings(p), ...projectFindings(p)];
    if (!own.some((f) => f.level === 'error')) healthy.push(issuer.issuer);
    findings.push(...own);
  }
  return { findings, errors: findings.filter((f) => f.level === 'error').length, healthyIssuers: healthy };
}

/** The pinned project ids to probe per issuer: every role that accepts the issuer (all roles when none is named). */
export function pinnedProjectsFor(config: Pick<Config, 'productionRoles'>, issuer: string): number[] {
  const ids = config.productionRoles
    .filter((r) => r.issuers === undefined || r.issuers.includes(issuer))
    .flatMap((r) => r.allowedProjectIds);
  return [...new Set(ids)].sort((a, b) => a - b);
}
