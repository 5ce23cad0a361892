// The AI scoreboard's pure parts (no DOM): shares as text with their 95% interval ("72% (64–79%)"), the
// interval bar's geometry and its text alternative, the page's URL state (window, project), and the chart's
// series and its table alternative from the scoreboard answer.

/** k of n with its 95% Wilson score interval, as GET /v1/remediations/scoreboard answers it. */
export interface Share {
  k: number;
  n: number;
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface SeriesPoint {
  day: string;
  proposals: number;
  correct: number;
  incorrect: number;
  accepted: number;
  rejected: number;
  precision: number | null;
}

export interface ScoreboardRow {
  provider: string;
  prompt_version: string;
  baseline: boolean;
  proposals: number;
  shadow: number;
  scored: { correct: number; incorrect: number; expired: number; pending: number; share: Share };
  precision: Share;
  fixed_by_new_commit: Share;
  retry_precision: Share;
  feedback: { accepted: number; rejected: number; acceptance: Share };
  series: SeriesPoint[];
}

export interface Scoreboard {
  window: string;
  since: string;
  days: string[];
  baseline_provider: string;
  truncated: boolean;
  rows: ScoreboardRow[];
}

/**
 * A ratio as a whole percentage; under 1% and over 99% (but not 0 or 1) with one decimal, kept off 0.0 and 100.0,
 * so that only exactly none reads "0%" and only exactly all reads "100%".
 */
export function pct(v: number): string {
  const p = v * 100;
  if (p <= 0 || p >= 100) return `${p <= 0 ? 0 : 100}%`;
  if (p < 1) return `${Math.max(0.1, Math.round(p * 10) / 10).toFixed(1)}%`;
  if (p > 99) return `${Math.min(99.9, Math.round(p * 10) / 10).toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

const bare = (v: number) => pct(v).slice(0, -1);

/** "72% (64–79%)", or "no data" when nothing was counted. */
export function shareText(s: Share): string {
  if (s.n === 0 || s.value === null || s.low === null || s.high === null) return 'no data';
  return `${pct(s.value)} (${bare(s.low)}–${pct(s.high)})`;
}

/** What the interval bar says, for screen readers. */
export function shareLabel(s: Share): string {
  if (s.n === 0 || s.value === null || s.low === null || s.high === null) return 'no data';
  return `${pct(s.value)}, 95% interval ${pct(s.low)} to ${pct(s.high)}, ${s.k} of ${s.n}`;
}

/** The interval bar: where the interval starts and how wide it is, and where the value is, in percent of the track. */
export function barGeometry(s: Share): { left: number; width: number; mark: number } | null {
  if (s.n === 0 || s.value === null || s.low === null || s.high === null) return null;
  const r = (v: number) => Math.round(v * 1000) / 10;
  return { left: r(s.low), width: Math.max(0.5, r(s.high) - r(s.low)), mark: r(s.value) };
}

export const WINDOWS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOWS)[number];
export const DEFAULT_WINDOW: WindowDays = 30;

export interface ViewState {
  window: WindowDays;
  project: string;
}

/** The page's state from its query string (?window=7d&project=…); anything else falls back to the defaults. */
export function stateOf(search: string): ViewState {
  const q = new URLSearchParams(search);
  const w = Number(/^(\d+)d$/.exec(q.get('window') ?? '')?.[1]);
  return {
    window: (WINDOWS as readonly number[]).includes(w) ? (w as WindowDays) : DEFAULT_WINDOW,
    project: (q.get('project') ?? '').trim(),
  };
}

/** The query string of a state (the default window left out), for the page's URL and the API. */
export function queryOf(s: ViewState, always = false): string {
  const q = new URLSearchParams();
  if (always || s.window !== DEFAULT_WINDOW) q.set('window', `${s.window}d`);
  if (s.project) q.set('project', s.project);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** A row's name: provider and prompt version. */
export const rowName = (r: Pick<ScoreboardRow, 'provider' | 'prompt_version'>) => `${r.provider} · ${r.prompt_version}`;

export const METRICS = {
  proposals: { label: 'Proposals per day', unit: '' },
  precision: { label: 'Precision per day', unit: '%' },
  accepted: { label: 'Feedback accepted per day', unit: '' },
} as const;
export type Metric = keyof typeof METRICS;

/** A day's value of a metric; null where there is none (a day without a decided proposal has no precision). */
export function metricOf(p: SeriesPoint, m: Metric): number | null {
  if (m === 'precision') return p.precision === null ? null : Math.round(p.precision * 1000) / 10;
  return m === 'proposals' ? p.proposals : p.accepted;
}

export interface ChartLine {
  name: string;
  baseline: boolean;
  values: (number | null)[];
}

/** One line per row that proposed something, plus the baseline always (flat at zero or gaps when it did not). */
export function chartLines(b: Scoreboard, m: Metric): ChartLine[] {
  return b.rows
    .filter((r) => r.baseline || r.proposals > 0)
    .map((r) => ({
      name: r.baseline ? `${rowName(r)} (baseline)` : rowName(r),
      baseline: r.baseline,
      values: r.series.map((p) => metricOf(p, m)),
    }));
}

/** The chart as a table: a row per day (newest first), a column per line; "–" where there is no value. */
export function chartTable(b: Scoreboard, m: Metric): { head: string[]; rows: string[][] } {
  const lines = chartLines(b, m);
  const unit = METRICS[m].unit;
  const rows = b.days.map((day, i) => [
    day,
    ...lines.map((l) => {
      const v = l.values[i];
      return v === null || v === undefined ? '–' : `${v}${unit}`;
    }),
  ]);
  return { head: ['Day', ...lines.map((l) => l.name)], rows: rows.reverse() };
}

/** One sentence of what the chart shows over the window, per line (its total, or its overall precision). */
export function chartSummary(b: Scoreboard, m: Metric): string {
  const parts = b.rows
    .filter((r) => r.baseline || r.proposals > 0)
    .map((r) => {
      const name = r.baseline ? `${rowName(r)} (baseline)` : rowName(r);
      if (r.proposals === 0) return `${name}: no proposals`;
      if (m === 'precision') return `${name}: ${shareText(r.precision)} overall`;
      const total = m === 'proposals' ? r.proposals : r.feedback.accepted;
      return `${name}: ${total} in all`;
    });
  return `${METRICS[m].label} over the last ${b.days.length} days. ${parts.join('; ')}.`;
}
