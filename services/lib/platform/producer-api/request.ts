// One GET against a producer's API (GitLab, GitHub) on Node's fetch, the way every client here makes it:
//  - paced by the connection's token bucket (token-bucket.ts), one token per request to the API's origin;
//  - bounded attempts, retried on network errors, timeouts, 5xx, 408, 429 and GitHub's rate-limit 403, after
//    the server's Retry-After / x-ratelimit-reset or else exponential backoff with full jitter
//    (platform/backoff.ts); a rate-limited answer also empties the bucket;
//  - redirects followed by hand: credentials (Authorization, PRIVATE-TOKEN) go to the API's origin only,
//    never to the storage host GitHub's logs endpoint redirects to;
//  - a timeout per request (headers and body), a byte limit on the body (the head or the tail kept, marked
//    truncated), and a body cut short (fewer bytes than Content-Length, the stream aborted) retried — resumed
//    with `Range: bytes=N-` where the server accepts ranges, from the start otherwise.
// Any other 4xx is final: an ApiError at once. So is running out of attempts, naming the last failure.
import { retryDelayMs, type BackoffPolicy } from '../backoff.js';
import { ApiError, bodySnippet } from './api-error.js';
import { BoundedBody, readInto, type Keep } from './bounded-body.js';
import { retryableStatus, serverWaitMs } from './retry-rules.js';
import { realClock, type Clock, type TokenBucket } from './token-bucket.js';

export interface ApiRequest {
  url: string;
  /** Headers for every host. */
  headers?: Record<string, string>;
  /** Credentials: sent to the origin of `url` only. */
  auth?: Record<string, string>;
  /** Which part of a body over the limit is kept (default head). */
  keep?: Keep;
}

export interface RequestPolicy {
  maxAttempts: number;
  timeoutMs: number;
  limitBytes: number;
  maxRedirects?: number;
  backoff: BackoffPolicy;
  bucket?: TokenBucket;
  clock?: Clock;
  random?: () => number;
  /** Aborts the call (service shutdown): no further attempt. */
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** Bytes were left out to stay within the limit. */
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: string;
  attempts: number;
}

export const DEFAULT_POLICY: RequestPolicy = {
  maxAttempts: 5,
  timeoutMs: 30_000,
  limitBytes: 8 << 20,
  backoff: { baseMs: 500, maxMs: 60_000 },
};

type Outcome =
  | { kind: 'ok'; status: number; headers: Headers; url: string }
  | { kind: 'final'; message: string; status: number | null }
  | { kind: 'retry'; reason: string; status: number | null; waitMs: number | null; resume?: Resume };

/** Where a download that broke off goes on: the URL that served it and the headers it was asked with. */
interface Resume {
  url: string;
  headers: Record<string, string>;
}

/** A URL for messages and logs: no query (a storage URL's query is its signature). */
export const shown = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split('?')[0]!;
  }
};

const origin = (url: string) => new URL(url).origin;

export async function apiRequest(req: ApiRequest, policy: RequestPolicy): Promise<ApiResponse> {
  const clock = policy.clock ?? realClock;
  const body = new BoundedBody(policy.limitBytes, req.keep ?? 'head');
  let resume: Resume | undefined;
  let last: Extract<Outcome, { kind: 'retry' }> | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (last) {
      const wait = retryDelayMs(attempt - 2, policy.backoff, last.waitMs, policy.random);
      if (wait === null)
        throw new ApiError(
          `GET ${shown(req.url)}: ${last.reason}; the server asks to wait ${Math.ceil(last.waitMs! / 1000)} s, ` +
            `more than the ${Math.round(policy.backoff.maxMs / 1000)} s allowed (attempt ${attempt - 1})`,
          { url: shown(req.url), status: last.status, attempts: attempt - 1, exhausted: true },
        );
      await abortableSleep(clock, wait, policy.signal);
    }
    if (policy.signal?.aborted) throw new Error(`GET ${shown(req.url)}: aborted`);
    const outcome = resume ? await resumeOnce(req, resume, body, policy) : await attemptOnce(req, body, policy);
    if (outcome.kind === 'ok')
      return { ...outcome, body: body.toBuffer(), truncated: body.truncated, attempts: attempt };
    if (outcome.kind === 'final')
      throw new ApiError(`GET ${shown(req.url)}: ${outcome.message}`, {
        url: shown(req.url),
        status: outcome.status,
        attempts: attempt,
        exhausted: false,
      });
    last = outcome;
    resume = outcome.resume;
  }
  throw new ApiError(`GET ${shown(req.url)}: gave up after ${policy.maxAttempts} attempts; last: ${last!.reason}`, {
    url: shown(req.url),
    status: last!.status,
    attempts: policy.maxAttempts,
    exhausted: true,
  });
}

/** One attempt from the start: the request, its redirects, the body. */
async function attemptOnce(req: ApiRequest, body: BoundedBody, policy: RequestPolicy): Promise<Outcome> {
  body.reset();
  let url = req.url;
  // Once a redirect left the API's origin, credentials stay behind, even if a later one comes back.
  let left = false;
  for (let hop = 0; hop <= (policy.maxRedirects ?? 5); hop++) {
    const sameOrigin = origin(url) === origin(req.url);
    left ||= !sameOrigin;
    const headers: Record<string, string> = left ? { ...req.headers } : { ...req.headers, ...req.auth };
    if (sameOrigin) await policy.bucket?.take();
    const res = await send(url, headers, policy);
    if ('failed' in res) return res.failed;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => undefined);
      url = new URL(location, url).toString();
      continue;
    }
    const refused = await refusal(res, url, req.url, policy);
    if (refused) return refused;
    return readBody(res, url, headers, body, 0);
  }
  return { kind: 'final', message: `more than ${policy.maxRedirects ?? 5} redirects`, status: null };
}

/** Goes on with a download that broke off: `Range: bytes=<received>-` to the URL that served it. */
async function resumeOnce(req: ApiRequest, at: Resume, body: BoundedBody, policy: RequestPolicy): Promise<Outcome> {
  const from = body.received;
  if (origin(at.url) === origin(req.url)) await policy.bucket?.take();
  const res = await send(at.url, { ...at.headers, range: `bytes=${from}-` }, policy);
  if ('failed' in res) return { ...res.failed, resume: at };
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  if (res.status === 206 && range && Number(range[1]) === from) {
    const total = range[2] === '*' ? null : Number(range[2]);
    return readBody(res, at.url, at.headers, body, from, total);
  }
  if (res.status === 200) {
    // The whole body again: read it from the start.
    body.reset();
    return readBody(res, at.url, at.headers, body, 0);
  }
  await res.body?.cancel().catch(() => undefined);
  const why = `resuming at byte ${from} answered ${res.status}`;
  if (res.status >= 500 || res.status === 429)
    return {
      kind: 'retry',
      reason: why,
      status: res.status,
      waitMs: serverWaitMs(res.headers, now(policy)),
      resume: at,
    };
  // Not resumable as asked (another range, 416, a signed storage URL that expired): the next attempt starts over.
  return { kind: 'retry', reason: why, status: res.status, waitMs: null };
}

const now = (policy: RequestPolicy) => (policy.clock ?? realClock).now();

/** A 2xx body into `body`; a body cut short is a retry that may resume. */
async function readBody(
  res: Response,
  url: string,
  headers: Record<string, string>,
  body: BoundedBody,
  offset: number,
  total: number | null = null,
): Promise<Outcome> {
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = res.headers.get('content-length');
  // A decoded (gzip) body is longer than its Content-Length: only an identity body can be checked.
  const expected = total ?? (!encoded && length !== null && /^\d+$/.test(length) ? offset + Number(length) : null);
  const broke = await readInto(res.body, body);
  const short = !body.full && expected !== null && body.received < expected;
  if (broke === null && !short) return { kind: 'ok', status: res.status, headers: res.headers, url };
  const reason = broke
    ? `the body broke off after ${body.received} bytes (${broke})`
    : `the body ended after ${body.received} of ${expected} bytes`;
  const ranges = !encoded && res.headers.get('accept-ranges') === 'bytes' && body.received > 0;
  return { kind: 'retry', reason, status: res.status, waitMs: null, ...(ranges ? { resume: { url, headers } } : {}) };
}

/** A non-2xx answer: retry (with the server's wait) or final; null for a 2xx. */
async function refusal(res: Response, url: string, asked: string, policy: RequestPolicy): Promise<Outcome | null> {
  if (res.status >= 200 && res.status < 300) return null;
  const snippet = new BoundedBody(2048, 'head');
  await readInto(res.body, snippet);
  const text = bodySnippet(snippet.toBuffer());
  const what = `${res.status} ${res.statusText}${text ? ` (${text})` : ''}${origin(url) === origin(asked) ? '' : ` from ${shown(url)}`}`;
  if (!retryableStatus(res.status, res.headers)) return { kind: 'final', message: what, status: res.status };
  const waitMs = serverWaitMs(res.headers, now(policy));
  if (res.status === 429 || res.status === 403) policy.bucket?.drain();
  return { kind: 'retry', reason: what, status: res.status, waitMs };
}

/** The fetch itself, a network failure or timeout as a retry. */
async function send(
  url: string,
  headers: Record<string, string>,
  policy: RequestPolicy,
): Promise<Response | { failed: Extract<Outcome, { kind: 'retry' }> }> {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const signal = policy.signal ? AbortSignal.any([timeout, policy.signal]) : timeout;
  try {
    return await fetch(url, { method: 'GET', headers, redirect: 'manual', signal });
  } catch (err) {
    if (policy.signal?.aborted) throw err;
    const e = err as Error & { cause?: Error & { code?: string } };
    const why = timeout.aborted
      ? `no answer in ${policy.timeoutMs} ms`
      : `${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message}` : ''}`;
    return { failed: { kind: 'retry', reason: `${shown(url)}: ${why}`, status: null, waitMs: null } };
  }
}

function abortableSleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void clock.sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
