// The timeline's maths (DOM-free): the time range of a pipeline's jobs, its ticks at round steps, and each
// job's bars — queued (enqueued → started) and running (started → finished, or now while it runs) — as
// fractions of the range, so the page draws them at any width.

export interface Span {
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface Tick {
  /** Milliseconds from the start of the range. */
  offsetMs: number;
  /** Position in the range, 0 to 1. */
  at: number;
  label: string;
}

export interface Scale {
  start: number;
  end: number;
  ticks: Tick[];
}

export interface Bar {
  kind: 'queued' | 'running';
  /** Position and width in the range, 0 to 1. */
  left: number;
  width: number;
  ms: number;
  /** Still going: the bar ends now. */
  open: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

const time = (iso: string | null): number | undefined => {
  if (iso === null) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/** The smallest round step that cuts `rangeMs` into at most `maxTicks` intervals. */
export function tickStep(rangeMs: number, maxTicks: number): number {
  for (const s of STEPS) if (rangeMs / s <= maxTicks) return s;
  return Math.ceil(rangeMs / maxTicks / (24 * HOUR)) * 24 * HOUR;
}

/** An offset from the start: "0s", "45s", "1m", "1m 30s", "2h", "1h 15m". */
export function offsetLabel(ms: number): string {
  const s = Math.round(ms / SECOND);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
}

/**
 * The range from the first enqueue (or start) to the last finish — or `now` while a job is queued or runs —
 * with ticks at a round step; undefined when no job has been enqueued yet.
 */
export function ganttScale(spans: readonly Span[], now: number, maxTicks = 6): Scale | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    const q = time(s.queued_at);
    const b = time(s.started_at);
    const f = time(s.finished_at);
    const first = q ?? b;
    if (first === undefined) continue;
    start = Math.min(start, first);
    end = Math.max(end, f ?? Math.max(now, first), b ?? first);
  }
  if (start === Infinity) return undefined;
  if (end <= start) end = start + SECOND;
  const range = end - start;
  const step = tickStep(range, maxTicks);
  const ticks: Tick[] = [];
  for (let o = 0; o <= range; o += step) ticks.push({ offsetMs: o, at: o / range, label: offsetLabel(o) });
  return { start, end, ticks };
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/** A job's bars on the scale: queued, then running; none for a job never enqueued. */
export function jobBars(span: Span, scale: Scale, now: number): Bar[] {
  const q = time(span.queued_at);
  const b = time(span.started_at);
  const f = time(span.finished_at);
  const range = scale.end - scale.start;
  const bar = (kind: Bar['kind'], from: number, to: number | undefined): Bar => {
    const until = to ?? Math.max(now, from);
    const left = clamp((from - scale.start) / range);
    return {
      kind,
      left,
      width: clamp((until - scale.start) / range) - left,
      ms: Math.max(0, until - from),
      open: to === undefined,
    };
  };
  const bars: Bar[] = [];
  // Queued until it started — or until it ended without starting (canceled or skipped while pending).
  if (q !== undefined) bars.push(bar('queued', q, b ?? f));
  if (b !== undefined) bars.push(bar('running', b, f));
  return bars;
}
