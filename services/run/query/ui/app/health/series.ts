// The project health page's data shaping, DOM-free: the window from the page's URL, the daily series of the
// charts from GET /v1/projects/{project}/stats (every day of the window, a day without pipelines a gap), the unit
// a duration axis is drawn in, the charts' text alternatives, and the formats of the page's numbers.

export const WINDOWS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOWS)[number];
export const DEFAULT_WINDOW: WindowDays = 30;

/** The window of `?window=7d|30d|90d`; anything else is the default (30 days). */
export function parseWindow(value: string | undefined): WindowDays {
  const days = /^(\d{1,2})d$/.exec(value ?? '')?.[1];
  return WINDOWS.find((w) => String(w) === days) ?? DEFAULT_WINDOW;
}

/** The figures of a window or a day, as /stats answers them. */
export interface Figures {
  pipelines: number;
  finished: number;
  succeeded: number;
  success_rate: number | null;
  duration_ms: { p50: number | null; p95: number | null };
  queue_time_ms: { jobs: number; p50: number | null; p95: number | null };
}

export interface DailyStats {
  since: string;
  daily: (Figures & { day: string })[];
}

/** The window's UTC days, YYYY-MM-DD, from the day of `since` to the day of `now` (at most 400). */
export function windowDays(since: string, now: number): string[] {
  const days: string[] = [];
  const last = new Date(now).toISOString().slice(0, 10);
  for (let t = Date.parse(`${since.slice(0, 10)}T00:00:00Z`); days.length < 400; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > last) break;
    days.push(day);
  }
  return days;
}

export interface Daily {
  days: string[];
  /** Succeeded / finished, in percent (one decimal); null on a day without a finished pipeline. */
  successRate: (number | null)[];
  succeeded: number[];
  /** Finished otherwise: failed or canceled. */
  failed: number[];
  unfinished: number[];
  durationP50: (number | null)[];
  durationP95: (number | null)[];
  queueP50: (number | null)[];
  queueP95: (number | null)[];
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/** The charts' series: one value per day of the window, in the order of `days`. */
export function dailySeries(stats: DailyStats, now: number): Daily {
  const days = windowDays(stats.since, now);
  const byDay = new Map(stats.daily.map((d) => [d.day, d]));
  const of = <T>(f: (d: Figures) => T, none: T) =>
    days.map((day) => {
      const d = byDay.get(day);
      return d ? f(d) : none;
    });
  return {
    days,
    successRate: of((d) => (d.success_rate === null ? null : oneDecimal(d.success_rate * 100)), null),
    succeeded: of((d) => d.succeeded, 0),
    failed: of((d) => d.finished - d.succeeded, 0),
    unfinished: of((d) => d.pipelines - d.finished, 0),
    durationP50: of((d) => d.duration_ms.p50, null),
    durationP95: of((d) => d.duration_ms.p95, null),
    queueP50: of((d) => d.queue_time_ms.p50, null),
    queueP95: of((d) => d.queue_time_ms.p95, null),
  };
}

/** The unit a time axis is drawn in: the largest in which the largest value is at least 1 (ms, s, min, h). */
export function timeUnit(values: readonly (number | null)[]): { unit: string; per: number } {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  if (max >= 3_600_000) return { unit: 'h', per: 3_600_000 };
  if (max >= 60_000) return { unit: 'min', per: 60_000 };
  if (max >= 1000) return { unit: 's', per: 1000 };
  return { unit: 'ms', per: 1 };
}

/** Values in `per` units, to two significant decimals at most (nulls stay gaps). */
export const inUnit = (values: readonly (number | null)[], per: number): (number | null)[] =>
  values.map((v) => (v === null ? null : Math.round((v / per) * 100) / 100));

/** A rate of 0..1 as a percentage ("83.3%"); "—" when none. */
export function percent(rate: number | null): string {
  if (rate === null) return '—';
  const p = rate * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** A duration for reading: 850 ms, 12.5 s, 3 min 05 s, 2 h 10 min; "—" when none. */
export function duration(ms: number | null): string {
  if (ms === null || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${oneDecimal(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How long ago an instant was, for reading ("5 min ago"). */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return '—';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "2026-12-07" → "Dec 7" (UTC), for axes and tables. */
export function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${d.getUTCDate()}`;
}

/** The share of `part` in `whole` as a whole percentage ("25%"); "—" when the whole is 0. */
export const share = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;

const present = (v: (number | null)[], days: string[]) =>
  v.flatMap((x, i) => (x === null ? [] : [{ x, day: days[i]! }]));

/**
 * A chart's text alternative in one sentence: how many days have a value, the latest, the lowest and the highest
 * (the full series is in the table beside the chart).
 */
export function summary(
  what: string,
  days: string[],
  values: (number | null)[],
  format: (v: number) => string,
): string {
  const seen = present(values, days);
  if (seen.length === 0) return `${what}: no data in the ${days.length} days of the window.`;
  const last = seen.at(-1)!;
  let low = seen[0]!;
  let high = seen[0]!;
  for (const s of seen) {
    if (s.x < low.x) low = s;
    if (s.x > high.x) high = s;
  }
  const of = (s: { x: number; day: string }) => `${format(s.x)} on ${dayLabel(s.day)}`;
  return (
    `${what}, ${seen.length} of ${days.length} days with data: latest ${of(last)}` +
    (seen.length > 1 ? `, lowest ${of(low)}, highest ${of(high)}.` : '.')
  );
}

/** How a series is drawn: its colour role (health.css) and, for lines, its dash and symbol. */
export type SeriesStyle = 'rate' | 'succeeded' | 'failed' | 'unfinished' | 'p50' | 'p95';

export interface ChartSeries {
  name: string;
  style: SeriesStyle;
  /** One value per day in the axis' unit (null: a gap). */
  values: (number | null)[];
  /** The same values for reading, one per day (the chart's table). */
  text: string[];
}

export interface ChartSpec {
  id: string;
  title: string;
  kind: 'line' | 'bar';
  /** The value axis' unit ("%", "s", "min", "pipelines"). */
  unit: string;
  max?: number;
  days: string[];
  series: ChartSeries[];
  /** The chart's text alternative (its aria-label). */
  summary: string;
}

/** The page's four charts from the daily series: success rate, pipelines per day, duration and queue time. */
export function chartSpecs(d: Daily): ChartSpec[] {
  const count = (values: number[]) => values.map(String);
  const times = (id: string, title: string, p50: (number | null)[], p95: (number | null)[]): ChartSpec => {
    const { unit, per } = timeUnit([...p50, ...p95]);
    return {
      id,
      title,
      kind: 'line',
      unit,
      days: d.days,
      series: [
        { name: 'p50 (median)', style: 'p50', values: inUnit(p50, per), text: p50.map(duration) },
        { name: 'p95', style: 'p95', values: inUnit(p95, per), text: p95.map(duration) },
      ],
      summary: `${summary(`${title}, p95 per day`, d.days, p95, duration)} ${summary('Median', d.days, p50, duration)}`,
    };
  };
  return [
    {
      id: 'success-rate',
      title: 'Success rate',
      kind: 'line',
      unit: '%',
      max: 100,
      days: d.days,
      series: [
        {
          name: 'Success rate',
          style: 'rate',
          values: d.successRate,
          text: d.successRate.map((v) => (v === null ? '—' : `${v}%`)),
        },
      ],
      summary: summary('Success rate of the finished pipelines per day', d.days, d.successRate, (v) => `${v}%`),
    },
    {
      id: 'pipelines',
      title: 'Pipelines per day',
      kind: 'bar',
      unit: 'pipelines',
      days: d.days,
      series: [
        { name: 'Succeeded', style: 'succeeded', values: d.succeeded, text: count(d.succeeded) },
        { name: 'Failed or canceled', style: 'failed', values: d.failed, text: count(d.failed) },
        { name: 'Not finished', style: 'unfinished', values: d.unfinished, text: count(d.unfinished) },
      ],
      summary: summary(
        'Pipelines created per day',
        d.days,
        d.days.map((_, i) => d.succeeded[i]! + d.failed[i]! + d.unfinished[i]! || null),
        (v) => `${v}`,
      ),
    },
    times('duration', 'Pipeline duration', d.durationP50, d.durationP95),
    times('queue-time', 'Queue time of jobs', d.queueP50, d.queueP95),
  ];
}
