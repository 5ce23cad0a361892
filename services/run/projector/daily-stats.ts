// Incremental maintenance of the per-project daily stats (read model `project_daily_stats`): the
// change a fold makes to each (project, UTC creation day) — the old row's contribution withdrawn, the
// new row's added — so a pipeline that finishes, is retried and finishes again is counted once, with
// its latest status and duration. Pure; the store adds the deltas with one multi-row upsert.
import { emptyHistogram, record, type Histogram } from '../../lib/core/stats/histogram.js';
import type { JobRow, PipelineRow } from '../../lib/readmodel/rows.js';
import type { FoldResult, Rows } from './fold.js';

export interface DailyDelta {
  projectId: string;
  day: string;
  pipelines: number;
  finished: number;
  succeeded: number;
  failed: number;
  durationHist: Histogram;
  queuedJobs: number;
  queueHist: Histogram;
}

/** UTC day (YYYY-MM-DD) of an ISO timestamp or of Postgres' text form ("2026-11-28 04:45:30.1+00"). */
export function utcDay(ts: string): string {
  const iso = ts.includes('T') ? ts : ts.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${ts}`);
  return new Date(ms).toISOString().slice(0, 10);
}

export function dailyDeltas(before: Rows, after: Pick<FoldResult, 'pipelines' | 'jobs'>): DailyDelta[] {
  const deltas = new Map<string, DailyDelta>();
  const deltaOf = (p: PipelineRow): DailyDelta => {
    const day = utcDay(p.createdAt);
    const key = `${p.projectId}\u0000${day}`;
    let d = deltas.get(key);
    if (!d) {
      d = {
        projectId: p.projectId,
        day,
        pipelines: 0,
        finished: 0,
        succeeded: 0,
        failed: 0,
        durationHist: emptyHistogram(),
        queuedJobs: 0,
        queueHist: emptyHistogram(),
      };
      deltas.set(key, d);
    }
    return d;
  };
  const pipelineContribution = (d: DailyDelta, p: PipelineRow, sign: 1 | -1) => {
    if (p.finishedAt === null) return;
    d.finished += sign;
    if (p.status === 'success') d.succeeded += sign;
    if (p.status === 'failed') d.failed += sign;
    if (p.durationMs !== null) record(d.durationHist, p.durationMs, sign);
  };
  const jobContribution = (d: DailyDelta, j: JobRow | undefined, sign: 1 | -1) => {
    if (!j || j.queuedMs === null) return;
    d.queuedJobs += sign;
    record(d.queueHist, j.queuedMs, sign);
  };

  for (const [id, now] of after.pipelines) {
    const old = before.pipelines.get(id);
    const d = deltaOf(now);
    if (!old) d.pipelines += 1;
    else pipelineContribution(d, old, -1);
    pipelineContribution(d, now, 1);
  }
  for (const [id, now] of after.jobs) {
    const pipeline = after.pipelines.get(now.pipelineId) ?? before.pipelines.get(now.pipelineId);
    if (!pipeline) continue;
    const d = deltaOf(pipeline);
    jobContribution(d, before.jobs.get(id), -1);
    jobContribution(d, now, 1);
  }
  return [...deltas.values()].filter(
    (d) =>
      d.pipelines !== 0 ||
      d.finished !== 0 ||
      d.succeeded !== 0 ||
      d.failed !== 0 ||
      d.queuedJobs !== 0 ||
      d.durationHist.some((c) => c !== 0) ||
      d.queueHist.some((c) => c !== 0),
  );
}
