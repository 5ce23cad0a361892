// Read-model tables of the pipelines projection, in a schema per projection version (rm_v1, rm_v2, …),
// so a rebuild fills the next version while the current one serves. Readers use the views of schema
// `rm`, which point at the active version and are swapped in one transaction (services/lib/readmodel/versions.ts).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

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
      /** A downstream pipeline: the pipeline whose trigger job created it; null otherwise (added by ddl/0004). */
      parentPipelineId: uuid('parent_pipeline_id'),
      /** A downstream pipeline: the trigger job (attempt) that created it; null otherwise. */
      parentJobId: uuid('parent_job_id'),
      /** decided (Verity decides its transitions) or observed (an external CI owns it; added by ddl/0005). */
      mode: text('mode').notNull().default('decided'),
      /** Who reports it: verity, gitlab, github or cdevents. */
      system: text('system').notNull().default('verity'),
      /** An observed pipeline: its CI instance, its id and page there. */
      externalInstance: text('external_instance'),
      externalId: text('external_id'),
      externalUrl: text('external_url'),
      /** An observed pipeline: its name (GitHub workflow, GitLab pipeline name), who started it, its CI's status. */
      name: text('name'),
      userName: text('user_name'),
      reportedStatus: text('reported_status'),
    },
    (t) => [
      index('pipelines_by_project').on(t.projectId, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_project_ref').on(t.projectId, t.ref, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_status').on(t.status, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_project_status').on(t.projectId, t.status, t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_by_created').on(t.createdAt.desc(), t.pipelineId.desc()),
      index('pipelines_finished').on(t.projectId, t.finishedAt),
      index('pipelines_by_project_system').on(t.projectId, t.system, t.createdAt.desc(), t.pipelineId.desc()),
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
      /** When a delayed job is due; null unless the job is scheduled (added by ddl/0003). */
      scheduledAt: timestamp('scheduled_at', { withTimezone: true, mode: 'string' }),
      /** The keys of the variables the job was played with (never their values); null: none. */
      variableKeys: text('variable_keys').array(),
      /** A trigger job's downstream pipeline, once created; null otherwise (added by ddl/0004). */
      downstreamPipelineId: uuid('downstream_pipeline_id'),
      /** The job's resource_group (its definition's, or JobWaitingForResource's); null: none. */
      resourceGroup: text('resource_group'),
      /** When the job last began waiting for its resource group's resource (JobWaitingForResource). */
      waitingForResourceAt: timestamp('waiting_for_resource_at', { withTimezone: true, mode: 'string' }),
      /** A job canceled as redundant: the newer pipeline that made it so, or its own pipeline (on_job_failure: all). */
      autoCanceledBy: uuid('auto_canceled_by'),
      /** An observed job: its id and page in its CI, who ran it, its steps (GitHub), why its log is missing. */
      externalId: text('external_id'),
      externalUrl: text('external_url'),
      userName: text('user_name'),
      steps: jsonb('steps'),
      logFetchError: text('log_fetch_error'),
    },
    (t) => [
      index('jobs_by_pipeline').on(t.pipelineId, t.stage, t.name, t.attempt),
      index('jobs_by_project_name').on(t.projectId, t.name, t.finishedAt),
      // A resource group's queue and holder (GET /v1/projects/{project}/resource-groups/{group}).
      index('jobs_by_resource_group')
        .on(t.projectId, t.resourceGroup, t.status, t.waitingForResourceAt, t.jobId)
        .where(sql`${t.resourceGroup} IS NOT NULL`),
    ],
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
  /**
   * Per project and UTC day of pipeline creation, maintained incrementally by the projector: counts, and
   * log-bucketed histograms of pipeline duration and job queue time (services/lib/core/stats/histogram.ts),
   * which add up across days, so any window's percentiles come from one indexed range read.
   */
  const projectDailyStats = s.table(
    'project_daily_stats',
    {
      projectId: text('project_id').notNull(),
      day: date('day', { mode: 'string' }).notNull(),
      pipelines: integer('pipelines').notNull(),
      finished: integer('finished').notNull(),
      succeeded: integer('succeeded').notNull(),
      failed: integer('failed').notNull(),
      durationHist: integer('duration_hist').array().notNull(),
      queuedJobs: integer('queued_jobs').notNull(),
      queueHist: integer('queue_hist').array().notNull(),
      updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    },
    (t) => [primaryKey({ columns: [t.projectId, t.day] })],
  );
  const remediationProposals = s.table(
    'remediation_proposals',
    {
      proposalId: uuid('proposal_id').primaryKey(),
      pipelineId: uuid('pipeline_id').notNull(),
      projectId: text('project_id').notNull(),
      jobId: uuid('job_id').notNull(),
      jobName: text('job_name').notNull(),
      attempt: integer('attempt').notNull(),
      ref: text('ref'),
      sha: text('sha'),
      failureReason: text('failure_reason').notNull(),
      signature: text('signature').notNull(),
      provider: text('provider').notNull(),
      model: text('model'),
      promptVersion: text('prompt_version').notNull(),
      category: text('category').notNull(),
      rootCause: text('root_cause').notNull(),
      evidence: jsonb('evidence').notNull(),
      suggestedAction: jsonb('suggested_action').notNull(),
      actionKind: text('action_kind').notNull(),
      confidence: real('confidence').notNull(),
      shadow: boolean('shadow').notNull(),
      tokensPrompt: integer('tokens_prompt').notNull(),
      tokensCompletion: integer('tokens_completion').notNull(),
      latencyMs: integer('latency_ms').notNull(),
      costUsd: doublePrecision('cost_usd').notNull(),
      failedAt: timestamp('failed_at', { withTimezone: true, mode: 'string' }).notNull(),
      proposedAt: timestamp('proposed_at', { withTimezone: true, mode: 'string' }).notNull(),
      feedbackVerdict: text('feedback_verdict'),
      feedbackReason: text('feedback_reason'),
      feedbackActor: text('feedback_actor'),
      feedbackAt: timestamp('feedback_at', { withTimezone: true, mode: 'string' }),
      label: text('label'),
      rule: text('rule'),
      outcome: text('outcome'),
      outcomeAt: timestamp('outcome_at', { withTimezone: true, mode: 'string' }),
      outcomeLatencyMs: bigint('outcome_latency_ms', { mode: 'number' }),
      timeToGreenMs: bigint('time_to_green_ms', { mode: 'number' }),
      scoredAt: timestamp('scored_at', { withTimezone: true, mode: 'string' }),
    },
    (t) => [
      index('remediations_by_project').on(t.projectId, t.proposedAt.desc(), t.proposalId.desc()),
      index('remediations_by_created').on(t.proposedAt.desc(), t.proposalId.desc()),
      index('remediations_by_job').on(t.jobId),
      index('remediations_by_provider').on(t.provider, t.promptVersion, t.proposedAt),
      index('remediations_by_signature').on(t.projectId, t.signature, t.proposedAt.desc()),
      index('remediations_unscored')
        .on(t.proposedAt)
        .where(sql`${t.label} IS NULL`),
    ],
  );
  /** Failures that got no proposal, and why (budget, circuit breaker, kill switch, provider error). */
  const remediationSkips = s.table(
    'remediation_skips',
    {
      eventId: uuid('event_id').primaryKey(),
      projectId: text('project_id').notNull(),
      pipelineId: uuid('pipeline_id').notNull(),
      jobId: uuid('job_id').notNull(),
      provider: text('provider').notNull(),
      promptVersion: text('prompt_version').notNull(),
      reason: text('reason').notNull(),
      detail: text('detail').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull(),
    },
    (t) => [index('remediation_skips_by_provider').on(t.provider, t.promptVersion, t.occurredAt)],
  );
  return { pipelines, jobs, flakyJobs, projectDailyStats, remediationProposals, remediationSkips };
}

/**
 * The template the DDL is generated from (drizzle.readmodel.config.ts); at run time only its column names are read
 * (versions.ts: missingColumns), never its schema.
 */
export const template = readModelTables('rm_template');
export const {
  pipelines: templatePipelines,
  jobs: templateJobs,
  flakyJobs: templateFlakyJobs,
  projectDailyStats: templateProjectDailyStats,
  remediationProposals: templateRemediationProposals,
  remediationSkips: templateRemediationSkips,
} = template;
