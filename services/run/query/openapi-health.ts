// The OpenAPI description of health.ts's route, GET /v1/projects/{project}/health (openapi.ts merges it): its
// parameters are the schemas the route validates with, its answer a closed object checked against ProjectHealth
// at compile time.
import type { QueryConfig } from './config.js';
import { healthParams, type ProjectHealth } from './health.js';
import { operation } from './openapi-operation.js';
import { closed, int, numOrNull, ref, str, strOrNull, time, type Props, type Schema } from './openapi-primitives.js';

type Item<K extends keyof ProjectHealth> = ProjectHealth[K] extends (infer T)[] ? T : never;

const percentiles = (what: string) =>
  closed(
    {
      p50: { ...numOrNull, description: `median, ms (nearest rank); null when none` },
      p95: { ...numOrNull, description: `95th percentile, ms (nearest rank); null when none` },
    },
    what,
  );

const stageProps = {
  stage: str,
  runs: { ...int, description: 'Finished pipelines of the window in which the stage ran a job' },
  jobs: { ...int, description: 'Job attempts of the stage that ran to their end (retries included)' },
  wall_ms: percentiles("The stage's wall time in a pipeline: first start to last end of its job attempts"),
  job_duration_ms: percentiles("A job attempt's duration"),
} satisfies Props<Item<'slowest_stages'>>;

const reasonProps = {
  failure_reason: { ...strOrNull, description: "GitLab's failure_reason (null: none reported)" },
  jobs: { ...int, description: 'Failed job attempts with this reason (retried ones too)' },
  allowed_to_fail: { ...int, description: 'Of those, jobs with allow_failure (the pipeline did not fail for them)' },
} satisfies Props<Item<'failures_by_reason'>>;

const categoryProps = {
  category: { ...str, description: "The remediator's category of the failure" },
  failed_jobs: { ...int, description: 'Failed job attempts with a proposal of this category' },
  proposals: { ...int, description: 'Proposals of this category (several providers may propose for one failure)' },
} satisfies Props<Item<'failures_by_category'>>;

const flakyProps = {
  name: { ...str, description: 'Job name' },
  flaky: { ...int, description: 'Times the job failed, then passed on retry with the same sha, in the window' },
  last_detected_at: time,
} satisfies Props<Item<'flaky_jobs'>>;

const list = (item: string, description: string): Schema => ({ type: 'array', items: ref(item), description });

const healthProps = {
  project_id: str,
  window: { type: 'string', pattern: '^[0-9]+d$' },
  since: {
    ...time,
    description:
      'Start of the window: midnight UTC of the first of its days (today and the N − 1 days before, as /stats)',
  },
  limit: { ...int, description: 'Rows per list at most' },
  slowest_stages: list(
    'HealthStage',
    "Stages of the finished pipelines created in the window, slowest first (p95 of the stage's wall time)",
  ),
  failed_jobs: { ...int, description: 'Failed job attempts of the pipelines created in the window, every reason' },
  failures_by_reason: list('HealthFailureReason', 'Failed job attempts by failure_reason, most first'),
  failures_by_category: list(
    'HealthFailureCategory',
    'Failures by the category of the remediation proposals made in the window (shadow ones aside), most first',
  ),
  flaky_jobs: list('HealthFlakyJob', 'Flaky jobs by name, detected in the window, most often first'),
} satisfies Props<ProjectHealth>;

export function healthOpenApi(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  return {
    paths: {
      '/v1/projects/{project}/health': {
        get: operation({
          operationId: 'getProjectHealth',
          summary:
            "A project's health over a window: the slowest stages, the failed jobs by failure reason, the failures by the remediator's category, the most flaky jobs (the daily figures are GET /v1/projects/{project}/stats)",
          params: healthParams(config),
          ok: ref('ProjectHealth'),
          errors: [400, 404],
        }),
      },
    },
    schemas: {
      ProjectHealth: closed(healthProps),
      HealthStage: closed(stageProps),
      HealthFailureReason: closed(reasonProps),
      HealthFailureCategory: closed(categoryProps),
      HealthFlakyJob: closed(flakyProps),
    },
  };
}
