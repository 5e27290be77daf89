/**
 * Routes /api/v4 requests to the API areas. Project-scoped routes (`/projects/:id/...`) get the project resolved
 * first, as GitLab does: a numeric id or a URL-encoded full path (case-insensitive), 301 for a moved path, and
 * `404 Project Not Found` before any sub-resource is looked at.
 * See: https://docs.gitlab.com/api/rest/#namespaced-paths and https://docs.gitlab.com/api/rest/#redirects
 */
import type { ProjectDirectory } from './api/projects';
import type { Reply } from './reply';
import type { Instance } from './shapes';
import type { StandinProject } from './types';

export interface RouteContext {
  /** Raw (still percent-encoded) values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  readonly reply: Reply;
  readonly instance: Instance;
}
export interface ProjectRouteContext extends RouteContext {
  readonly project: StandinProject;
}

/** A GET route below `/api/v4/projects/:id`; `path` is what follows, e.g. `pipelines/:pipeline_id` ('' = the project). */
export interface ProjectRoute {
  readonly path: string;
  handle(context: ProjectRouteContext): void;
}
/** A GET route below `/api/v4` that is not project-scoped, e.g. `version`. */
export interface InstanceRoute {
  readonly path: string;
  handle(context: RouteContext): void;
}
/** One API area (one file under api/): the routes it serves. */
export interface ApiArea {
  readonly projectRoutes?: readonly ProjectRoute[];
  readonly instanceRoutes?: readonly InstanceRoute[];
  /** Routes below `/api` beside `v4`, e.g. `graphql` (GitLab serves GraphQL at /api/graphql). */
  readonly apiRoutes?: readonly InstanceRoute[];
}

interface Compiled<R> {
  readonly route: R;
  readonly segments: readonly string[];
}

function compile<R extends { path: string }>(routes: readonly R[]): Compiled<R>[] {
  return routes.map((route) => ({ route, segments: route.path === '' ? [] : route.path.split('/') }));
}

function match<R>(
  table: readonly Compiled<R>[],
  segments: readonly string[],
): { route: R; params: Record<string, string> } | undefined {
  for (const { route, segments: pattern } of table) {
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((part, i) => {
      const actual = segments[i] ?? '';
      if (part.startsWith(':')) {
        params[part.slice(1)] = actual;
        return actual !== '';
      }
      return part === actual;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export type Router = (url: URL, reply: Reply, instance: Instance) => void;

export function createRouter(projects: ProjectDirectory, areas: readonly ApiArea[]): Router {
  const projectTable = compile(areas.flatMap((a) => a.projectRoutes ?? []));
  const instanceTable = compile(areas.flatMap((a) => a.instanceRoutes ?? []));
  const apiTable = compile(areas.flatMap((a) => a.apiRoutes ?? []));
  const notFound = (reply: Reply): void => reply.json(404, { error: '404 Not Found' });

  const routeProject = (url: URL, reply: Reply, instance: Instance, rawId: string, rest: string[]): void => {
    const resolved = projects.resolve(rawId);
    if (resolved.kind === 'moved') {
      const location = `${instance.apiUrl}/projects/${resolved.id}${rest.length ? `/${rest.join('/')}` : ''}${url.search}`;
      reply.raw(301, { location, 'content-type': 'text/html', 'content-length': 0 });
      return;
    }
    if (resolved.kind === 'missing') {
      reply.json(404, { message: '404 Project Not Found' });
      return;
    }
    const found = match(projectTable, rest);
    if (!found) return notFound(reply);
    found.route.handle({ params: found.params, url, reply, instance, project: resolved.project });
  };

  return (url, reply, instance) => {
    // Raw (still percent-encoded) segments: `group%2Fproject` stays one segment, as in GitLab's router.
    const segments = url.pathname.split('/').slice(1);
    if (segments[0] === 'api' && segments[1] !== 'v4') {
      const api = match(apiTable, segments.slice(1));
      if (!api) return notFound(reply);
      return api.route.handle({ params: api.params, url, reply, instance });
    }
    if (segments[0] !== 'api' || segments[1] !== 'v4') return notFound(reply);
    const [first, rawId, ...rest] = segments.slice(2);
    if (first === 'projects' && rawId) return routeProject(url, reply, instance, rawId, rest);
    const found = match(instanceTable, segments.slice(2));
    if (!found) return notFound(reply);
    found.route.handle({ params: found.params, url, reply, instance });
  };
}
