// The AI scoreboard's figures from the per-day counts (scoreboard.ts reads them) over a window of UTC days
// (window.ts): per provider × prompt version the totals, each share with its 95% Wilson interval, and the per-day
// series. Pure: no database, no clock (the caller passes now). The heuristic provider is the baseline: it
// is always in the answer, with zeros ("no proposals") when it proposed nothing in the window.
import { wilson, type Proportion } from '../../lib/core/stats/wilson.js';
import type { DayWindow } from './window.js';

/** The rules of the scorer (core/remediation/scoring.ts) that decide a fix proposal (not "retry") by an outcome. */
export const FIX_GREEN_RULE = 'new_commit_fixed_fix_right';
export const FIX_DECIDED_RULES = ['retry_passed_fix_wrong', 'retry_failed_fix_right', FIX_GREEN_RULE] as const;

/** One provider × prompt version × UTC day, as the query groups it. */
export interface DayCounts {
  provider: string;
  promptVersion: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  proposals: number;
  shadow: number;
  correct: number;
  incorrect: number;
  expired: number;
  retryCorrect: number;
  retryIncorrect: number;
  fixGreen: number;
  fixDecided: number;
  accepted: number;
  rejected: number;
}

export interface SeriesPoint {
  day: string;
  proposals: number;
  correct: number;
  incorrect: number;
  accepted: number;
  rejected: number;
  /** correct / (correct + incorrect) of the proposals made that day; null when none was decided. */
  precision: number | null;
}

export interface ScoreboardRow {
  provider: string;
  prompt_version: string;
  baseline: boolean;
  proposals: number;
  shadow: number;
  scored: { correct: number; incorrect: number; expired: number; pending: number; share: Proportion };
  precision: Proportion;
  fixed_by_new_commit: Proportion;
  retry_precision: Proportion;
  feedback: { accepted: number; rejected: number; acceptance: Proportion };
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

type Counts = Omit<DayCounts, 'provider' | 'promptVersion' | 'day'>;
const ZERO: Counts = {
  proposals: 0,
  shadow: 0,
  correct: 0,
  incorrect: 0,
  expired: 0,
  retryCorrect: 0,
  retryIncorrect: 0,
  fixGreen: 0,
  fixDecided: 0,
  accepted: 0,
  rejected: 0,
};
/** Code-point order: the same on every machine (localeCompare is not). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const KEYS = Object.keys(ZERO) as (keyof Counts)[];

function add(into: Counts, c: Counts): void {
  for (const k of KEYS) into[k] += Number(c[k]);
}

function row(
  provider: string,
  promptVersion: string,
  baseline: boolean,
  byDay: Map<string, Counts>,
  days: string[],
): ScoreboardRow {
  const t = { ...ZERO };
  for (const c of byDay.values()) add(t, c);
  const decided = t.correct + t.incorrect;
  return {
    provider,
    prompt_version: promptVersion,
    baseline,
    proposals: t.proposals,
    shadow: t.shadow,
    scored: {
      correct: t.correct,
      incorrect: t.incorrect,
      expired: t.expired,
      pending: t.proposals - decided - t.expired,
      share: wilson(decided + t.expired, t.proposals),
    },
    precision: wilson(t.correct, decided),
    fixed_by_new_commit: wilson(t.fixGreen, t.fixDecided),
    retry_precision: wilson(t.retryCorrect, t.retryCorrect + t.retryIncorrect),
    feedback: { accepted: t.accepted, rejected: t.rejected, acceptance: wilson(t.accepted, t.accepted + t.rejected) },
    series: days.map((day) => {
      const c = byDay.get(day) ?? ZERO;
      return {
        day,
        proposals: c.proposals,
        correct: c.correct,
        incorrect: c.incorrect,
        accepted: c.accepted,
        rejected: c.rejected,
        precision: c.correct + c.incorrect === 0 ? null : c.correct / (c.correct + c.incorrect),
      };
    }),
  };
}

/**
 * The scoreboard from the query's rows (grouped by provider, prompt version, day; days outside the window are
 * ignored). Rows: the baseline's first (a placeholder with the baseline's current prompt version when it has none),
 * then the others by provider and prompt version.
 */
export function assembleScoreboard(
  counts: readonly DayCounts[],
  w: DayWindow,
  baseline: { provider: string; promptVersion: string },
  truncated = false,
): Scoreboard {
  const inWindow = new Set(w.days);
  const groups = new Map<string, { provider: string; promptVersion: string; byDay: Map<string, Counts> }>();
  for (const c of counts) {
    if (!inWindow.has(c.day)) continue;
    const key = `${c.provider}\u0000${c.promptVersion}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { provider: c.provider, promptVersion: c.promptVersion, byDay: new Map() }));
    const d = g.byDay.get(c.day) ?? { ...ZERO };
    add(d, c);
    g.byDay.set(c.day, d);
  }
  if (![...groups.values()].some((g) => g.provider === baseline.provider))
    groups.set('baseline', { provider: baseline.provider, promptVersion: baseline.promptVersion, byDay: new Map() });
  const rows = [...groups.values()].map((g) =>
    row(g.provider, g.promptVersion, g.provider === baseline.provider, g.byDay, w.days),
  );
  rows.sort(
    (a, b) =>
      Number(b.baseline) - Number(a.baseline) || cmp(a.provider, b.provider) || cmp(a.prompt_version, b.prompt_version),
  );
  return {
    window: `${w.days.length}d`,
    since: w.since,
    days: w.days,
    baseline_provider: baseline.provider,
    truncated,
    rows,
  };
}
