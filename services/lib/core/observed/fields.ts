// Field helpers of the observed-pipeline mappings (webhook adapters and `verity import`): strings cut to the
// ObservePipeline schema's lengths, links kept whole or dropped, instants as UTC ISO strings, the latest of
// several, and milliseconds between two instants or from seconds. Pure.

export type Opt<T> = T | null | undefined;

/** The largest integer a Postgres `integer` column takes (platform/schemas/safety.ts bounds records to it). */
export const INT32_MAX = 2_147_483_647;

/** The ObservePipeline schema's maxLength of each string copied (fields.test.ts reads them off the schema). */
export const MAX = {
  instance: 1024,
  url: 2048,
  ref: 1024,
  source: 64,
  name: 1024,
  user: 255,
  job: 255,
  stage: 255,
  reason: 255,
  runner: 255,
  step: 1024,
  word: 64,
} as const;

/** The schema's maxItems: jobs of one record, stages of a pipeline, steps of a job (the first ones are kept). */
export const MAX_ITEMS = { jobs: 500, stages: 50, steps: 500 } as const;

const SHA = /^[0-9a-f]{7,64}$/;

/** `s` cut to `max` UTF-16 units without splitting a surrogate pair; empty or absent is null. */
export function clip(s: Opt<string>, max: number): string | null {
  if (s === null || s === undefined || s === '') return null;
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A URL, or null when absent or longer than the schema allows: dropped, not cut (a cut link leads elsewhere). */
export const link = (s: Opt<string>): string | null => (s && s.length <= MAX.url ? s : null);

/** A commit sha as the schema's pattern takes it, else null. */
export const sha = (s: Opt<string>): string | null => (s && SHA.test(s) ? s : null);

/** An instant as UTC ISO-8601 with milliseconds, so that instants compare as text; null when absent or not a time. */
export function iso(s: Opt<string>): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The latest of `instants` (as iso() says it); null when none is a time. */
export function latest(...instants: Opt<string>[]): string | null {
  let best: string | null = null;
  for (const s of instants) {
    const t = iso(s);
    if (t !== null && (best === null || Date.parse(t) > Date.parse(best))) best = t;
  }
  return best;
}

/** Milliseconds from `from` to `to`; null when either is missing, the clocks disagree or it exceeds int32. */
export function span(from: Opt<string>, to: Opt<string>): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isInteger(ms) && ms >= 0 && ms <= INT32_MAX ? ms : null;
}

/** `seconds` as whole milliseconds; null when absent, negative, not finite or past int32. */
export function msOf(seconds: Opt<number>): number | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  const ms = Math.round(seconds * 1000);
  return ms <= INT32_MAX ? ms : null;
}
