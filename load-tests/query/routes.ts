// The routes the query benchmark measures and their request variants: the list/detail routes of
// QUALITY.md plus GET /v1/remediations as context, each with BENCH_VARIANTS paths built from rows sampled
// out of the seeded database (project filters follow the project size, so big projects are asked about
// more; variant 0 is the biggest project, variant 1 the median one).
import type pg from 'pg';
import { encodeCursor } from '../../services/run/query/index.js';
import type { SeedInfo } from './seed.js';

/** Rows sampled from the seeded read model that the request variants are made of. */
export interface Sample {
  pipelines: { id: string; project: string; createdAt: string }[];
  jobs: string[];
  biggest: string;
  /** The project of median size (variant 1 of project-scoped routes). */
  median: string;
  projects: { project: string; pipelines: number }[];
}

export interface Route {
  name: string;
  route: string;
  paths: string[];
  /** Not in QUALITY.md's list (context); skipped when this release has no such route. */
  optional?: boolean;
}

const enc = encodeURIComponent;
const STATUSES = ['failed', 'running', 'canceled', 'success'];

/** Every route with its n request paths. */
export function routes(s: Sample, n: number): Route[] {
  const pick = <T>(a: T[], i: number): T => a[(i * 7919 + 13) % a.length]!; // deterministic spread
  const project = (i: number) => (i === 0 ? s.biggest : i === 1 ? s.median : pick(s.pipelines, i).project);
  const inProject = (project: string) => s.pipelines.filter((p) => p.project === project);
  const cursorIn = (i: number, scoped: boolean) => {
    // A cursor at a random depth: the position of a sampled pipeline (of the biggest project for variant 0, the median
    // one for 1).
    const p = scoped && i < 2 ? pick(inProject(i === 0 ? s.biggest : s.median), 1) : pick(s.pipelines, i);
    return { project: p.project, cursor: encodeCursor({ createdAt: p.createdAt, pipelineId: p.id }) };
  };
  const make = (name: string, route: string, f: (i: number) => string): Route => ({
    name,
    route,
    paths: Array.from({ length: n }, (_, i) => f(i)),
  });
  return [
    make('list, every project, first page', 'GET /v1/pipelines', () => '/v1/pipelines'),
    make(
      'list, every project, cursor page',
      'GET /v1/pipelines?cursor=',
      (i) => `/v1/pipelines?cursor=${cursorIn(i, false).cursor}`,
    ),
    make(
      'list by project, first page',
      'GET /v1/pipelines?project=',
      (i) => `/v1/pipelines?project=${enc(project(i))}`,
    ),
    make('list by project, cursor page', 'GET /v1/pipelines?project=&cursor=', (i) => {
      const c = cursorIn(i, true);
      return `/v1/pipelines?project=${enc(c.project)}&cursor=${c.cursor}`;
    }),
    make(
      'list by project + status',
      'GET /v1/pipelines?project=&status=',
      (i) => `/v1/pipelines?project=${enc(project(i))}&status=${STATUSES[i % STATUSES.length]}`,
    ),
    make(
      'list by status, every project',
      'GET /v1/pipelines?status=',
      (i) => `/v1/pipelines?status=${STATUSES[i % STATUSES.length]}`,
    ),
    make('pipeline detail', 'GET /v1/pipelines/{id}', (i) => `/v1/pipelines/${pick(s.pipelines, i).id}`),
    make('job detail', 'GET /v1/jobs/{id}', (i) => `/v1/jobs/${pick(s.jobs, i)}`),
    make('project stats (7d)', 'GET /v1/projects/{id}/stats', (i) => `/v1/projects/${enc(project(i))}/stats`),
    {
      ...make(
        'remediation proposals by project (context)',
        'GET /v1/remediations?project=',
        (i) => `/v1/remediations?project=${enc(project(i))}`,
      ),
      optional: true,
    },
  ];
}

/** About 6,000 pipelines and 6,000 jobs sampled at random (TABLESAMPLE BERNOULLI), and the projects by size. */
export async function sample(pool: pg.Pool, seed: SeedInfo): Promise<Sample> {
  const pct = (want: number, of: number) => Math.min(100, Math.max(0.0001, (want / Math.max(1, of)) * 100)).toFixed(4);
  const p = await pool.query<{ id: string; project: string; created_at: string }>(
    `SELECT pipeline_id AS id, project_id AS project, created_at::text FROM "${seed.schema}".pipelines TABLESAMPLE BERNOULLI (${pct(6000, seed.pipelines)})`,
  );
  const j = await pool.query<{ id: string }>(
    `SELECT job_id AS id FROM "${seed.schema}".jobs TABLESAMPLE BERNOULLI (${pct(6000, seed.jobs)})`,
  );
  const projects = await pool.query<{ project: string; pipelines: number }>(
    'SELECT project_id AS project, count(*)::int AS pipelines FROM rm.pipelines GROUP BY 1 ORDER BY 2 DESC',
  );
  return {
    pipelines: p.rows.map((r) => ({ id: r.id, project: r.project, createdAt: r.created_at })),
    jobs: j.rows.map((r) => r.id),
    biggest: projects.rows[0]!.project,
    median: projects.rows[Math.floor(projects.rows.length / 2)]!.project,
    projects: projects.rows,
  };
}
