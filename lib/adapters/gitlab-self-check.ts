/**
 * The self-check's requests to one GitLab instance: GET /version (is this GitLab's REST API, is the token accepted),
 * GET /personal_access_tokens/self (scopes, revoked, expiry), GET /projects/:id for each pinned project. One attempt
 * each, with a deadline: a diagnosis, not a lookup, so no retries; what GitLab answered is judged by
 * lib/core/self-check.ts. The token goes only into the PRIVATE-TOKEN header, never into a probe's description.
 * See: https://docs.gitlab.com/api/rest/authentication/#personalprojectgroup-access-tokens
 */
import type { TrustedIssuer } from '../core/config';
import type { IssuerProbes, ProbeAnswer, TokenState } from '../core/self-check';

export interface SelfCheckOptions {
  /** Deadline per request; default: the issuer's lookupTimeoutMs. */
  readonly timeoutMs?: number;
  /** Requests to the pinned projects in flight at once (default 4). */
  readonly concurrency?: number;
}

function errorCode(error: unknown): string {
  // undici: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); checked structurally (other realms).
  if (typeof error === 'object' && error !== null) {
    const cause = (error as { cause?: unknown }).cause;
    if (typeof cause === 'object' && cause !== null) {
      const { code, message } = cause as { code?: unknown; message?: unknown };
      if (typeof code === 'string') return code;
      if (typeof message === 'string') return message.slice(0, 80);
    }
    const name = (error as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  }
  return 'network error';
}

async function probe(
  apiUrl: string,
  path: string,
  token: string | undefined,
  timeoutMs: number,
): Promise<ProbeAnswer> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl.replace(/\/+$/, '')}${path}`, {
      headers: { accept: 'application/json', ...(token === undefined ? {} : { 'private-token': token }) },
      // Never follow: a redirect is an answer about the configuration (a login page, another host).
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = errorCode(error);
    return { kind: 'unreachable', detail: code === 'timeout' ? `no answer within ${timeoutMs} ms` : code };
  }
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text().catch(() => '');
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    return {
      kind: 'other',
      status: response.status,
      contentType: `a redirect${location ? ` to ${new URL(location, apiUrl).origin}${new URL(location, apiUrl).pathname}` : ''}`,
    };
  }
  if (!contentType.includes('json')) return { kind: 'other', status: response.status, contentType };
  try {
    return { kind: 'json', status: response.status, body: JSON.parse(text) as unknown };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { kind: 'other', status: response.status, contentType: `${contentType} that is not valid JSON` };
  }
}

/** Runs the requests for one issuer. `token` is the resolved value when `state` is 'present'. */
export async function runGitLabSelfCheck(
  issuer: TrustedIssuer,
  token: { readonly state: TokenState; readonly value?: string },
  projectIds: readonly number[],
  options: SelfCheckOptions = {},
): Promise<IssuerProbes> {
  const base = { issuer: issuer.issuer, apiUrl: issuer.apiUrl, token: token.state };
  if (token.state.state === 'missing' || token.state.state === 'placeholder')
    return { ...base, version: null, tokenSelf: null, projects: [] };
  const timeoutMs = options.timeoutMs ?? issuer.lookupTimeoutMs;
  const value = token.state.state === 'present' ? token.value : undefined;
  const version = await probe(issuer.apiUrl, '/version', value, timeoutMs);
  const isGitLab = version.kind === 'json' && version.status === 200;
  if (!isGitLab) return { ...base, version, tokenSelf: null, projects: [] };
  const tokenSelf =
    value === undefined ? null : await probe(issuer.apiUrl, '/personal_access_tokens/self', value, timeoutMs);
  const projects: { id: number; answer: ProbeAnswer }[] = [];
  const queue = [...projectIds];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift())
      projects.push({ id, answer: await probe(issuer.apiUrl, `/projects/${id}`, value, timeoutMs) });
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
  projects.sort((a, b) => a.id - b.id);
  return { ...base, version, tokenSelf, projects };
}
