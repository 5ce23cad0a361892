// Project statistics over a window of UTC days (today and the N − 1 before it), from the daily stats
// the projector maintains (read model `project_daily_stats`, services/run/projector/daily-stats.ts): one
// indexed range read of at most 90 rows, whatever the number of pipelines. A day's figures are about
// the pipelines created that day: how many, how many finished and succeeded, their durations, and the
// queue times of their jobs. Percentiles come from the summed log-bucketed histograms (nearest rank,
// within ±5%: services/lib/core/stats/histogram.ts). Flaky jobs are counted by detection time (indexed).
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { addInto, emptyHistogram, percentile } from '../../lib/core/stats/histogram.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { DayRow, ReadModel } from '../../lib/readmodel/rows.js';
import { dayWindow } from './window.js';

/** The first UTC day of a window of N days ending today (YYYY-MM-DD): /stats and /health read the same days. */
export const windowFirstDay = (windowDays: number, now = Date.now()): string => dayWindow(windowDays, now).days[0]!;

export function statsQueries(db: Db, t: ReadModel, projectId: string, sinceDay: string) {
  const d = t.projectDailyStats;
  const f = t.flakyJobs;
  return {
    days: db
      .select()
      .from(d)
      .where(and(eq(d.projectId, projectId), gte(d.day, sinceDay)))
      .orderBy(asc(d.day)),
    flaky: db
      .select({ flaky: sql<number>`count(*)::int` })
      .from(f)
      .where(and(eq(f.projectId, projectId), gte(f.detectedAt, `${sinceDay}T00:00:00.000Z`))),
  };
}

interface Figures {
  pipelines: number;
  finished: number;
  succeeded: number;
  success_rate: number | null;
  duration_ms: { p50: number | null; p95: number | null };
  queue_time_ms: { jobs: number; p50: number | null; p95: number | null };
}

export interface ProjectStats extends Figures {
  project_id: string;
  window: string;
  since: string;
  flaky_jobs: number;
  daily: (Figures & { day: string })[];
}

function figures(rows: readonly DayRow[]): Figures {
  const duration = emptyHistogram();
  const queue = emptyHistogram();
  let pipelines = 0;
  let finished = 0;
  let succeeded = 0;
  let jobs = 0;
  for (const r of rows) {
    pipelines += r.pipelines;
    finished += r.finished;
    succeeded += r.succeeded;
    jobs += r.queuedJobs;
    addInto(duration, r.durationHist);
    addInto(queue, r.queueHist);
  }
  return {
    pipelines,
    finished,
    succeeded,
    success_rate: finished === 0 ? null : succeeded / finished,
    duration_ms: { p50: percentile(duration, 50), p95: percentile(duration, 95) },
    queue_time_ms: { jobs, p50: percentile(queue, 50), p95: percentile(queue, 95) },
  };
}

export async function projectStats(
  db: Db,
  t: ReadModel,
  projectId: string,
  windowDays: number,
  now = Date.now(),
): Promise<ProjectStats> {
  const sinceDay = windowFirstDay(windowDays, now);
  const q = statsQueries(db, t, projectId, sinceDay);
  const [days, [flaky]] = await Promise.all([q.days, q.flaky]);
  return {
    project_id: projectId,
    window: `${windowDays}d`,
    since: `${sinceDay}T00:00:00.000Z`,
    ...figures(days),
    flaky_jobs: flaky?.flaky ?? 0,
    daily: days.map((r) => ({ day: r.day, ...figures([r]) })),
  };
}
