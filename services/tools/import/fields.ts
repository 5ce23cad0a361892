// Field helpers of the REST-to-observation mappers: strings cut to the ObservePipeline schema's lengths,
// instants as UTC ISO strings, the latest of several, milliseconds from seconds or between two instants, and
// `--since` (an ISO time, or a span back from now: 7d, 12h, 30m, 2w).
import { INT32_MAX } from '../../lib/platform/schemas/safety.js';

type Opt<T> = T | null | undefined;

/** Schema maxLengths of the strings copied; a longer URL is dropped, not cut (a cut link leads elsewhere). */
export const MAX = { ref: 1024, source: 64, name: 1024, user: 255, job: 255, stage: 255, runner: 255, word: 64 };
const MAX_URL = 2048;

/** `s` cut to `max` UTF-16 units without splitting a surrogate pair; empty or absent is null. */
export function clip(s: Opt<string>, max: number): string | null {
  if (s === null || s === undefined || s === '') return null;
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

export const link = (s: Opt<string>): string | null => (s && s.length <= MAX_URL ? s : null);

/** An instant as UTC ISO-8601 with milliseconds (null when absent or not a time). */
export function iso(s: Opt<string>): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function latest(...instants: Opt<string>[]): string | null {
  let best: string | null = null;
  for (const s of instants) {
    const t = iso(s);
    if (t !== null && (best === null || t > best)) best = t;
  }
  return best;
}

export function msOf(seconds: Opt<number>): number | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  const ms = Math.round(seconds * 1000);
  return ms <= INT32_MAX ? ms : null;
}

/** Milliseconds from `from` to `to`; null when either is missing, they disagree or it exceeds int32. */
export function span(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isInteger(ms) && ms >= 0 && ms <= INT32_MAX ? ms : null;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--since`: an ISO time (a date alone is 00:00 UTC), or 7d / 12h / 30m / 2w back from `now`. */
export function parseSince(value: string, now = Date.now()): string {
  const span = /^(\d+)([mhdw])$/.exec(value.trim());
  if (span) return new Date(now - Number(span[1]) * UNITS[span[2]!]!).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()))
    throw new Error(`--since: an ISO time or 7d, 12h, 30m, 2w; got "${value}"`);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value.trim());
  if (Number.isNaN(t)) throw new Error(`--since: "${value}" is not a time`);
  if (t > now) throw new Error(`--since: ${value} is in the future`);
  return new Date(t).toISOString();
}
