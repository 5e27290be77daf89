/**
 * A local GitLab stand-in: a node:http server on 127.0.0.1 serving the few /api/v4 endpoints the service reads,
 * with responses in GitLab's documented shapes (snake_case, offsets on timestamps, nulls where GitLab sends nulls,
 * pagination headers, 401/404 bodies, 301 for moved projects). Used by the adapter tests, `npm run demo` and
 * `npm run bench`; it keeps per-request work to map lookups and one JSON.stringify so thousands of requests are cheap.
 * See: https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline
 * See: https://docs.gitlab.com/api/projects/#get-a-single-project
 * See: https://docs.gitlab.com/api/protected_branches/#list-protected-branches
 * See: https://docs.gitlab.com/api/protected_tags/#list-protected-tags
 * See: https://docs.gitlab.com/api/merge_requests/#get-single-mr
 * See: https://docs.gitlab.com/api/rest/#pagination and https://docs.gitlab.com/api/rest/#redirects
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface StandinProject {
  id: number;
  path_with_namespace: string;
  protected_branches?: string[];
  protected_tags?: string[];
}
export interface StandinPipeline {
  id: number;
  project_id: number;
  ref: string;
  source: string;
  sha?: string;
  status?: string;
  tag?: boolean;
  username?: string;
  created_at?: string;
}
export interface StandinMergeRequest {
  project_id: number;
  iid: number;
  source_branch: string;
  target_branch: string;
  source_project_id?: number;
}
export interface StandinData {
  projects: StandinProject[];
  pipelines: StandinPipeline[];
  mergeRequests?: StandinMergeRequest[];
  /** old `group/project` path -> current project id: GET on the old path answers 301 to /api/v4/projects/<id>. */
  movedPaths?: Record<string, number>;
}
export type StandinFault = {
  /** Substring of, or pattern tested against, the request path including its query string. */
  match: string | RegExp;
  kind: 429 | 500 | 502 | 503 | 'hang' | 404;
  /** How many matching requests get the fault; omitted = all of them. */
  times?: number;
  /** For 429: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
};
export interface StandinRequest {
  readonly method: string;
  /** Path and query string as received, e.g. /api/v4/projects/42/protected_branches?per_page=100 */
  readonly path: string;
  /** 0 while unanswered (and for hung requests). */
  readonly status: number;
  /** performance.now() when the request arrived (monotonic milliseconds, same clock as the test process). */
  readonly receivedAt: number;
}
export interface GitLabStandin {
  /** Instance URL, e.g. http://127.0.0.1:43121 (web_url values start with it). */
  url: string;
  /** API base: `${url}/api/v4`. */
  apiUrl: string;
  token: string;
  requests: readonly StandinRequest[];
  requestCount(): number;
  /** Highest number of requests in flight at once since start or the last resetRequests(). */
  maxInFlight(): number;
  resetRequests(): void;
  addFault(f: StandinFault): void;
  clearFaults(): void;
  setLatencyMs(ms: number): void;
  close(): Promise<void>;
}

interface MutableRequest {
  method: string;
  path: string;
  status: number;
  receivedAt: number;
}

interface ActiveFault {
  readonly fault: StandinFault;
  remaining: number;
}

const JSON_TYPE = 'application/json';
const DEFAULT_CREATED_AT = '2025-04-16T03:31:56.117+00:00';
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** A stable small integer for ids of users, namespaces, access levels. */
function stableId(seed: string): number {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) % 9_000_000;
}

function addSeconds(timestamp: string, seconds: number): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  return new Date(ms + seconds * 1000).toISOString().replace('Z', '+00:00');
}

function userJson(baseUrl: string, username: string): Record<string, unknown> {
  return {
    id: stableId(`user:${username}`),
    username,
    name: username
      .split(/[._-]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(' '),
    state: 'active',
    locked: false,
    avatar_url: `https://secure.gravatar.com/avatar/${fakeSha(username).slice(0, 32)}?s=80&d=identicon`,
    web_url: `${baseUrl}/${username}`,
  };
}

export async function startGitLabStandin(options: {
  data: StandinData;
  token?: string;
  latencyMs?: number;
}): Promise<GitLabStandin> {
  const token = options.token ?? `glpat-standin-${randomBytes(10).toString('hex')}`;
  let latencyMs = options.latencyMs ?? 0;
  const requests: MutableRequest[] = [];
  let faults: ActiveFault[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const timers = new Set<NodeJS.Timeout>();

  // Indexes built once: every request is a map lookup.
  const projectsById = new Map<number, StandinProject>();
  const projectsByPath = new Map<string, StandinProject>();
  for (const project of options.data.projects) {
    projectsById.set(project.id, project);
    // GitLab resolves full paths case-insensitively.
    projectsByPath.set(project.path_with_namespace.toLowerCase(), project);
  }
  const moved = new Map<string, number>();
  for (const [path, id] of Object.entries(options.data.movedPaths ?? {})) moved.set(path.toLowerCase(), id);
  const pipelines = new Map<string, { pipeline: StandinPipeline; iid: number }>();
  const byProject = new Map<number, StandinPipeline[]>();
  for (const pipeline of options.data.pipelines) {
    const list = byProject.get(pipeline.project_id) ?? [];
    list.push(pipeline);
    byProject.set(pipeline.project_id, list);
  }
  for (const list of byProject.values()) {
    [...list]
      .sort((a, b) => a.id - b.id)
      .forEach((pipeline, index) =>
        pipelines.set(`${pipeline.project_id}:${pipeline.id}`, { pipeline, iid: index + 1 }),
      );
  }
  const mergeRequests = new Map<string, StandinMergeRequest>();
  for (const mr of options.data.mergeRequests ?? []) mergeRequests.set(`${mr.project_id}!${mr.iid}`, mr);

  let baseUrl = '';
  let apiUrl = '';

  const projectJson = (project: StandinProject): Record<string, unknown> => {
    const segments = project.path_with_namespace.split('/');
    const path = segments[segments.length - 1] ?? project.path_with_namespace;
    const namespacePath = segments.slice(0, -1).join('/');
    const webUrl = `${baseUrl}/${project.path_with_namespace}`;
    return {
      id: project.id,
      description: null,
      name: path,
      name_with_namespace: segments.join(' / '),
      path,
      path_with_namespace: project.path_with_namespace,
      created_at: '2023-02-01T09:12:44.310+00:00',
      default_branch: 'main',
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@${new URL(baseUrl).host}:${project.path_with_namespace}.git`,
      http_url_to_repo: `${webUrl}.git`,
      web_url: webUrl,
      readme_url: `${webUrl}/-/blob/main/README.md`,
      forks_count: 0,
      avatar_url: null,
      star_count: 3,
      last_activity_at: '2025-04-16T03:40:02.871+00:00',
      namespace: {
        id: stableId(`ns:${namespacePath}`),
        name: namespacePath.split('/').pop() ?? namespacePath,
        path: namespacePath.split('/').pop() ?? namespacePath,
        kind: 'group',
        full_path: namespacePath,
        parent_id: null,
        avatar_url: null,
        web_url: `${baseUrl}/groups/${namespacePath}`,
      },
      visibility: 'private',
      archived: false,
      empty_repo: false,
      ci_config_path: null,
      ci_id_token_sub_claim_components: ['project_path', 'ref_type', 'ref'],
    };
  };

  const pipelineJson = (
    project: StandinProject,
    pipeline: StandinPipeline,
    iid: number,
  ): Record<string, unknown> => {
    const createdAt = pipeline.created_at ?? DEFAULT_CREATED_AT;
    const status = pipeline.status ?? 'success';
    const sha = pipeline.sha ?? fakeSha(`pipeline:${pipeline.id}`);
    return {
      id: pipeline.id,
      iid,
      project_id: pipeline.project_id,
      name: null,
      sha,
      ref: pipeline.ref,
      status,
      source: pipeline.source,
      created_at: createdAt,
      updated_at: addSeconds(createdAt, 95),
      web_url: `${baseUrl}/${project.path_with_namespace}/-/pipelines/${pipeline.id}`,
      before_sha: '0000000000000000000000000000000000000000',
      tag: pipeline.tag ?? false,
      yaml_errors: null,
      user: userJson(baseUrl, pipeline.username ?? 'jdoe'),
      started_at: addSeconds(createdAt, 2),
      finished_at: status === 'running' || status === 'pending' ? null : addSeconds(createdAt, 95),
      committed_at: null,
      duration: 93,
      queued_duration: 1.482117,
      coverage: null,
      detailed_status: {
        icon: `status_${status}`,
        text: status,
        label: status === 'success' ? 'passed' : status,
        group: status,
        tooltip: status === 'success' ? 'passed' : status,
        has_details: false,
        details_path: `/${project.path_with_namespace}/-/pipelines/${pipeline.id}`,
        illustration: null,
        favicon: `/assets/ci_favicons/favicon_status_${status}.png`,
      },
    };
  };

  const accessLevel = (seed: string, index: number): Record<string, unknown>[] => {
    const levels: Record<string, unknown>[] = [
      {
        id: stableId(`${seed}:maintainers`),
        access_level: 40,
        access_level_description: 'Maintainers',
        deploy_key_id: null,
        user_id: null,
        group_id: null,
      },
    ];
    // GitLab leaves access_level null when access is granted to a group, user or deploy key.
    if (index % 2 === 1)
      levels.push({
        id: stableId(`${seed}:group`),
        access_level: null,
        access_level_description: 'release-managers',
        deploy_key_id: null,
        user_id: null,
        group_id: 9,
      });
    return levels;
  };

  const protectedBranchJson = (
    project: StandinProject,
    name: string,
    index: number,
  ): Record<string, unknown> => ({
    id: stableId(`pb:${project.id}:${name}`),
    name,
    push_access_levels: accessLevel(`pb:${project.id}:${name}:push`, index),
    merge_access_levels: accessLevel(`pb:${project.id}:${name}:merge`, index),
    unprotect_access_levels: [],
    allow_force_push: false,
    code_owner_approval_required: false,
    inherited: false,
  });

  const protectedTagJson = (
    project: StandinProject,
    name: string,
    index: number,
  ): Record<string, unknown> => ({
    name,
    create_access_levels: accessLevel(`pt:${project.id}:${name}:create`, index),
  });

  const mergeRequestJson = (project: StandinProject, mr: StandinMergeRequest): Record<string, unknown> => ({
    id: stableId(`mr:${mr.project_id}:${mr.iid}`),
    iid: mr.iid,
    project_id: mr.project_id,
    title: `Update ${mr.source_branch}`,
    description: '',
    state: 'opened',
    created_at: '2025-04-15T18:02:11.453+00:00',
    updated_at: '2025-04-16T03:30:02.940+00:00',
    merged_by: null,
    merged_at: null,
    closed_by: null,
    closed_at: null,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    user_notes_count: 1,
    upvotes: 0,
    downvotes: 0,
    author: userJson(baseUrl, 'jdoe'),
    assignees: [],
    reviewers: [],
    source_project_id: mr.source_project_id ?? mr.project_id,
    target_project_id: mr.project_id,
    labels: [],
    draft: false,
    work_in_progress: false,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: fakeSha(`mr:${mr.project_id}:${mr.iid}`),
    merge_commit_sha: null,
    squash_commit_sha: null,
    references: {
      short: `!${mr.iid}`,
      relative: `!${mr.iid}`,
      full: `${project.path_with_namespace}!${mr.iid}`,
    },
    web_url: `${baseUrl}/${project.path_with_namespace}/-/merge_requests/${mr.iid}`,
    squash: false,
    has_conflicts: false,
    blocking_discussions_resolved: true,
  });

  const send = (
    res: ServerResponse,
    record: MutableRequest,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void => {
    record.status = status;
    res.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };
  const sendJson = (
    res: ServerResponse,
    record: MutableRequest,
    status: number,
    value: unknown,
    headers?: Record<string, string>,
  ): void => send(res, record, status, JSON.stringify(value), headers);

  const sendPage = (
    res: ServerResponse,
    record: MutableRequest,
    url: URL,
    items: readonly Record<string, unknown>[],
  ): void => {
    const perPageParam = Number(url.searchParams.get('per_page'));
    const perPage =
      Number.isInteger(perPageParam) && perPageParam >= 1
        ? Math.min(perPageParam, MAX_PER_PAGE)
        : DEFAULT_PER_PAGE;
    const pageParam = Number(url.searchParams.get('page'));
    const page = Number.isInteger(pageParam) && pageParam >= 1 ? pageParam : 1;
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const linkTo = (p: number): string => {
      const target = new URL(`${baseUrl}${url.pathname}`);
      for (const [k, v] of url.searchParams)
        if (k !== 'page' && k !== 'per_page') target.searchParams.set(k, v);
      target.searchParams.set('page', String(p));
      target.searchParams.set('per_page', String(perPage));
      return target.toString();
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${linkTo(page - 1)}>; rel="prev"`);
    if (page < totalPages) links.push(`<${linkTo(page + 1)}>; rel="next"`);
    links.push(`<${linkTo(1)}>; rel="first"`, `<${linkTo(totalPages)}>; rel="last"`);
    sendJson(res, record, 200, slice, {
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
    });
  };

  const applyFault = (res: ServerResponse, record: MutableRequest, fault: StandinFault): void => {
    switch (fault.kind) {
      case 'hang':
        return; // never answer; close() destroys the socket
      case 429:
        // GitLab.com's rate limiter answers plain text. See: https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom
        record.status = 429;
        res.writeHead(429, {
          'content-type': 'text/plain',
          ...(fault.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(fault.retryAfterSeconds) }),
          'ratelimit-limit': '2000',
          'ratelimit-remaining': '0',
        });
        res.end('Retry later\n');
        return;
      case 500:
        sendJson(res, record, 500, { message: '500 Internal Server Error' });
        return;
      case 502:
      case 503: {
        const text = fault.kind === 502 ? '502 Bad Gateway' : '503 Service Unavailable';
        send(res, record, fault.kind, `<html><body><h1>${text}</h1></body></html>\n`, {
          'content-type': 'text/html',
        });
        return;
      }
      case 404:
        sendJson(res, record, 404, { message: '404 Not found' });
        return;
    }
  };

  const route = (res: ServerResponse, record: MutableRequest, url: URL): void => {
    // Raw (still percent-encoded) segments: `group%2Fproject` stays one segment, as in GitLab's router.
    const segments = url.pathname.split('/').slice(1);
    if (segments[0] !== 'api' || segments[1] !== 'v4' || segments[2] !== 'projects' || !segments[3]) {
      sendJson(res, record, 404, { error: '404 Not Found' });
      return;
    }
    const rawId = segments[3];
    const rest = segments.slice(4);
    let idOrPath: string;
    try {
      idOrPath = decodeURIComponent(rawId);
    } catch (error) {
      if (!(error instanceof URIError)) throw error;
      sendJson(res, record, 404, { message: '404 Project Not Found' });
      return;
    }
    const project = /^[0-9]+$/.test(idOrPath)
      ? projectsById.get(Number(idOrPath))
      : projectsByPath.get(idOrPath.toLowerCase());
    if (!project) {
      const movedTo = moved.get(idOrPath.toLowerCase());
      if (movedTo !== undefined) {
        // See: https://docs.gitlab.com/api/rest/#redirects (GET on a moved project's old path -> 301 to its id).
        const location = `${apiUrl}/projects/${movedTo}${rest.length ? `/${rest.join('/')}` : ''}${url.search}`;
        record.status = 301;
        res.writeHead(301, { location, 'content-type': 'text/html', 'content-length': 0 });
        res.end();
        return;
      }
      sendJson(res, record, 404, { message: '404 Project Not Found' });
      return;
    }
    const [resource, item, extra] = rest;
    if (resource === undefined) {
      sendJson(res, record, 200, projectJson(project));
      return;
    }
    if (resource === 'pipelines' && item !== undefined && extra === undefined) {
      const found = pipelines.get(`${project.id}:${item}`);
      if (found) sendJson(res, record, 200, pipelineJson(project, found.pipeline, found.iid));
      else sendJson(res, record, 404, { message: '404 Not found' });
      return;
    }
    if (resource === 'protected_branches' && item === undefined) {
      sendPage(
        res,
        record,
        url,
        (project.protected_branches ?? []).map((name, index) => protectedBranchJson(project, name, index)),
      );
      return;
    }
    if (resource === 'protected_tags' && item === undefined) {
      sendPage(
        res,
        record,
        url,
        (project.protected_tags ?? []).map((name, index) => protectedTagJson(project, name, index)),
      );
      return;
    }
    if (resource === 'merge_requests' && item !== undefined && extra === undefined) {
      const mr = mergeRequests.get(`${project.id}!${item}`);
      if (mr) sendJson(res, record, 200, mergeRequestJson(project, mr));
      else sendJson(res, record, 404, { message: '404 Not found' });
      return;
    }
    sendJson(res, record, 404, { error: '404 Not Found' });
  };

  const authorized = (req: IncomingMessage): boolean => {
    const privateToken = req.headers['private-token'];
    if (privateToken === token) return true;
    const authorization = req.headers.authorization;
    return authorization === `Bearer ${token}`;
  };

  const respond = (req: IncomingMessage, res: ServerResponse, record: MutableRequest): void => {
    const active = faults.find(
      (f) =>
        f.remaining > 0 &&
        (typeof f.fault.match === 'string'
          ? record.path.includes(f.fault.match)
          : f.fault.match.test(record.path)),
    );
    if (active) {
      active.remaining -= 1;
      applyFault(res, record, active.fault);
      return;
    }
    if (!authorized(req)) {
      sendJson(res, record, 401, { message: '401 Unauthorized' });
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, record, 405, { message: '405 Method Not Allowed' });
      return;
    }
    route(res, record, new URL(record.path, baseUrl));
  };

  const server = createServer((req, res) => {
    const record: MutableRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      receivedAt: performance.now(),
    };
    requests.push(record);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    res.on('finish', finish);
    res.on('close', finish);
    if (latencyMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(req, res, record);
      }, latencyMs);
      timers.add(timer);
    } else {
      respond(req, res, record);
    }
  });
  // Keep-alive connections from the adapter's fetch are reused; close() destroys whatever is left.
  server.keepAliveTimeout = 5_000;

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
  baseUrl = `http://127.0.0.1:${address.port}`;
  apiUrl = `${baseUrl}/api/v4`;

  return {
    url: baseUrl,
    apiUrl,
    token,
    requests,
    requestCount: () => requests.length,
    maxInFlight: () => maxInFlight,
    resetRequests: () => {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    addFault: (fault) => {
      faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => {
      faults = [];
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets and hung requests would otherwise hold close() (and jest) open.
        server.closeAllConnections();
      }),
  };
}
