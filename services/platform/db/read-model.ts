// Read-model tables of the pipelines projection, in a schema per projection version (rm_v1, rm_v2, …),
// so a rebuild fills the next version while the current one serves. Readers use the views of schema
// `rm`, which point at the active version and are swapped in one transaction (services/projector/versions.ts).
import { bigint, boolean, index, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export function readModelTables(schemaName: string) {
  const s = pgSchema(schemaName);
  const pipelines = s.table(
    'pipelines',
    {
      pipelineId: uuid('pipeline_id').primaryKey(),
      projectId: text('project_id').notNull(),
      ref: text('ref').notNull(),
      sha: text('sha').notNull(),
      source: text('source').notNull(),
      status: text('status').notNull(),
      warnings: boolean('warnings').notNull(),
      stages: text('stages').array().notNull(),
      /** The pipeline definition as created (jobs' needs, when, allow_failure, retry). */
      definition: jsonb('definition').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
      startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }),
      finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
      durationMs: bigint('duration_ms', { mode: 'number' }),
      lastSeq: integer('last_seq').notNull(),
      updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    },
    (t) => [
      index('pipelines_by_project').on(t.projectId, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_project_ref').on(t.projectId, t.ref, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_status').on(t.status, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_created').on(t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_finished').on(t.projectId, t.finishedAt),
    ],
  );
  const jobs = s.table(
    'jobs',
    {
      jobId: uuid('job_id').primaryKey(),
      pipelineId: uuid('pipeline_id').notNull(),
      projectId: text('project_id').notNull(),
      name: text('name').notNull(),
      stage: text('stage').notNull(),
      attempt: integer('attempt').notNull(),
      status: text('status').notNull(),
      retried: boolean('retried').notNull(),
      allowFailure: boolean('allow_failure').notNull(),
      when: text('when').notNull(),
      needs: text('needs').array(),
      runnerId: text('runner_id'),
      queuedAt: timestamp('queued_at', { withTimezone: true, mode: 'string' }),
      startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }),
      finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
      queuedMs: bigint('queued_ms', { mode: 'number' }),
      durationMs: bigint('duration_ms', { mode: 'number' }),
      failureReason: text('failure_reason'),
      failureReasonRaw: text('failure_reason_raw'),
      exitCode: integer('exit_code'),
      logRef: text('log_ref'),
      logExcerpt: text('log_excerpt'),
      lastSeq: integer('last_seq').notNull(),
    },
    (t) => [index('jobs_by_pipeline').on(t.pipelineId, t.stage, t.name, t.attempt), index('jobs_by_project_name').on(t.projectId, t.name, t.finishedAt)],
  );
  const flakyJobs = s.table(
    'flaky_jobs',
    {
      passedJobId: uuid('passed_job_id').primaryKey(),
      failedJobId: uuid('failed_job_id').notNull(),
      pipelineId: uuid('pipeline_id').notNull(),
      projectId: text('project_id').notNull(),
      name: text('name').notNull(),
      sha: text('sha').notNull(),
      failureReason: text('failure_reason'),
      detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'string' }).notNull(),
    },
    (t) => [index('flaky_by_project').on(t.projectId, t.detectedAt.desc())],
  );
  return { pipelines, jobs, flakyJobs };
}

/** The template the DDL is generated from (drizzle.readmodel.config.ts); never used at run time. */
export const template = readModelTables('rm_template');
export const { pipelines: templatePipelines, jobs: templateJobs, flakyJobs: templateFlakyJobs } = template;
