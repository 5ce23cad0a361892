// The project health page's reads (docs/API.md): GET /v1/projects/{project}/stats (the window's figures and its
// days) and GET /v1/projects/{project}/health (slowest stages, failures by reason and by category, flaky jobs),
// both over the same UTC days. A project the session may not read answers 404 exactly as one that does not exist:
// the page says "not found" for both.
import { getJson, SessionEnded } from '../api.js';
import type { DailyStats, Figures } from './series.js';

export interface ProjectStats extends Figures, DailyStats {
  project_id: string;
  window: string;
  flaky_jobs: number;
}

interface Percentiles {
  p50: number | null;
  p95: number | null;
}

export interface StageHealth {
  stage: string;
  runs: number;
  jobs: number;
  wall_ms: Percentiles;
  job_duration_ms: Percentiles;
}

export interface ProjectHealth {
  project_id: string;
  window: string;
  since: string;
  limit: number;
  slowest_stages: StageHealth[];
  failed_jobs: number;
  failures_by_reason: { failure_reason: string | null; jobs: number; allowed_to_fail: number }[];
  failures_by_category: { category: string; failed_jobs: number; proposals: number }[];
  flaky_jobs: { name: string; flaky: number; last_detected_at: string }[];
}

export type HealthAnswer = { found: true; stats: ProjectStats; health: ProjectHealth } | { found: false };

/** Rows per list of the page (the route takes 1 to 50). */
export const LIST_ROWS = 10;

/** getJson's error for an answer that is not 2xx names its status: "<path> answered 404". */
const isNotFound = (err: unknown) => err instanceof Error && / answered 404$/.test(err.message);

/** Both reads of the page for a project and window; found: false when the project is not there for this session. */
export async function loadHealth(project: string, days: number): Promise<HealthAnswer> {
  const base = `/v1/projects/${encodeURIComponent(project)}`;
  try {
    const [stats, health] = await Promise.all([
      getJson<ProjectStats>(`${base}/stats?window=${days}d`),
      getJson<ProjectHealth>(`${base}/health?window=${days}d&limit=${LIST_ROWS}`),
    ]);
    return { found: true, stats, health };
  } catch (err) {
    if (!(err instanceof SessionEnded) && isNotFound(err)) return { found: false };
    throw err;
  }
}
