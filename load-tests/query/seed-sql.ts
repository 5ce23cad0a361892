// The SQL that generates the query benchmark's data (seed.ts runs it): helper tables and functions, one
// statement per chunk of pipelines with their jobs, and the derived project_daily_stats and
// remediation_proposals. Kept apart from seed.ts, which decides when to load and reuse, because this is
// where the data's shape is decided:
//
// Distributions: 200 projects with a skewed size (project k gets a share ∝ 1/√k: the largest ~7% of
// the pipelines, the smallest ~0.2%); refs main 55%, release tags 7%, 300 feature branches per
// project; sources push 70%, merge_request_event 15%, schedule/web/api/trigger the rest; 1–13 jobs
// in up to 4 stages (build, test, package, deploy; two manual deploys; a DAG edge; an allow_failure
// scan); pipelines created evenly over 90 days up to the load time; statuses success 76%, failed 15%,
// canceled 4%, manual 3%, skipped 2%, and running/pending/created only in the last 2 hours; 3% of
// the finished jobs retried once (the earlier attempt failed, retried = true; a retry that passed is a
// flaky_jobs row); failed jobs carry a ~4 KiB log excerpt; queue times and durations exponential.
//
// project_daily_stats (what GET /v1/projects/{id}/stats reads) is derived from the loaded rows the way
// the projector maintains it (services/run/projector/daily-stats.ts): per project and UTC day of pipeline
// creation, counts and log-bucketed histograms (services/lib/core/stats/histogram.ts bucketOf, in SQL) of
// the finished pipelines' durations and of their job attempts' queue times.
import type pg from 'pg';
import { BUCKETS } from '../../services/lib/core/stats/histogram.js';

const PROJECTS = 200;

/** The job catalog a pipeline of n jobs takes the first n of; its definition follows from it. */
const CATALOG: { name: string; stage: string; needs: string[] | null; when: string; allow_failure: boolean }[] = [
  { name: 'compile', stage: 'build', needs: null, when: 'on_success', allow_failure: false },
  { name: 'lint', stage: 'build', needs: null, when: 'on_success', allow_failure: false },
  { name: 'unit', stage: 'test', needs: null, when: 'on_success', allow_failure: false },
  { name: 'rspec 1/2', stage: 'test', needs: null, when: 'on_success', allow_failure: false },
  { name: 'rspec 2/2', stage: 'test', needs: null, when: 'on_success', allow_failure: false },
  { name: 'jest', stage: 'test', needs: null, when: 'on_success', allow_failure: false },
  { name: 'integration', stage: 'test', needs: ['compile'], when: 'on_success', allow_failure: false },
  { name: 'e2e', stage: 'test', needs: null, when: 'on_success', allow_failure: false },
  { name: 'dependency-scan', stage: 'test', needs: null, when: 'on_success', allow_failure: true },
  { name: 'docker-build', stage: 'package', needs: null, when: 'on_success', allow_failure: false },
  { name: 'helm-lint', stage: 'package', needs: null, when: 'on_success', allow_failure: false },
  { name: 'deploy-staging', stage: 'deploy', needs: null, when: 'manual', allow_failure: false },
  { name: 'deploy-production', stage: 'deploy', needs: null, when: 'manual', allow_failure: false },
];

function definitions(): { n: number; stages: string[]; definition: unknown }[] {
  return CATALOG.map((_, i) => {
    const jobs = CATALOG.slice(0, i + 1);
    const stages = [...new Set(jobs.map((j) => j.stage))];
    return {
      n: i + 1,
      stages,
      definition: {
        stages,
        jobs: jobs.map((j) => ({
          ...j,
          retry: { max: 1, when: ['runner_system_failure', 'stuck_or_timeout_failure'] },
        })),
      },
    };
  });
}

/** Helper tables and function of the generator (in schema public of the bench database only). */
export async function createHelpers(c: pg.Client): Promise<void> {
  await c.query(`CREATE TABLE bench_projects (idx int PRIMARY KEY, project_id text NOT NULL)`);
  await c.query(
    `INSERT INTO bench_projects SELECT k, 'group-' || (k % 25) || '/service-' || k FROM generate_series(0, ${PROJECTS - 1}) AS k`,
  );
  await c.query(
    `CREATE TABLE bench_catalog (k int PRIMARY KEY, name text NOT NULL, stage text NOT NULL, needs text[], "when" text NOT NULL, allow_failure boolean NOT NULL)`,
  );
  for (const [i, j] of CATALOG.entries()) {
    await c.query('INSERT INTO bench_catalog VALUES ($1, $2, $3, $4, $5, $6)', [
      i + 1,
      j.name,
      j.stage,
      j.needs,
      j.when,
      j.allow_failure,
    ]);
  }
  await c.query(`CREATE TABLE bench_defs (n int PRIMARY KEY, stages text[] NOT NULL, definition jsonb NOT NULL)`);
  for (const d of definitions())
    await c.query('INSERT INTO bench_defs VALUES ($1, $2, $3)', [d.n, d.stages, JSON.stringify(d.definition)]);
  // A time-ordered id like the uuidv7 job ids the decider mints: 48-bit ms timestamp, version 7, variant 8.
  await c.query(`CREATE FUNCTION bench_uuid7(ts timestamptz, seed text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(seed), 1, 3) || '8' || substr(md5(seed), 4, 15))::uuid $$`);
  // services/lib/core/stats/histogram.ts bucketOf: bucket 0 below 1 ms, then 1 + floor(log_1.1(ms)), capped.
  await c.query(`CREATE FUNCTION bench_bucket(ms bigint) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN ms IS NULL OR ms < 1 THEN 0 ELSE least(${BUCKETS - 1}, 1 + floor(ln(ms::float8) / ln(1.1))::int) END $$`);
  await c.query(
    `CREATE TABLE bench_seed (target_jobs bigint PRIMARY KEY, version int NOT NULL, pipelines bigint, jobs bigint, flaky_jobs bigint, anchor timestamptz NOT NULL, load_ms bigint, phases jsonb, complete boolean NOT NULL DEFAULT false)`,
  );
}

/** One chunk of pipelines [from, to] with their jobs and flaky pairs, in one statement. */
export function chunkSql(s: string): string {
  return `
WITH base AS MATERIALIZED (
  SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8, random() AS r9, random() AS r10,
         $3::timestamptz - interval '90 days' + (i::float8 / $4::float8) * interval '90 days' + random() * interval '20 seconds' AS created_at
  FROM generate_series($1::int, $2::int) AS i
),
src AS MATERIALIZED (
  SELECT b.i, md5('p' || b.i)::uuid AS pipeline_id, pr.project_id,
         CASE WHEN b.r2 < 0.55 THEN 'main' WHEN b.r2 < 0.62 THEN 'v' || (b.i % 17) || '.' || (b.i % 23) || '.0' ELSE 'feature/f-' || floor(b.r3 * 300)::int END AS ref,
         md5('s' || b.i) || substr(md5('t' || b.i), 1, 8) AS sha,
         CASE WHEN b.r4 < 0.70 THEN 'push' WHEN b.r4 < 0.85 THEN 'merge_request_event' WHEN b.r4 < 0.90 THEN 'schedule' WHEN b.r4 < 0.95 THEN 'web' WHEN b.r4 < 0.98 THEN 'api' ELSE 'trigger' END AS source,
         1 + floor(b.r5 * 13)::int AS n,
         CASE WHEN b.created_at > $3::timestamptz - interval '2 hours'
              THEN CASE WHEN b.r6 < 0.6 THEN 'running' WHEN b.r6 < 0.85 THEN 'pending' ELSE 'created' END
              ELSE CASE WHEN b.r6 < 0.76 THEN 'success' WHEN b.r6 < 0.91 THEN 'failed' WHEN b.r6 < 0.95 THEN 'canceled' WHEN b.r6 < 0.98 THEN 'manual' ELSE 'skipped' END
         END AS status,
         b.created_at, b.r7, b.r10,
         floor(-ln(1 - b.r8) * 20000)::bigint AS queue_ms,
         floor((60 - ln(1 - b.r9) * 600) * 1000)::bigint AS dur_ms
  FROM base b JOIN bench_projects pr ON pr.idx = least(${PROJECTS - 1}, floor(${PROJECTS} * b.r1 * b.r1)::int)
),
jk AS MATERIALIZED (
  SELECT s.i, s.pipeline_id, s.project_id, s.sha, s.n, s.created_at, s.queue_ms, s.dur_ms, c.k, c.name, c.stage, c.needs, c."when", c.allow_failure,
         random() AS rq, random() AS rd, random() AS rf,
         CASE s.status
           WHEN 'success' THEN CASE WHEN c."when" = 'manual' THEN 'manual' ELSE 'success' END
           WHEN 'failed' THEN CASE WHEN c.k < 1 + floor(s.r7 * s.n) THEN 'success' WHEN c.k = 1 + floor(s.r7 * s.n) THEN 'failed' ELSE 'skipped' END
           WHEN 'canceled' THEN CASE WHEN c.k < 1 + floor(s.r7 * s.n) THEN 'success' ELSE 'canceled' END
           WHEN 'manual' THEN CASE WHEN c."when" = 'manual' THEN 'manual' ELSE 'success' END
           WHEN 'skipped' THEN 'skipped'
           WHEN 'running' THEN CASE WHEN c.k < 1 + floor(s.r7 * s.n) THEN 'success' WHEN c.k = 1 + floor(s.r7 * s.n) THEN 'running' ELSE 'created' END
           WHEN 'pending' THEN CASE WHEN c.k = 1 THEN 'pending' ELSE 'created' END
           ELSE 'created'
         END AS latest_status,
         random() < 0.03 AS retry_draw
  FROM src s JOIN bench_catalog c ON c.k <= s.n
),
attempts AS MATERIALIZED (
  SELECT x.*, CASE WHEN x.a = x.attempts THEN x.latest_status ELSE 'failed' END AS st,
         x.created_at + (x.queue_ms + (x.k - 1) * x.dur_ms / x.n) * interval '1 millisecond' + (x.a - 1) * interval '3 minutes' AS q,
         floor(-ln(1 - x.rq) * 8000)::bigint AS jq,
         floor((15 - ln(1 - x.rd) * 120) * 1000)::bigint AS jd,
         bench_uuid7(x.created_at + (x.k * 10 + x.a) * interval '1 millisecond', x.i || '-' || x.k || '-' || x.a) AS job_id
  FROM (SELECT jk.*, CASE WHEN jk.retry_draw AND jk.latest_status IN ('success', 'failed') THEN 2 ELSE 1 END AS attempts, g.a
        FROM jk CROSS JOIN LATERAL generate_series(1, CASE WHEN jk.retry_draw AND jk.latest_status IN ('success', 'failed') THEN 2 ELSE 1 END) AS g(a)) x
),
ip AS (
  INSERT INTO "${s}".pipelines (pipeline_id, project_id, ref, sha, source, status, warnings, stages, definition, created_at, started_at, finished_at, duration_ms, last_seq, updated_at)
  SELECT s.pipeline_id, s.project_id, s.ref, s.sha, s.source, s.status, s.status = 'success' AND s.r10 < 0.04, d.stages, d.definition, s.created_at,
         CASE WHEN s.status IN ('created', 'pending', 'skipped') THEN NULL ELSE s.created_at + s.queue_ms * interval '1 millisecond' END,
         CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN s.created_at + (s.queue_ms + s.dur_ms) * interval '1 millisecond' END,
         CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN s.dur_ms END,
         s.n * 4 + 3,
         s.created_at + CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN (s.queue_ms + s.dur_ms) * interval '1 millisecond' ELSE interval '0' END
  FROM src s JOIN bench_defs d ON d.n = s.n
),
ij AS (
  INSERT INTO "${s}".jobs (job_id, pipeline_id, project_id, name, stage, attempt, status, retried, allow_failure, "when", needs, runner_id, queued_at, started_at, finished_at,
                           queued_ms, duration_ms, failure_reason, failure_reason_raw, exit_code, log_ref, log_excerpt, last_seq)
  SELECT t.job_id, t.pipeline_id, t.project_id, t.name, t.stage, t.a, t.st, t.a < t.attempts, t.allow_failure, t."when", t.needs,
         CASE WHEN t.st IN ('running', 'success', 'failed') THEN 'runner-' || floor(t.rq * 64)::int END,
         CASE WHEN t.st IN ('created', 'skipped', 'manual') THEN NULL ELSE t.q END,
         CASE WHEN t.st IN ('running', 'success', 'failed') THEN t.q + t.jq * interval '1 millisecond' END,
         CASE WHEN t.st IN ('success', 'failed', 'canceled') THEN t.q + (t.jq + t.jd) * interval '1 millisecond' END,
         CASE WHEN t.st IN ('running', 'success', 'failed') THEN t.jq END,
         CASE WHEN t.st IN ('success', 'failed') THEN t.jd END,
         t.reason, t.reason, CASE WHEN t.reason = 'script_failure' THEN 1 END,
         CASE WHEN t.st IN ('success', 'failed', 'canceled') THEN 'logs/' || t.job_id END,
         CASE WHEN t.st = 'failed' THEN '$ bundle exec rspec (' || md5(t.job_id::text) || E')\\n' || repeat(E'Failure/Error: expect(user).to be_valid\\n  expected #<User id: 42> to be valid, but got errors: Email is invalid\\n# ./spec/models/user_spec.rb:42:in block (3 levels)\\n', 24) END,
         t.k * 4 + t.a
  FROM (SELECT attempts.*, CASE WHEN st <> 'failed' THEN NULL WHEN a < attempts THEN 'runner_system_failure' WHEN rf < 0.85 THEN 'script_failure' WHEN rf < 0.93 THEN 'stuck_or_timeout_failure' ELSE 'unknown_failure' END AS reason
        FROM attempts) t
)
INSERT INTO "${s}".flaky_jobs (passed_job_id, failed_job_id, pipeline_id, project_id, name, sha, failure_reason, detected_at)
SELECT p.job_id, f.job_id, p.pipeline_id, p.project_id, p.name, p.sha, 'runner_system_failure', p.q + (p.jq + p.jd) * interval '1 millisecond'
FROM attempts p JOIN attempts f ON f.i = p.i AND f.k = p.k AND f.a = 1
WHERE p.a = 2 AND p.st = 'success'`;
}

/** project_daily_stats from the loaded pipelines and jobs, as the projector's deltas would have summed up. */
export function dailyStatsSql(s: string): string {
  return `
WITH pd AS MATERIALIZED (
  SELECT pipeline_id, project_id, (created_at AT TIME ZONE 'UTC')::date AS day, status, finished_at, duration_ms FROM "${s}".pipelines
),
counts AS (
  SELECT project_id, day, count(*)::int AS pipelines, count(finished_at)::int AS finished,
         (count(*) FILTER (WHERE finished_at IS NOT NULL AND status = 'success'))::int AS succeeded,
         (count(*) FILTER (WHERE finished_at IS NOT NULL AND status = 'failed'))::int AS failed
  FROM pd GROUP BY project_id, day
),
dh AS (
  SELECT project_id, day, bench_bucket(duration_ms) AS b, count(*)::int AS n FROM pd WHERE finished_at IS NOT NULL AND duration_ms IS NOT NULL GROUP BY 1, 2, 3
),
qh AS (
  SELECT pd.project_id, pd.day, bench_bucket(j.queued_ms) AS b, count(*)::int AS n
  FROM "${s}".jobs j JOIN pd ON pd.pipeline_id = j.pipeline_id WHERE j.queued_ms IS NOT NULL GROUP BY 1, 2, 3
),
dense AS (
  SELECT c.project_id, c.day, g.b, coalesce(dh.n, 0) AS dn, coalesce(qh.n, 0) AS qn
  FROM counts c CROSS JOIN generate_series(0, ${BUCKETS - 1}) AS g(b)
  LEFT JOIN dh ON dh.project_id = c.project_id AND dh.day = c.day AND dh.b = g.b
  LEFT JOIN qh ON qh.project_id = c.project_id AND qh.day = c.day AND qh.b = g.b
),
hists AS (
  SELECT project_id, day, array_agg(dn ORDER BY b) AS duration_hist, array_agg(qn ORDER BY b) AS queue_hist, sum(qn)::int AS queued_jobs FROM dense GROUP BY project_id, day
)
INSERT INTO "${s}".project_daily_stats (project_id, day, pipelines, finished, succeeded, failed, duration_hist, queued_jobs, queue_hist, updated_at)
SELECT c.project_id, c.day, c.pipelines, c.finished, c.succeeded, c.failed, h.duration_hist, h.queued_jobs, h.queue_hist, now()
FROM counts c JOIN hists h USING (project_id, day)`;
}

/**
 * remediation_proposals (the job detail reads a job's proposals): one for ~60% of the failed job attempts,
 * as the remediator would have proposed them; 10% shadow, 40% scored. Columns as of the read model of
 * this release: if the table changed, the caller logs the error and goes on without proposals.
 */
export function proposalsSql(s: string): string {
  return `
INSERT INTO "${s}".remediation_proposals (proposal_id, pipeline_id, project_id, job_id, job_name, attempt, ref, sha, failure_reason, signature, provider, model, prompt_version,
  category, root_cause, evidence, suggested_action, action_kind, confidence, shadow, tokens_prompt, tokens_completion, latency_ms, cost_usd, failed_at, proposed_at,
  label, rule, outcome, outcome_at, scored_at)
SELECT bench_uuid7(j.finished_at + interval '2 seconds', 'r' || j.job_id), j.pipeline_id, j.project_id, j.job_id, j.name, j.attempt, p.ref, p.sha, j.failure_reason,
       substr(md5(j.project_id || '/' || j.name || '/' || j.failure_reason), 1, 16),
       CASE WHEN j.r1 < 0.5 THEN 'heuristic' ELSE 'openai' END, CASE WHEN j.r1 < 0.5 THEN NULL ELSE 'gpt-4.1-mini' END, 'v3',
       CASE WHEN j.failure_reason = 'runner_system_failure' THEN 'infrastructure' WHEN j.r2 < 0.25 THEN 'flaky' WHEN j.r2 < 0.8 THEN 'test_failure' ELSE 'dependency' END,
       'The spec user_spec.rb:42 fails because the email fixture no longer matches the validation (' || md5(j.job_id::text) || ')',
       '[{"start": 12, "end": 18, "why": "first failing assertion"}]'::jsonb,
       CASE WHEN j.r2 < 0.25 THEN '{"kind": "retry"}'::jsonb ELSE '{"kind": "fix", "summary": "update the fixture"}'::jsonb END,
       CASE WHEN j.r2 < 0.25 THEN 'retry' ELSE 'fix' END,
       (0.3 + j.r3 * 0.7)::real, j.r3 < 0.1, 3000 + floor(j.r1 * 9000)::int, 200 + floor(j.r2 * 400)::int, 400 + floor(j.r3 * 5000)::int, j.r1 * 0.01,
       j.finished_at, j.finished_at + (1 + j.r3 * 20) * interval '1 second',
       CASE WHEN j.r2 < 0.3 THEN 'correct' WHEN j.r2 < 0.4 THEN 'incorrect' END,
       CASE WHEN j.r2 < 0.4 THEN 'retry-outcome' END,
       CASE WHEN j.r2 < 0.4 THEN 'success' END,
       CASE WHEN j.r2 < 0.4 THEN j.finished_at + interval '10 minutes' END,
       CASE WHEN j.r2 < 0.4 THEN j.finished_at + interval '10 minutes' END
FROM (SELECT jobs.*, random() AS r1, random() AS r2, random() AS r3, random() AS r4 FROM "${s}".jobs WHERE status = 'failed' AND finished_at IS NOT NULL) j
JOIN "${s}".pipelines p ON p.pipeline_id = j.pipeline_id
WHERE j.r4 < 0.6`;
}
