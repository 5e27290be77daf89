/**
 * The stand-in's HTTP core: a node:http server on 127.0.0.1 that records every request, applies injected faults and
 * latency, checks the token (PRIVATE-TOKEN or Bearer, as GitLab accepts) and hands GETs to the router. Per-request
 * work is map lookups and one JSON.stringify, so thousands of requests are cheap.
 * See: https://docs.gitlab.com/api/rest/authentication/
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { apiAreas } from './api';
import { projectDirectory } from './api/projects';
import { type ActiveFault, applyFault, takeFault } from './faults';
import { createReply, type RecordedRequest } from './reply';
import { createRateLimit, type RateLimit } from './rate-limit';
import { createRouter } from './router';
import type { Instance } from './shapes';
import type { GitLabStandin, StandinData } from './types';

export interface StandinOptions {
  data: StandinData;
  token?: string;
  latencyMs?: number;
  /** Enforce GitLab.com's per-user limit (e.g. 2000): 429 + Retry-After past it, in any 60 s window. */
  requestsPerMinute?: number;
}

interface State {
  readonly token: string;
  latencyMs: number;
  readonly requests: RecordedRequest[];
  faults: ActiveFault[];
  inFlight: number;
  maxInFlight: number;
  readonly timers: Set<NodeJS.Timeout>;
  instance: Instance;
  rateLimit: RateLimit | undefined;
}

const WEB_NOT_FOUND =
  '<!DOCTYPE html>\n<html><head><title>Not Found</title></head><body><h1>404</h1><p>Page Not Found</p></body></html>\n';

function authorized(req: IncomingMessage, token: string): boolean {
  return req.headers['private-token'] === token || req.headers.authorization === `Bearer ${token}`;
}

function handler(state: State, route: ReturnType<typeof createRouter>) {
  const respond = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void => {
    const reply = createReply(res, record, state.instance.baseUrl);
    const fault = takeFault(state.faults, record.path);
    if (fault) return applyFault(reply, fault);
    // Outside /api/v4 (and GraphQL at /api/graphql) GitLab's web application answers, in HTML, whatever the token:
    // what a client configured with an apiUrl lacking /api/v4 gets back.
    if (!record.path.startsWith('/api/v4/') && !record.path.startsWith('/api/graphql'))
      return reply.raw(404, { 'content-type': 'text/html; charset=utf-8' }, WEB_NOT_FOUND);
    if (!authorized(req, state.token)) return reply.json(401, { message: '401 Unauthorized' });
    // Per user, so after authentication, as GitLab's throttle_authenticated_api.
    if (state.rateLimit?.refuse(reply, performance.now())) return;
    if (req.method !== 'GET') return reply.json(405, { message: '405 Method Not Allowed' });
    route(new URL(record.path, state.instance.baseUrl), reply, state.instance);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      receivedAt: performance.now(),
    };
    state.requests.push(record);
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      state.inFlight -= 1;
    };
    res.on('finish', finish);
    res.on('close', finish);
    if (state.latencyMs <= 0) return respond(req, res, record);
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      if (!res.destroyed) respond(req, res, record);
    }, state.latencyMs);
    state.timers.add(timer);
  };
}

async function listen(server: Server): Promise<Instance> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('GitLab stand-in: expected a TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return { baseUrl, apiUrl: `${baseUrl}/api/v4` };
}

function controls(state: State, server: Server): GitLabStandin {
  return {
    url: state.instance.baseUrl,
    apiUrl: state.instance.apiUrl,
    token: state.token,
    requests: state.requests,
    requestCount: () => state.requests.length,
    maxInFlight: () => state.maxInFlight,
    resetRequests: () => {
      state.requests.length = 0;
      state.maxInFlight = state.inFlight;
    },
    addFault: (fault) => {
      state.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => {
      state.faults = [];
    },
    setLatencyMs: (ms) => {
      state.latencyMs = ms;
    },
    setRateLimit: (requestsPerMinute) => {
      state.rateLimit = requestsPerMinute === null ? undefined : createRateLimit(requestsPerMinute);
    },
    rateLimited: () => state.rateLimit?.refused() ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets and hung requests would otherwise hold close() (and jest) open.
        server.closeAllConnections();
      }),
  };
}

export async function startGitLabStandin(options: StandinOptions): Promise<GitLabStandin> {
  const state: State = {
    token: options.token ?? `glpat-standin-${randomBytes(10).toString('hex')}`,
    latencyMs: options.latencyMs ?? 0,
    requests: [],
    faults: [],
    inFlight: 0,
    maxInFlight: 0,
    timers: new Set(),
    instance: { baseUrl: '', apiUrl: '' },
    rateLimit:
      options.requestsPerMinute === undefined ? undefined : createRateLimit(options.requestsPerMinute),
  };
  const route = createRouter(projectDirectory(options.data), apiAreas(options.data));
  const server = createServer(handler(state, route));
  // Keep-alive connections from the adapter's fetch are reused; close() destroys whatever is left.
  server.keepAliveTimeout = 5_000;
  state.instance = await listen(server);
  return controls(state, server);
}
