// A project's health beyond /stats (docs/API.md): GET /v1/projects/{project}/health?window=&limit= answers, over
// the same UTC days as /stats (today and the N − 1 before it), the slowest stages, the failed jobs by failure
// reason, the failures by the remediator's category and the most flaky jobs by name. Each query is a drizzle
// builder (healthQueries) so the index test can EXPLAIN it; every one reads through an index (no Seq Scan on
// 200k rows) and every list is bounded.
import { and, asc, eq, gte, isNotNull, sql } from 'drizzle-orm';
import type { Router } from 'express';
import { safeTextParams } from '../../lib/platform/http/request-guards.js';
import { tightenSchema } from '../../lib/platform/schemas/safety.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';
import { requireProject, tokenOf } from './access.js';
import type { QueryDeps } from './deps.js';
import { paramParser, paramSchemas, type RouteParams } from './params.js';
import { iso } from './present.js';
import { windowFirstDay } from './stats.js';

/** Rows per list of the answer: a page shows the top few; the lists by reason and category are bounded by their enums. */
export const HEALTH_LIMIT = { default: 10, max: 50 } as const;

/** The route's parameters: the project path of /stats, a window of 1 to 90 days (30 by default) and a list bound. */
export function healthParams(config: Parameters<typeof paramSchemas>[0]) {
  const stats = paramSchemas(config).stats;
  return tightenSchema({
    path: stats.path,
    query: {
      type: 'object',
      additionalProperties: false,
      required: [],
      properties: {
        window: {
          ...stats.query.properties.window,
          default: '30d',
          description: 'The last N UTC days, today included: 1d to 90d',
        },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: HEALTH_LIMIT.max,
          default: HEALTH_LIMIT.default,
          description: 'Rows per list (slowest stages, reasons, categories, flaky jobs)',
        },
      },
    },
  } satisfies RouteParams);
}

/**
 * The queries of a project's health since `since` (midnight UTC of the window's first day). Jobs are counted by
 * their pipeline's creation, as /stats counts them: the project's pipelines of the window (pipelines_by_project)
 * and their jobs — by pipeline (jobs_by_pipeline), or, when the window holds most of the project's pipelines, the
 * project's jobs (jobs_by_project_name) joined to them. No index has jobs by project and time; none is needed
 * while one of those two reads is cheap. Proposals and flaky jobs: remediations_by_project, flaky_by_project.
 */
export function healthQueries(db: Db, t: ReadModel, projectId: string, since: string, limit: number) {
  const p = t.pipelines;
  const j = t.jobs;
  const r = t.remediationProposals;
  const f = t.flakyJobs;
  const pipelinesOfWindow = and(eq(p.projectId, projectId), gte(p.createdAt, since));
  // The job's project too (always its pipeline's): it lets the planner read the project's jobs through
  // jobs_by_project_name when the window holds too many pipelines for a lookup per pipeline.
  const jobsOf = and(eq(j.pipelineId, p.pipelineId), eq(j.projectId, projectId));

  // Every job attempt that ran to its end in a finished pipeline of the window (a stage of a running pipeline
  // would show a wall time cut short), with its stage's wall time in that pipeline: first start to last end of
  // the stage's attempts, carried by one row per pipeline and stage (`first`).
  const stageRun = sql`partition by ${j.pipelineId}, ${j.stage}`;
  const ran = db
    .select({
      stage: j.stage,
      durationMs: j.durationMs,
      wallMs:
        sql<number>`round(extract(epoch from max(${j.finishedAt}) over (${stageRun}) - min(${j.startedAt}) over (${stageRun})) * 1000)`.as(
          'wall_ms',
        ),
      first: sql<boolean>`row_number() over (${stageRun}) = 1`.as('first'),
    })
    .from(p)
    .innerJoin(j, jobsOf)
    .where(and(pipelinesOfWindow, isNotNull(p.finishedAt), isNotNull(j.startedAt), isNotNull(j.finishedAt)))
    .as('ran');
  // Nearest rank, as /stats' percentiles: a value that occurred.
  const pct = (q: number, of: unknown, filter = sql``) =>
    sql<number | null>`(percentile_disc(${sql.raw(String(q))}) within group (order by ${of}) ${filter})::float8`;
  const firstOnly = sql`filter (where ${ran.first})`;
  const wallP95 = pct(0.95, ran.wallMs, firstOnly);

  const failures = sql<number>`count(*)::int`;
  const distinctJobs = sql<number>`count(distinct ${r.jobId})::int`;
  const flakyCount = sql<number>`count(*)::int`;
  const lastDetected = sql<string>`max(${f.detectedAt})`;

  return {
    /** Per stage: its runs (pipelines) and job attempts, percentiles of both; the slowest stage wall time first. */
    stages: db
      .select({
        stage: ran.stage,
        runs: sql<number>`(count(*) ${firstOnly})::int`,
        jobs: sql<number>`count(*)::int`,
        wallP50: pct(0.5, ran.wallMs, firstOnly),
        wallP95,
        jobP50: pct(0.5, ran.durationMs),
        jobP95: pct(0.95, ran.durationMs),
      })
      .from(ran)
      .groupBy(ran.stage)
      .orderBy(sql`${wallP95} desc nulls last`, asc(ran.stage))
      .limit(limit),
    /** Failed job attempts (retried ones too: each failure cost a run) by GitLab's failure_reason; the total over all. */
    reasons: db
      .select({
        failureReason: j.failureReason,
        jobs: failures,
        allowed: sql<number>`(count(*) filter (where ${j.allowFailure}))::int`,
        total: sql<number>`(sum(count(*)) over ())::int`,
      })
      .from(p)
      .innerJoin(j, jobsOf)
      .where(and(pipelinesOfWindow, eq(j.status, 'failed')))
      .groupBy(j.failureReason)
      .orderBy(sql`${failures} desc`, asc(j.failureReason))
      .limit(limit),
    /** Failed jobs by the category of the remediator's proposals made in the window (shadow proposals aside). */
    categories: db
      .select({ category: r.category, failures: distinctJobs, proposals: sql<number>`count(*)::int` })
      .from(r)
      .where(and(eq(r.projectId, projectId), gte(r.proposedAt, since), eq(r.shadow, false)))
      .groupBy(r.category)
      .orderBy(sql`${distinctJobs} desc`, asc(r.category))
      .limit(limit),
    /** Jobs by name that failed and passed on retry with the same sha, detected in the window; most often first. */
    flaky: db
      .select({ name: f.name, flaky: flakyCount, lastDetectedAt: lastDetected })
      .from(f)
      .where(and(eq(f.projectId, projectId), gte(f.detectedAt, since)))
      .groupBy(f.name)
      .orderBy(sql`${flakyCount} desc`, sql`${lastDetected} desc`, asc(f.name))
      .limit(limit),
  };
}

const ms = (v: number | null): number | null => (v === null ? null : Math.round(Number(v)));

export interface ProjectHealth {
  project_id: string;
  window: string;
  since: string;
  limit: number;
  slowest_stages: {
    stage: string;
    runs: number;
    jobs: number;
    wall_ms: { p50: number | null; p95: number | null };
    job_duration_ms: { p50: number | null; p95: number | null };
  }[];
  failed_jobs: number;
  failures_by_reason: { failure_reason: string | null; jobs: number; allowed_to_fail: number }[];
  failures_by_category: { category: string; failed_jobs: number; proposals: number }[];
  flaky_jobs: { name: string; flaky: number; last_detected_at: string }[];
}

export async function projectHealth(
  db: Db,
  t: ReadModel,
  projectId: string,
  windowDays: number,
  limit: number,
  now = Date.now(),
): Promise<ProjectHealth> {
  const since = `${windowFirstDay(windowDays, now)}T00:00:00.000Z`;
  const q = healthQueries(db, t, projectId, since, limit);
  const [stages, reasons, categories, flaky] = await Promise.all([q.stages, q.reasons, q.categories, q.flaky]);
  return {
    project_id: projectId,
    window: `${windowDays}d`,
    since,
    limit,
    slowest_stages: stages.map((s) => ({
      stage: s.stage,
      runs: s.runs,
      jobs: s.jobs,
      wall_ms: { p50: ms(s.wallP50), p95: ms(s.wallP95) },
      job_duration_ms: { p50: ms(s.jobP50), p95: ms(s.jobP95) },
    })),
    failed_jobs: reasons[0]?.total ?? 0,
    failures_by_reason: reasons.map((r) => ({
      failure_reason: r.failureReason,
      jobs: r.jobs,
      allowed_to_fail: r.allowed,
    })),
    failures_by_category: categories.map((c) => ({
      category: c.category,
      failed_jobs: c.failures,
      proposals: c.proposals,
    })),
    flaky_jobs: flaky.map((x) => ({ name: x.name, flaky: x.flaky, last_detected_at: iso(x.lastDetectedAt) })),
  };
}

export function healthRoutes(router: Router, deps: QueryDeps): void {
  const { config, db, tables } = deps;
  const parse = paramParser<{ project: string }, { window?: string; limit?: number }>(healthParams(config));
  router.get('/v1/projects/:project/health', safeTextParams(), async (req, res) => {
    const { path, query } = parse(req);
    requireProject(tokenOf(res), path.project);
    const days = Number((query.window ?? '30d').slice(0, -1));
    res.json(await projectHealth(db, tables, path.project, days, query.limit ?? HEALTH_LIMIT.default));
  });
}
