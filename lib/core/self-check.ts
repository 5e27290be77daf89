/**
 * The self-check: does this configuration, with these tokens, let the service judge at all? Pure: the GitLab adapter
 * (lib/adapters/gitlab-self-check.ts) makes the requests and hands over what GitLab answered; this file decides.
 *
 * Why it exists: a misconfiguration otherwise shows up only as verdicts, and the wrong ones. An apiUrl without
 * /api/v4 turns every production assumption into a critical PROJECT_NOT_ALLOWED; a revoked or placeholder token, or
 * one that cannot see a pinned project, turns everything unverified (or into false alerts) without saying why.
 * So every problem names its consequence, and `blocksJudging` says whether judging anyway would produce verdicts
 * that are wrong rather than honestly unverified.
 * See: https://docs.gitlab.com/api/version/ , https://docs.gitlab.com/api/personal_access_tokens/#self-informing
 */
import type { Config } from './config';

/** What one GitLab request came back with, as far as the self-check cares. */
export type ProbeAnswer =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  /** An answer that is not JSON (an HTML page: GitLab's web application, a proxy, a login page). */
  | { readonly kind: 'other'; readonly status: number; readonly contentType: string }
  /** No answer: network error, timeout. */
  | { readonly kind: 'unreachable'; readonly detail: string };

export type TokenState =
  | { readonly state: 'present' }
  /** No token configured and no GITLAB_TOKEN: anonymous, public projects only. */
  | { readonly state: 'anonymous' }
  /** A token source is configured but gave nothing (unset variable). */
  | { readonly state: 'missing'; readonly detail: string }
  | { readonly state: 'placeholder' };

/** Everything the adapter learnt about one trusted issuer. `null` = not asked (an earlier answer made it pointless). */
export interface IssuerProbes {
  readonly issuer: string;
  readonly apiUrl: string;
  readonly token: TokenState;
  readonly version: ProbeAnswer | null;
  readonly tokenSelf: ProbeAnswer | null;
  readonly projects: ReadonlyArray<{ readonly id: number; readonly answer: ProbeAnswer }>;
}

export type SelfCheckStatus = 'ok' | 'warn' | 'fail';

export interface SelfCheckFinding {
  /** The issuer it concerns; null for the configuration as a whole. */
  readonly issuer: string | null;
  /** Stable id: api, token, scopes, expiry, project:<id>. */
  readonly check: string;
  readonly status: SelfCheckStatus;
  readonly message: string;
  /** Judging anyway would produce wrong verdicts (false alerts, blanket unverified for a fixable cause). */
  readonly blocksJudging: boolean;
}

export interface SelfCheckReport {
  readonly findings: readonly SelfCheckFinding[];
  /** No finding is `fail`. */
  readonly healthy: boolean;
  /** At least one finding blocks judging. */
  readonly blocksJudging: boolean;
}

/** Scopes that allow the reads the service makes; `api` works but grants writes too (least privilege: read_api). */
const READ_SCOPES = ['read_api', 'api'];
/** An expiry this close is worth a warning: the service goes unverified the day it passes. */
const EXPIRY_WARNING_DAYS = 14;

/**
 * A token that cannot be a real GitLab token: the kind of value left in a secret between deploy and
 * `put-secret-value`. Real tokens are `glpat-...` (or 20+ character legacy tokens) without spaces.
 */
export function isPlaceholderToken(token: string): boolean {
  const t = token.trim();
  if (t === '' || /\s/.test(t) || /^(.)\1*$/.test(t)) return true;
  return /^(<|\$\{|\{\{|replace|change[-_ ]?me|placeholder|todo|dummy|example|your[-_ ]?(gitlab[-_ ]?)?token|glpat-(x+|\.\.\.)$)/i.test(
    t,
  );
}

/** The pinned project ids the issuer must be able to see: every role that accepts it. */
export function pinnedProjectIds(config: Config, issuer: string): number[] {
  const ids = config.productionRoles
    .filter((r) => r.issuers === undefined || r.issuers.includes(issuer))
    .flatMap((r) => r.allowedProjectIds);
  return [...new Set(ids)].sort((a, b) => a - b);
}

function rolesPinning(config: Config, issuer: string, id: number): string {
  return config.productionRoles
    .filter(
      (r) => (r.issuers === undefined || r.issuers.includes(issuer)) && r.allowedProjectIds.includes(id),
    )
    .map((r) => r.name)
    .join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeAnswer(a: ProbeAnswer): string {
  if (a.kind === 'unreachable') return a.detail;
  if (a.kind === 'other') return `${a.status} with ${a.contentType || 'no content type'}`;
  const message = isRecord(a.body) ? (a.body['message'] ?? a.body['error']) : undefined;
  return typeof message === 'string' ? `${a.status} (${message.slice(0, 120)})` : String(a.status);
}

type Emit = (check: string, status: SelfCheckStatus, message: string, blocksJudging?: boolean) => void;

function judgeToken(p: IssuerProbes, emit: Emit): boolean {
  switch (p.token.state) {
    case 'missing':
      // Affects only this issuer, and honestly: its verdicts say why they are unverified. Not a reason to stop.
      emit('token', 'fail', `${p.token.detail}: verdicts that need this GitLab will be unverified`, false);
      return false;
    case 'placeholder':
      emit(
        'token',
        'fail',
        'the token is a placeholder, not a GitLab token: store a read_api token (aws secretsmanager put-secret-value, or the variable)',
      );
      return false;
    case 'anonymous':
      emit(
        'token',
        'warn',
        'no token: anonymous requests see public projects only; private pinned projects will fail',
      );
      return true;
    case 'present':
      return true;
  }
}

/** GET /version: is this GitLab's REST API, and does it accept the token? */
function judgeApi(p: IssuerProbes, emit: Emit): boolean {
  const a = p.version;
  if (a === null) return false;
  const hint = /\/api\/v4$/.test(p.apiUrl)
    ? ''
    : ` apiUrl must be the REST API base, usually ${p.apiUrl.replace(/\/+$/, '')}/api/v4.`;
  if (a.kind === 'unreachable') {
    emit(
      'api',
      'warn',
      `GitLab did not answer at ${p.apiUrl} (${a.detail}): verdicts that need it will be unverified until it does.${hint}`,
      false,
    );
    return false;
  }
  if (a.kind === 'json' && a.status === 200 && isRecord(a.body) && typeof a.body['version'] === 'string') {
    emit('api', 'ok', `GitLab ${a.body['version']} answers at ${p.apiUrl}`);
    return true;
  }
  if (a.kind === 'json' && a.status === 401) {
    const why =
      p.token.state === 'anonymous'
        ? 'GitLab wants a token'
        : 'the token was rejected (revoked, expired or not a GitLab token)';
    emit(
      'token',
      'fail',
      `${why}: GET /version answered 401; every lookup would fail and every verdict be unverified`,
    );
    return false;
  }
  if (a.kind === 'json' && a.status === 403) {
    emit(
      'token',
      'fail',
      'the token may not read the API (403 on GET /version): it needs the read_api scope',
    );
    return false;
  }
  if (a.kind === 'json' && a.status >= 500) {
    emit(
      'api',
      'warn',
      `GitLab answered ${describeAnswer(a)} at ${p.apiUrl}: verdicts that need it will be unverified until it recovers`,
      false,
    );
    return false;
  }
  emit(
    'api',
    'fail',
    `no GitLab REST API at ${p.apiUrl}: GET /version answered ${describeAnswer(a)}. Lookups would read "not found" ` +
      `and every production assumption would become a false PROJECT_NOT_ALLOWED alert.${hint}`,
  );
  return false;
}

/** GET /personal_access_tokens/self: scopes, state and expiry, where the token type answers it. */
function judgeScopes(p: IssuerProbes, emit: Emit, today: string): void {
  const a = p.tokenSelf;
  if (a === null) return;
  if (a.kind !== 'json' || a.status !== 200 || !isRecord(a.body)) {
    // 400 for OAuth and job tokens, 404 on old GitLab versions: the /version call already showed the token works.
    emit(
      'scopes',
      'warn',
      `scopes not checked: GET /personal_access_tokens/self answered ${describeAnswer(a)} (not a personal, project or group access token?)`,
      false,
    );
    return;
  }
  const body = a.body;
  const scopes = Array.isArray(body['scopes'])
    ? body['scopes'].filter((s): s is string => typeof s === 'string')
    : [];
  if (body['revoked'] === true || body['active'] === false) {
    emit('token', 'fail', 'the token is revoked or inactive: every verdict would be unverified');
    return;
  }
  if (!scopes.some((s) => READ_SCOPES.includes(s))) {
    emit(
      'scopes',
      'fail',
      `the token's scopes (${scopes.join(', ') || 'none'}) do not include read_api: lookups would be refused`,
    );
  } else if (!scopes.includes('read_api')) {
    emit(
      'scopes',
      'warn',
      `the token has scopes ${scopes.join(', ')}: it works, but read_api alone is enough (least privilege)`,
      false,
    );
  } else {
    emit('scopes', 'ok', `token scopes: ${scopes.join(', ')}`);
  }
  const expires = body['expires_at'];
  if (typeof expires === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(expires)) {
    const days = Math.round(
      (Date.parse(`${expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
    );
    if (days <= 0) emit('expiry', 'fail', `the token expired on ${expires}`);
    else if (days <= EXPIRY_WARNING_DAYS)
      emit(
        'expiry',
        'warn',
        `the token expires on ${expires} (in ${days} day(s)): rotate it before then`,
        false,
      );
  }
}

function judgeProjects(config: Config, p: IssuerProbes, emit: Emit): void {
  for (const { id, answer } of p.projects) {
    const roles = rolesPinning(config, p.issuer, id);
    if (
      answer.kind === 'json' &&
      answer.status === 200 &&
      isRecord(answer.body) &&
      answer.body['id'] === id
    ) {
      const path = answer.body['path_with_namespace'];
      emit(
        `project:${id}`,
        'ok',
        `pinned project ${id}${typeof path === 'string' ? ` (${path})` : ''} is visible`,
      );
    } else if (answer.kind === 'unreachable' || (answer.kind === 'json' && answer.status >= 500)) {
      emit(
        `project:${id}`,
        'warn',
        `pinned project ${id}: GitLab did not answer (${describeAnswer(answer)})`,
        false,
      );
    } else {
      emit(
        `project:${id}`,
        'fail',
        `pinned project ${id} (role ${roles}) is not visible to this token (GET /projects/${id} answered ` +
          `${describeAnswer(answer)}): every assumption by it would be judged as if the project did not exist. ` +
          `Give the token's user at least Reporter access, or fix the id.`,
      );
    }
  }
}

/** Judges what the adapter found for every trusted issuer. `today` is YYYY-MM-DD (UTC), for the expiry check. */
export function judgeSelfCheck(
  config: Config,
  probes: readonly IssuerProbes[],
  today: string,
): SelfCheckReport {
  const findings: SelfCheckFinding[] = [];
  for (const p of probes) {
    const emit: Emit = (check, status, message, blocksJudging = status === 'fail') =>
      findings.push({ issuer: p.issuer, check, status, message, blocksJudging });
    if (!judgeToken(p, emit)) continue;
    if (!judgeApi(p, emit)) continue;
    judgeScopes(p, emit, today);
    judgeProjects(config, p, emit);
  }
  return {
    findings,
    healthy: findings.every((f) => f.status !== 'fail'),
    blocksJudging: findings.some((f) => f.blocksJudging),
  };
}
