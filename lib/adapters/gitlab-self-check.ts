/**
 * The probes behind the self-check (lib/core/self-check.ts) for one trusted issuer: `GET /version` (the API answers at
 * apiUrl and accepts the token), `GET /personal_access_tokens/self` (the token's scopes; GitLab 15.5+) and
 * `GET /projects/:id` for each pinned project. Shared by the Lambda's init self-check and `oidc-watch doctor`.
 *
 * Plain fetch with one deadline per probe and no retries: a self-check reports the state of things as they are, and
 * the token never appears in anything it returns.
 * See: https://docs.gitlab.com/api/version/ and https://docs.gitlab.com/api/personal_access_tokens/
 */
import type { IssuerProbes, Probe, TokenState } from '../core/self-check';

export interface GitLabSelfCheckOptions {
  readonly issuer: string;
  /** The REST API base, e.g. https://gitlab.com/api/v4. */
  readonly apiUrl: string;
  readonly token: TokenState;
  /** The token itself when `token.state` is `set` (never returned, never logged). */
  readonly tokenValue?: string;
  readonly pinnedProjectIds: readonly number[];
  /** Per probe, milliseconds. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

const MAX_DETAIL = 160;

function short(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return short(`${error.name === 'TimeoutError' ? 'timed out' : error.message}${code}`);
  }
  return short(String(error));
}

async function getJson(
  url: string,
  options: GitLabSelfCheckOptions,
): Promise<Probe<Record<string, unknown>>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.tokenValue !== undefined) headers['private-token'] = options.tokenValue;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { status: 'unreachable', detail: describe(error) };
  }
  const text = await response.text().catch(() => '');
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  if (response.status >= 300 && response.status < 400)
    return {
      status: 'not-gitlab',
      detail: `redirect ${response.status} to ${short(response.headers.get('location') ?? '?')}`,
    };
  if (!response.ok) {
    let message = isJson ? text : response.statusText;
    try {
      const body: unknown = JSON.parse(text);
      if (typeof body === 'object' && body !== null) {
        const m =
          (body as { message?: unknown; error?: unknown }).message ?? (body as { error?: unknown }).error;
        if (typeof m === 'string') message = m;
      }
    } catch {
      // Not JSON: keep the status text.
    }
    return { status: 'http', code: response.status, detail: short(message) };
  }
  try {
    const body: unknown = JSON.parse(text);
    if (isJson && typeof body === 'object' && body !== null && !Array.isArray(body))
      return { status: 'ok', value: body as Record<string, unknown> };
  } catch {
    // Falls through: a 2xx that is not a JSON object is not GitLab's API.
  }
  return {
    status: 'not-gitlab',
    detail: `${response.status} ${short(response.headers.get('content-type') ?? 'no content type')}`,
  };
}

function map<T>(
  probe: Probe<Record<string, unknown>>,
  read: (body: Record<string, unknown>) => T | null,
): Probe<T> {
  if (probe.status !== 'ok') return probe;
  const value = read(probe.value);
  return value === null ? { status: 'not-gitlab', detail: 'unexpected JSON shape' } : { status: 'ok', value };
}

/** Probes one issuer. Never throws for anything GitLab or the network does. */
export async function probeGitLabIssuer(options: GitLabSelfCheckOptions): Promise<IssuerProbes> {
  const base = options.apiUrl.replace(/\/+$/, '');
  const usable = options.token.state === 'set' || options.token.state === 'anonymous';
  const skipped = { status: 'skipped', detail: 'no usable token' } as const;
  const version = usable
    ? map(await getJson(`${base}/version`, options), (b) =>
        typeof b.version === 'string' ? { version: b.version } : null,
      )
    : skipped;
  const reachable = version.status === 'ok';
  const tokenInfo =
    reachable && options.token.state === 'set'
      ? map(await getJson(`${base}/personal_access_tokens/self`, options), (b) =>
          Array.isArray(b.scopes)
            ? {
                scopes: b.scopes.filter((s): s is string => typeof s === 'string'),
                active: typeof b.active === 'boolean' ? b.active : null,
              }
            : null,
        )
      : ({ status: 'skipped', detail: 'API not reachable with this token' } as const);
  // 404 here means an instance older than 15.5 (or a token type without a self endpoint): scopes unknown, not wrong.
  const scopes: IssuerProbes['tokenInfo'] =
    tokenInfo.status === 'http' && tokenInfo.code === 404
      ? { status: 'skipped', detail: 'personal_access_tokens/self not available' }
      : tokenInfo;
  const projects = await Promise.all(
    options.pinnedProjectIds.map(async (id) => ({
      id,
      probe: reachable
        ? map(await getJson(`${base}/projects/${id}`, options), (b) =>
            typeof b.path_with_namespace === 'string' ? { path: b.path_with_namespace } : null,
          )
        : ({ status: 'skipped', detail: 'API not reachable with this token' } as const),
    })),
  );
  return { issuer: options.issuer, apiUrl: base, token: options.token, version, tokenInfo: scopes, projects };
}
