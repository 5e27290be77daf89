/**
 * How the stand-in answers: JSON bodies, GitLab's offset pagination headers, plain responses. One Reply per request;
 * it records the status on the request log.
 * See: https://docs.gitlab.com/api/rest/#pagination
 */
import type { ServerResponse } from 'node:http';

const JSON_TYPE = 'application/json';
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  receivedAt: number;
}

export interface Reply {
  /** Any body with the given status and headers (content-type defaults to JSON). */
  send(status: number, body: string, headers?: Record<string, string>): void;
  json(status: number, value: unknown, headers?: Record<string, string>): void;
  /** One page of `items`, chosen by the request's `page`/`per_page`, with GitLab's Link and X-* headers. */
  page(url: URL, items: readonly Record<string, unknown>[]): void;
  /** Headers and an empty body (redirects); `raw` for answers that are not JSON. */
  raw(status: number, headers: Record<string, string | number>, body?: string): void;
}

export function createReply(res: ServerResponse, record: RecordedRequest, baseUrl: string): Reply {
  const raw = (status: number, headers: Record<string, string | number>, body = ''): void => {
    record.status = status;
    res.writeHead(status, headers);
    res.end(body);
  };
  const send = (status: number, body: string, headers: Record<string, string> = {}): void =>
    raw(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), ...headers }, body);
  const json = (status: number, value: unknown, headers?: Record<string, string>): void =>
    send(status, JSON.stringify(value), headers);
  return {
    send,
    json,
    raw,
    page: (url, items) => {
      const { slice, headers } = paginate(baseUrl, url, items);
      json(200, slice, headers);
    },
  };
}

function positiveInteger(value: string | null): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

function paginate(
  baseUrl: string,
  url: URL,
  items: readonly Record<string, unknown>[],
): { slice: readonly Record<string, unknown>[]; headers: Record<string, string> } {
  const perPage = Math.min(
    positiveInteger(url.searchParams.get('per_page')) ?? DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
  );
  const page = positiveInteger(url.searchParams.get('page')) ?? 1;
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
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
  return {
    slice: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
    },
  };
}
