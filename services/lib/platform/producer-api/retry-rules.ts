// Which answers of a producer API are worth another attempt, and how long the server asks to wait: 5xx, 408
// and 429 are retried; so is GitHub's 403 when it is a rate limit (x-ratelimit-remaining: 0, or a secondary
// limit's Retry-After). The wait is Retry-After (seconds or an HTTP date, platform/backoff.ts), else GitHub's
// x-ratelimit-reset (epoch seconds) when no request is left; otherwise the caller's own backoff decides.
import { retryAfterMs } from '../backoff.js';

type HeaderBag = { get(name: string): string | null };

/** True when GitHub says no request is left in this window. */
export function rateLimitExhausted(headers: HeaderBag): boolean {
  return headers.get('x-ratelimit-remaining')?.trim() === '0';
}

export function retryableStatus(status: number, headers: HeaderBag): boolean {
  if (status >= 500 || status === 408 || status === 429) return true;
  return status === 403 && (rateLimitExhausted(headers) || headers.get('retry-after') !== null);
}

/** The wait the server asks for, in ms (null: it says nothing; the caller's backoff applies). */
export function serverWaitMs(headers: HeaderBag, nowMs: number): number | null {
  const after = retryAfterMs(headers, nowMs);
  if (after !== null) return after;
  if (!rateLimitExhausted(headers)) return null;
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (!reset || !/^\d+$/.test(reset)) return null;
  return Math.max(0, Number(reset) * 1000 - nowMs);
}
