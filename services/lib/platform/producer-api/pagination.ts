// Paged lists of a producer API: the next page is the `Link` header's rel="next" (GitHub, GitLab) or, without
// one, GitLab's `x-next-page` number on the same URL. A next link to another origin is refused (the request
// would carry the API token there). Each page is yielded with its URL and the next one's, which is what an
// interrupted import stores to go on from.
import { ApiError } from './api-error.js';
import type { ApiResponse } from './request.js';

/** The rel="next" target of a Link header (RFC 8288), or null. */
export function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(m[2]!);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return m[1]!;
  }
  return null;
}

/** The next page's URL after `current` answered `res`; null on the last page. */
export function nextPageUrl(res: Pick<ApiResponse, 'headers'>, current: string): string | null {
  const link = nextLink(res.headers.get('link'));
  if (link) return new URL(link, current).toString();
  const page = res.headers.get('x-next-page')?.trim();
  if (!page || !/^\d+$/.test(page)) return null;
  const url = new URL(current);
  url.searchParams.set('page', page);
  return url.toString();
}

export interface Page<T> {
  url: string;
  items: T[];
  /** The next page's URL, null on the last. */
  next: string | null;
  /** What the API says the whole list holds (GitHub's total_count, GitLab's x-total), when it says. */
  total: number | null;
}

/**
 * Every page from `first` on. `items` picks the list out of a page's JSON (an array, or GitHub's
 * `{total_count, workflow_runs: […]}`); `get` makes the request (apiRequest with the connection's policy).
 */
export async function* pages<T>(
  first: string,
  get: (url: string) => Promise<ApiResponse>,
  items: (json: unknown) => { items: T[]; total?: number | null },
): AsyncGenerator<Page<T>> {
  const origin = new URL(first).origin;
  let url: string | null = first;
  const seen = new Set<string>();
  while (url !== null) {
    if (new URL(url).origin !== origin)
      throw new ApiError(`the next page is on another host (${new URL(url).origin}); not followed`, {
        url: origin,
        status: null,
        attempts: 0,
        exhausted: false,
      });
    if (seen.has(url)) throw new Error(`the API's next page loops back to ${url}`);
    seen.add(url);
    const res = await get(url);
    if (res.truncated) throw new Error(`GET ${url}: the page is larger than the byte limit`);
    const picked = items(JSON.parse(res.body.toString('utf8')) as unknown);
    const header = res.headers.get('x-total');
    const total = picked.total ?? (header && /^\d+$/.test(header) ? Number(header) : null);
    const next = nextPageUrl(res, url);
    yield { url, items: picked.items, next, total };
    url = next;
  }
}
