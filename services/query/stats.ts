// Project statistics over a window, computed by Postgres (parameterised drizzle sql), one indexed
// query per figure:
//  - pipelines created in the window (pipelines_by_project);
//  - pipelines finished in the window: count, successes, duration p50/p95 (pipelines_finished);
//  - queue time p50/p95 of the job attempts finished in the window (jobs_by_project_name);
//  - flaky jobs detected in the window (flaky_by_project).
import { and, eq, gte, isNotNull, sql, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../platform/db/client.js';
import type { ReadModel } from './tables.js';

const DAY_MS = 86_400_000;

const p50 = (column: AnyColumn) => sql<number | null>`percentile_cont(${0.5}::float8) within group (order by ${column})`;
const p95 = (column: AnyColumn) => sql<number | null>`percentile_cont(${0.95}::float8) within group (order by ${column})`;
const count = sql<number>`count(*)::int`;

export function statsQueries(db: Db, t: ReadModel, projectId: string, since: string) {
  const { pipelines: p, jobs: j, flakyJobs: f } = t;
  return {
    created: db.select({ pipelines: count }).from(p).where(and(eq(p.projectId, projectId), gte(p.createdAt, since))),
    finished: db
      .select({
        finished: count,
        succeeded: sql<number>`(count(*) filter (where ${p.status} = ${'success'}))::int`,
        p50: p50(p.durationMs),
        p95: p95(p.durationMs),
      })
      .from(p)
      .where(and(eq(p.projectId, projectId), gte(p.finishedAt, since))),
    queued: db
      .select({ jobs: count, p50: p50(j.queuedMs), p95: p95(j.queuedMs) })
      .from(j)
      .where(and(eq(j.projectId, projectId), gte(j.finishedAt, since), isNotNull(j.queuedMs))),
    flaky: db.select({ flaky: count }).from(f).where(and(eq(f.projectId, projectId), gte(f.detectedAt, since))),
  };
}

export interface ProjectStats {
  project_id: string;
  window: string;
  since: string;
  pipelines: number;
  finished: number;
  succeeded: number;
  success_rate: number | null;
  duration_ms: { p50: number | null; p95: number | null };
  queue_time_ms: { jobs: number; p50: number | null; p95: number | null };
  flaky_jobs: number;
}

export async function projectStats(db: Db, t: ReadModel, projectId: string, windowDays: number, now = Date.now()): Promise<ProjectStats> {
  const since = new Date(now - windowDays * DAY_MS).toISOString();
  const q = statsQueries(db, t, projectId, since);
  const [[created], [finished], [queued], [flaky]] = await Promise.all([q.created, q.finished, q.queued, q.flaky]);
  const done = finished?.finished ?? 0;
  const succeeded = finished?.succeeded ?? 0;
  return {
    project_id: projectId,
    window: `${windowDays}d`,
    since,
    pipelines: created?.pipelines ?? 0,
    finished: done,
    succeeded,
    success_rate: done === 0 ? null : succeeded / done,
    duration_ms: { p50: num(finished?.p50), p95: num(finished?.p95) },
    queue_time_ms: { jobs: queued?.jobs ?? 0, p50: num(queued?.p50), p95: num(queued?.p95) },
    flaky_jobs: flaky?.flaky ?? 0,
  };
}

const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
