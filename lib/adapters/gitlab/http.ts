/**
 * The HTTP layer under gitbeaker: our own request handler, plugged into gitbeaker's resource classes through
 * `createRequesterFn` from @gitbeaker/requester-utils.
 *
 * Why not @gitbeaker/rest's default handler: it retries 429/502 up to 10 times with its own backoff, ignores
 * Retry-After, and its query timeout defaults to 300 s. Inside a Lambda with a per-lookup budget of a few seconds that
 * would turn "GitLab is slow" into "the function timed out". Here every lookup has ONE deadline covering queueing,
 * retries, backoff and Retry-After waits, and every wait is abortable by it.
 * See: https://github.com/jdalrymple/gitbeaker/blob/main/packages/rest/src/Requester.ts
 * See: https://docs.gitlab.com/api/rest/troubleshooting/ (429, Retry-After)
 */
import type {
  DefaultRequestOptions,
  FormattedResponse,
  RequesterType,
  ResourceOptions,
  ResponseBodyTypes,
} from '@gitbeaker/requester-utils';
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import { GitLabUnavailableError, OidcWatchError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import {
  type AttemptResult,
  exponentialBackoff,
  type GiveUp,
  parseRetryAfter,
  Semaphore,
  sleep,
  WaitAbortedError,
  withRetry,
} from '../../resilience';
import type { GitLabRequestBudget } from './budget';

/** GitLab answered with a status that retrying will not change (404, 401, 403, 400...). */
export class GitLabStatusError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly status: number,
    /** GitLab's own `message`/`error` text, e.g. "404 Project Not Found" (truncated). */
    public readonly gitlabMessage: string,
  ) {
    super(message);
  }
}

/** GitLab answered 2xx with a body we cannot read as JSON of the kind gitbeaker expects. */
export class GitLabResponseShapeError extends OidcWatchError {}

/** One lookup's budget: an absolute deadline (monotonic clock) and the signal that fires when it passes. */
export interface RequestContext {
  readonly deadlineAt: number;
  readonly signal: AbortSignal;
  /** Stops the deadline's clock while waiting for the request budget; returns the function that restarts it. */
  pauseDeadline?(): () => void;
}

export interface GitLabHttpOptions {
  /** API base, without trailing slash: https://gitlab.example.com/api/v4 */
  readonly apiUrl: string;
  /** Only used to scrub it from anything we write; the header itself comes from gitbeaker's auth headers. */
  readonly token: string | undefined;
  readonly lookupTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly baseBackoffMs: number;
  readonly logger: Logger;
  /** Jitter source; injectable so backoff stays deterministic where it needs to be. */
  readonly random?: () => number;
  /** The process's request budget for this instance and token (see budget.ts); none = unthrottled. */
  readonly budget?: GitLabRequestBudget;
  /** Longest wait for the budget per request (Infinity: as long as it takes). */
  readonly budgetMaxWaitMs?: number;
}

/** Redirects followed per request (moved projects answer one 301; more means a loop). */
const MAX_REDIRECTS = 5;
/** GitLab's error messages are short; anything longer is a proxy page we do not want in details or logs. */
const MAX_MESSAGE_CHARS = 200;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export const now = (): number => performance.now();

const HandlerOptionsSchema = z.object({
  method: z.string().default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  searchParams: z.string().optional(),
});

type SendResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly text: string;
    }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'network'; readonly code: string }
  | { readonly kind: 'deadline' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordArray(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every(isRecord);
}

/** Narrows parsed JSON to what gitbeaker's helpers accept (objects, arrays of objects, scalars). */
function toBody(value: unknown): ResponseBodyTypes {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (isRecord(value) || isRecordArray(value)) return value;
  throw new GitLabResponseShapeError('GitLab answered JSON that is neither an object nor a list of objects');
}

function gitlabMessageOf(text: string, contentType: string | undefined): string {
  if (contentType?.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) {
        const message = parsed['message'] ?? parsed['error'];
        if (typeof message === 'string') return message.slice(0, MAX_MESSAGE_CHARS);
        if (message !== undefined) return JSON.stringify(message).slice(0, MAX_MESSAGE_CHARS);
      }
    } catch (error) {
      if (!(error instanceof SyntaxError))
        throw new OidcWatchError('unexpected error reading a GitLab error body', { cause: error });
      // A JSON content type with a body that is not JSON: fall through to the raw text.
    }
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS);
}

/** gitbeaker's camelCase option names to GitLab's snake_case parameters (perPage -> per_page). */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The query string of gitbeaker's search parameters, as its own formatter writes it (snake_case keys, arrays as
 * `key[]=v`, undefined left out). Nested objects are not used by any lookup of ours: refused loudly, not guessed.
 */
export function formatQuery(params: Record<string, unknown>): string {
  const query = new URLSearchParams();
  const scalar = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null) query.append(key, '');
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      query.append(key, String(value));
    else throw new OidcWatchError(`unsupported GitLab query parameter ${key}: ${typeof value}`);
  };
  for (const [name, value] of Object.entries(params)) {
    const key = snakeCase(name);
    if (Array.isArray(value)) for (const v of value) scalar(`${key}[]`, v);
    else scalar(key, value);
  }
  return query.toString();
}

function networkCode(error: Record<string, unknown>): string {
  // undici: TypeError('fetch failed', { cause: Error & { code: 'ECONNREFUSED' } }) or TypeError('terminated').
  // Structural checks: errors from another realm fail `instanceof Error`.
  const cause = error['cause'];
  if (isRecord(cause) && typeof cause['code'] === 'string') return cause['code'];
  return typeof error['message'] === 'string' ? error['message'] : 'unknown network error';
}

/** One GitLab instance's transport: bounded concurrency, retries, deadlines, Retry-After, shared 429 pause. */
export class GitLabHttpClient {
  public requests = 0;
  public retries = 0;
  private readonly apiBase: URL;
  private readonly semaphore: Semaphore;
  private readonly backoff: (retry: number) => number;
  /** Monotonic time until which the instance asked us (429 + Retry-After) to send nothing. */
  private pausedUntil = 0;

  public constructor(private readonly options: GitLabHttpOptions) {
    this.apiBase = new URL(`${options.apiUrl.replace(/\/+$/, '')}/`);
    this.semaphore = new Semaphore(options.concurrency);
    // Exponential backoff with "equal jitter": half fixed, half random, so synchronized callers spread out.
    this.backoff = exponentialBackoff({
      baseMs: options.baseBackoffMs,
      jitter: 'equal',
      random: options.random ?? Math.random,
    });
  }

  /** Requests currently on the wire (for tests and summaries). */
  public get inFlight(): number {
    return this.semaphore.inUse;
  }

  /**
   * A gitbeaker `requesterFn` bound to one lookup's budget. gitbeaker's helpers pass no per-call context to the
   * requester (only a signal derived from `queryTimeout`, which we disable), so the lookup builds its resource with
   * this requester; constructing a resource is cheap (no I/O, no timers).
   *
   * Our own requester, not requester-utils' createRequesterFn: that one builds gitbeaker's rate limiters
   * (rate-limiter-flexible, picomatch-browser) and formats queries with qs; ours reads GET only, formats the query
   * itself and leaves pacing to the request budget. So the Lambda bundle can leave those packages out (see
   * infra/bundling.ts): nothing here reaches them.
   */
  public requesterFn(ctx: RequestContext): (serviceOptions: ResourceOptions) => RequesterType {
    return (serviceOptions) => {
      const get = async (endpoint: string, options?: DefaultRequestOptions): Promise<FormattedResponse> => {
        const headers = { ...serviceOptions.headers };
        for (const [name, value] of Object.entries(serviceOptions.authHeaders)) headers[name] = await value();
        const searchParams = formatQuery(options?.searchParams ?? {});
        return this.handle(
          endpoint,
          { method: 'GET', headers, ...(searchParams ? { searchParams } : {}) },
          ctx,
        );
      };
      const refuse = (method: string) => (endpoint: string) =>
        // The service only reads; a write here is a programming error, not a GitLab outcome.
        Promise.reject(new OidcWatchError(`refusing ${method} ${endpoint}: the GitLab adapter is read-only`));
      // gitbeaker types each method generic in the body it expects; the body is checked by a zod schema afterwards.
      return {
        get,
        post: refuse('POST'),
        put: refuse('PUT'),
        patch: refuse('PATCH'),
        delete: refuse('DELETE'),
      } as RequesterType;
    };
  }

  /** Removes the token from text we are about to put in a detail or a log line (defence in depth). */
  public scrub(text: string): string {
    const token = this.options.token;
    return token ? text.split(token).join('[redacted]') : text;
  }

  private async handle(
    endpoint: string,
    rawOptions: Record<string, unknown> | undefined,
    ctx: RequestContext,
  ): Promise<FormattedResponse> {
    const options = HandlerOptionsSchema.parse(rawOptions ?? {});
    if (options.method !== 'GET') {
      // The service only reads; a write here is a programming error, not a GitLab outcome.
      throw new OidcWatchError(`refusing ${options.method} ${endpoint}: the GitLab adapter is read-only`);
    }
    const target = { url: new URL(endpoint, this.apiBase), redirects: 0 };
    if (options.searchParams) target.url.search = options.searchParams;
    const headers = { accept: 'application/json', ...options.headers };
    return withRetry(() => this.attempt(target, headers, ctx), {
      maxRetries: this.options.maxRetries,
      backoff: this.backoff,
      deadlineAt: ctx.deadlineAt,
      now,
      signal: ctx.signal,
      retryAfterBeyondDeadline: true,
      onRetry: ({ retry, waitMs, problem }) => {
        this.retries += 1;
        this.options.logger.debug(
          {
            gitlab: this.apiBase.origin,
            path: this.describe(target.url),
            problem,
            attempt: retry,
            waitMs: Math.round(waitMs),
          },
          'GitLab request will be retried',
        );
      },
      giveUp: (why) => this.unavailable(target.url, this.giveUpReason(why)),
    });
  }

  /** One attempt: wait out a shared pause, send, follow same-API redirects; the answer decides retry or not. */
  private async attempt(
    target: { url: URL; redirects: number },
    headers: Record<string, string>,
    ctx: RequestContext,
  ): Promise<AttemptResult<FormattedResponse>> {
    for (;;) {
      await this.takeBudget(ctx, target.url);
      await this.waitForPause(ctx, target.url);
      const result = await this.sendOnce(target.url, headers, ctx);
      switch (result.kind) {
        case 'deadline':
          throw this.unavailable(
            target.url,
            `no answer within the ${this.options.lookupTimeoutMs} ms lookup deadline`,
          );
        case 'timeout':
          return { kind: 'retry', problem: `no answer within ${result.afterMs} ms` };
        case 'network':
          return { kind: 'retry', problem: `network error (${result.code})` };
        case 'response':
          if (!REDIRECT_STATUSES.has(result.status)) return this.judgeResponse(result, target.url, ctx);
          target.url = this.followRedirect(target.url, result.headers['location'], ++target.redirects);
      }
    }
  }

  /** 2xx is the answer; 429 and 5xx are worth a retry; any other status is GitLab's final word. */
  private judgeResponse(
    result: Extract<SendResult, { kind: 'response' }>,
    url: URL,
    ctx: RequestContext,
  ): AttemptResult<FormattedResponse> {
    const { status } = result;
    if (status >= 200 && status < 300) return { kind: 'done', value: this.formatted(result) };
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(result.headers['retry-after']);
      // Everyone talking to this instance waits, not only this request (unless the wait cannot fit the deadline).
      if (retryAfterMs !== undefined && retryAfterMs < ctx.deadlineAt - now())
        this.pausedUntil = Math.max(this.pausedUntil, now() + retryAfterMs);
      // ...and every lookup of the process that uses this token (they wait in the budget, deadline paused).
      if (retryAfterMs !== undefined) this.options.budget?.pauseFor(retryAfterMs);
      return {
        kind: 'retry',
        problem: 'rate limited (429)',
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    if (status >= 500) return { kind: 'retry', problem: `GitLab answered ${status}` };
    const gitlabMessage = this.scrub(gitlabMessageOf(result.text, result.headers['content-type']));
    throw new GitLabStatusError(
      `GitLab answered ${status} (${gitlabMessage}) for GET ${this.describe(url)}`,
      status,
      gitlabMessage,
    );
  }

  private giveUpReason(why: GiveUp): string {
    const deadline = `the ${this.options.lookupTimeoutMs} ms lookup deadline`;
    switch (why.reason) {
      case 'retry-after':
        return `${why.problem}: Retry-After asks for ${Math.ceil(why.retryAfterMs / 1000)} s, more than the ${why.remainingMs} ms left in the lookup deadline`;
      case 'attempts':
        return `${why.problem}; gave up after ${why.retries + 1} attempt${why.retries === 0 ? '' : 's'}`;
      case 'deadline':
        return `${why.problem}; no time left in ${deadline} to retry`;
      case 'aborted':
        return `${why.problem}; ${deadline} passed while waiting to retry`;
    }
  }

  /**
   * Waits for the process's request budget with the lookup's deadline paused: throttling ourselves is not GitLab
   * failing to answer. Past `budgetMaxWaitMs` the budget throws GitLabBudgetExhaustedError (the event is retried).
   */
  private async takeBudget(ctx: RequestContext, url: URL): Promise<void> {
    const budget = this.options.budget;
    if (!budget) return;
    const resume = ctx.pauseDeadline?.();
    try {
      await budget.acquire(`GET ${this.describe(url)}`, this.options.budgetMaxWaitMs ?? Infinity);
    } finally {
      resume?.();
    }
  }

  private async waitForPause(ctx: RequestContext, url: URL): Promise<void> {
    const waitMs = this.pausedUntil - now();
    if (waitMs <= 0) return;
    if (now() + waitMs >= ctx.deadlineAt) {
      throw this.unavailable(
        url,
        `GitLab asked us (429 Retry-After) to pause ${Math.ceil(waitMs / 1000)} s, past the lookup deadline`,
      );
    }
    await this.sleepWithinDeadline(waitMs, ctx, url, 'rate limited (429)');
  }

  private async sleepWithinDeadline(
    ms: number,
    ctx: RequestContext,
    url: URL,
    problem: string,
  ): Promise<void> {
    try {
      await sleep(ms, ctx.signal);
    } catch (error) {
      if (error instanceof WaitAbortedError)
        throw this.unavailable(
          url,
          `${problem}; the ${this.options.lookupTimeoutMs} ms lookup deadline passed while waiting to retry`,
        );
      throw error;
    }
  }

  /** One HTTP exchange under a permit, bounded by the per-request timeout and the lookup deadline. */
  private async sendOnce(
    url: URL,
    headers: Record<string, string>,
    ctx: RequestContext,
  ): Promise<SendResult> {
    let release: () => void;
    try {
      release = await this.semaphore.acquire(ctx.signal);
    } catch (error) {
      if (error instanceof WaitAbortedError) return { kind: 'deadline' };
      throw error;
    }
    const afterMs = Math.max(1, Math.min(this.options.requestTimeoutMs, Math.floor(ctx.deadlineAt - now())));
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new Error(`request timeout ${afterMs} ms`)), afterMs);
    const onDeadline = (): void => attempt.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onDeadline, { once: true });
    try {
      if (ctx.signal.aborted) return { kind: 'deadline' };
      this.requests += 1;
      // redirect: 'manual' — fetch would otherwise follow cross-origin redirects carrying our PRIVATE-TOKEN header
      // (the Fetch spec only strips Authorization). We follow same-origin API redirects ourselves.
      const response = await fetch(url, {
        method: 'GET',
        headers,
        redirect: 'manual',
        signal: attempt.signal,
      });
      const text = await response.text();
      return {
        kind: 'response',
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        text,
      };
    } catch (error) {
      if (ctx.signal.aborted) return { kind: 'deadline' };
      if (attempt.signal.aborted) return { kind: 'timeout', afterMs };
      // undici reports every transport failure (refused, reset, DNS, TLS, body cut short) as a TypeError. Checked by
      // name: fetch may come from another realm (jest sandboxes), where `instanceof TypeError` is false.
      if (isRecord(error) && error['name'] === 'TypeError')
        return { kind: 'network', code: this.scrub(networkCode(error)) };
      throw new OidcWatchError('unexpected error while calling GitLab', { cause: error });
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onDeadline);
      release();
    }
  }

  private formatted(result: Extract<SendResult, { kind: 'response' }>): FormattedResponse {
    const contentType = result.headers['content-type'] ?? '';
    if (result.status === 204 || result.text === '')
      return { body: null, headers: result.headers, status: result.status };
    if (!contentType.includes('json')) {
      throw new GitLabResponseShapeError(
        `GitLab answered ${result.status} with ${contentType || 'no content type'} instead of JSON`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.text);
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new GitLabResponseShapeError(
          `GitLab answered ${result.status} with a body that is not valid JSON`,
          { cause: error },
        );
      throw error;
    }
    return { body: toBody(parsed), headers: result.headers, status: result.status };
  }

  /** Follows a redirect only inside this instance's API (a moved project answers 301 to /api/v4/projects/<id>). */
  private followRedirect(from: URL, location: string | undefined, count: number): URL {
    if (!location)
      throw new GitLabResponseShapeError(
        `GitLab answered a redirect without Location for GET ${this.describe(from)}`,
      );
    if (count > MAX_REDIRECTS)
      throw new GitLabResponseShapeError(
        `more than ${MAX_REDIRECTS} redirects for GET ${this.describe(from)}`,
      );
    const target = new URL(location, from);
    if (target.origin !== this.apiBase.origin || !target.pathname.startsWith(this.apiBase.pathname)) {
      // Never send the token elsewhere; the lookup ends as "could not tell".
      throw new GitLabResponseShapeError(
        `GitLab redirected GET ${this.describe(from)} outside its API (${target.origin}); not followed`,
      );
    }
    return target;
  }

  /** Path relative to the API base, for details and logs (no query string, no host). */
  private describe(url: URL): string {
    const path = url.pathname.startsWith(this.apiBase.pathname)
      ? url.pathname.slice(this.apiBase.pathname.length)
      : url.pathname;
    return this.scrub(`/${path}`);
  }

  private unavailable(url: URL, reason: string): GitLabUnavailableError {
    return new GitLabUnavailableError(this.scrub(`GET ${this.describe(url)}: ${reason}`));
  }
}
