// Bounded exponential backoff with full jitter, honouring a server's Retry-After: model provider calls and
// the consumer runner's retries. Pure: the random source is injected, and the wait is left to the caller.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry; doubles with every retry. */
  baseMs: number;
  /** Longest wait before a retry, and the longest Retry-After honoured: a server asking for more is not retried. */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): the server's Retry-After when given (at least
 * that long, never shortened), else a uniformly random delay in [0, min(maxMs, baseMs · 2^retry)) ("full
 * jitter"). Null when the server asks for longer than `maxMs`: retrying sooner would be refused again.
 */
export function retryDelayMs(
  retry: number,
  policy: BackoffPolicy,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  if (retryAfterMs !== null) return retryAfterMs <= policy.maxMs ? retryAfterMs : null;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The wait a response asks for, in milliseconds: `retry-after-ms` (OpenAI's header) if valid, else
 * `Retry-After` as delay-seconds or an HTTP date (relative to `nowMs`; a past date is 0). Null when neither
 * header is there or parses.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, nowMs: number): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\s*\d+(?:\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
