// Response schemas of the query API's OpenAPI document for pipelines, jobs and their attempts, flaky jobs and
// the project statistics: closed objects whose property lists are checked against present.ts and stats.ts
// at compile time (`satisfies`).
import { PIPELINE_SYSTEMS } from '../../lib/core/observed/systems.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import {
  bool,
  closed,
  int,
  intOrNull,
  numOrNull,
  status,
  statusOrNull,
  str,
  strOrNull,
  time,
  timeOrNull,
  uuid,
  uuidOrNull,
  type Props,
  type Schema,
} from './openapi-primitives.js';
import type { PipelineLink } from './links.js';
import type { attemptJson, flakyJson, jobJson, pipelineJson } from './present.js';
import type { ProjectStats } from './stats.js';

const jobCreated = loadCatalog().find((e) => e.topic === 'ci.pipeline.events.v1' && e.type === 'JobCreated');
if (!jobCreated) throw new Error('schemas/ci.pipeline.events.v1/JobCreated.v1.json missing');
/** GitLab's `when` of a job, as JobCreated carries it (on_success, on_failure, always, manual, delayed). */
const when = (jobCreated.schema.properties as Record<string, Schema>).when!;

export const pipelineProps = {
  pipeline_id: uuid,
  project_id: str,
  ref: str,
  sha: str,
  source: str,
  status: { ...status, description: 'Composite status of the latest jobs (GitLab rules)' },
  warnings: {
    ...bool,
    description: 'A job allowed to fail failed (GitLab: passed with warnings); from the last status change',
  },
  stages: { type: 'array', items: str, description: 'Stage names, in definition order' },
  created_at: time,
  started_at: timeOrNull,
  finished_at: timeOrNull,
  duration_ms: intOrNull,
  last_seq: { ...int, description: 'Seq of the last event folded into this pipeline' },
  updated_at: time,
  parent_pipeline_id: {
    ...uuidOrNull,
    description: 'A downstream pipeline: the pipeline whose trigger job created it; null otherwise',
  },
  parent_job_id: {
    ...uuidOrNull,
    description: 'A downstream pipeline: the trigger job that created it; null otherwise',
  },
  mode: {
    type: 'string',
    enum: ['decided', 'observed'],
    description: 'decided: Verity decides its transitions; observed: an external CI owns it and Verity records it',
  },
  system: {
    type: 'string',
    enum: [...PIPELINE_SYSTEMS],
    description: 'Who reports the pipeline (docs/OBSERVED.md)',
  },
  external: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['instance', 'id', 'url'],
    properties: { instance: str, id: str, url: strOrNull },
    description: 'An observed pipeline: its CI instance, its id there and its page; null for a decided one',
  },
  name: { ...strOrNull, description: 'An observed pipeline: its name there (GitHub workflow, GitLab pipeline name)' },
  user: { ...strOrNull, description: 'An observed pipeline: who started it' },
  reported_status: {
    ...statusOrNull,
    description: 'An observed pipeline: the status its CI last reported (status is the composite of its jobs)',
  },
} satisfies Props<ReturnType<typeof pipelineJson>>;

export const jobProps = {
  job_id: { ...uuid, description: 'Id of this attempt' },
  pipeline_id: uuid,
  project_id: str,
  name: str,
  stage: str,
  attempt: { ...int, minimum: 1 },
  status,
  retried: { ...bool, description: 'A later attempt replaced this one' },
  allow_failure: {
    ...bool,
    description:
      'May fail without failing the pipeline; once failed, as decided for that failure (allow_failure: exit_codes)',
  },
  when: { type: 'string', enum: when.enum },
  needs: { type: ['array', 'null'], items: str, description: 'DAG dependencies; null = stage order' },
  runner_id: strOrNull,
  queued_at: timeOrNull,
  started_at: timeOrNull,
  finished_at: timeOrNull,
  queued_ms: intOrNull,
  duration_ms: intOrNull,
  failure_reason: { ...strOrNull, description: "GitLab's failure reason enum" },
  failure_reason_raw: { ...strOrNull, description: 'The reason as the producer reported it' },
  exit_code: intOrNull,
  log_ref: { ...strOrNull, description: 'Log store reference of the uploaded log' },
  last_seq: int,
  scheduled_at: { ...timeOrNull, description: 'When a delayed job is due; null unless the job is scheduled' },
  variable_keys: {
    type: 'array',
    items: str,
    description: 'Keys of the variables the job was played with (their values are never stored); [] when none',
  },
  downstream_pipeline_id: {
    ...uuidOrNull,
    description: 'A trigger job: the downstream pipeline it created; null otherwise (or not yet)',
  },
  resource_group: {
    ...strOrNull,
    description: 'The resource group the job needs (at most one job of a group runs at a time per project); null: none',
  },
  auto_canceled_by: {
    ...uuidOrNull,
    description:
      'A job canceled as redundant: the newer pipeline that made it so (workflow:auto_cancel), or its own pipeline when a failure canceled the rest (on_job_failure: all); null otherwise',
  },
  external: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['id', 'url'],
    properties: { id: str, url: strOrNull },
    description: 'An observed job: its id and page in its CI; null for a decided one',
  },
  user: { ...strOrNull, description: 'An observed job: who ran it' },
  steps: {
    type: ['array', 'null'],
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'name', 'status'],
      properties: {
        number: int,
        name: str,
        status: str,
        conclusion: strOrNull,
        started_at: timeOrNull,
        completed_at: timeOrNull,
      },
    },
    description: 'An observed GitHub Actions job: its steps as reported; null otherwise',
  },
  log_fetch_error: {
    ...strOrNull,
    description: "An observed job: why its log could not be fetched from its CI's API; null when fetched or not needed",
  },
} satisfies Props<ReturnType<typeof jobJson>>;

/** A trigger link of a pipeline detail: its parent, or one of its downstream pipelines. */
export const pipelineLinkProps = {
  pipeline_id: { ...uuid, description: 'The linked pipeline' },
  project_id: {
    ...strOrNull,
    description: 'Its project; null when not known (not in the read model yet, or a project the token may not read)',
  },
  status: { ...statusOrNull, description: 'Its status; null when not known (as project_id)' },
  job_id: { ...uuid, description: 'The trigger job (attempt) that created the downstream pipeline' },
  job_name: { ...strOrNull, description: 'Its name; null when not known (as project_id)' },
} satisfies Props<PipelineLink>;

export const attemptProps = {
  job_id: uuid,
  attempt: { ...int, minimum: 1 },
  status,
  retried: bool,
  runner_id: strOrNull,
  queued_at: timeOrNull,
  started_at: timeOrNull,
  finished_at: timeOrNull,
  queued_ms: intOrNull,
  duration_ms: intOrNull,
  failure_reason: strOrNull,
  exit_code: intOrNull,
} satisfies Props<ReturnType<typeof attemptJson>>;

export const flakyProps = {
  passed_job_id: { ...uuid, description: 'The attempt that passed' },
  failed_job_id: { ...uuid, description: 'The previous attempt, which failed' },
  pipeline_id: uuid,
  project_id: str,
  name: str,
  sha: str,
  failure_reason: strOrNull,
  detected_at: time,
} satisfies Props<ReturnType<typeof flakyJson>>;

const percentiles = (unit: string) => ({
  p50: { ...numOrNull, description: `median, ${unit}` },
  p95: { ...numOrNull, description: `95th percentile, ${unit}` },
});
const figureProps = {
  pipelines: { ...int, description: 'Pipelines created in the window (or day)' },
  finished: { ...int, description: 'Of those, pipelines that finished' },
  succeeded: { ...int, description: 'Of those, finished with status success' },
  success_rate: { ...numOrNull, minimum: 0, maximum: 1, description: 'succeeded / finished; null when none finished' },
  duration_ms: closed(
    percentiles('ms'),
    'Duration of those finished pipelines (nearest rank over log buckets, within ±5%)',
  ),
  queue_time_ms: closed(
    { jobs: { ...int, description: 'Job attempts of those pipelines with a queue time' }, ...percentiles('ms') },
    'Queue time (enqueued → started) of those job attempts',
  ),
};
export const statsProps = {
  project_id: str,
  window: { type: 'string', pattern: '^[0-9]+d$' },
  since: {
    ...time,
    description:
      'Start of the window: midnight UTC of the first of its days (the window is today and the N − 1 days before)',
  },
  ...figureProps,
  flaky_jobs: { ...int, description: 'Flaky jobs detected in the window' },
  daily: {
    type: 'array',
    description: 'The same figures per UTC day of the window that has pipelines, oldest first',
    items: closed({ day: { type: 'string', format: 'date' }, ...figureProps }),
  },
} satisfies Props<ProjectStats>;
