// Pure: API bodies → normalised intake records (GitLab's defaults filled in), and report ids.
import { createHash } from 'node:crypto';
import type {
  CancelJob,
  CancelPipeline,
  CreatePipeline,
  PlayJob,
  ReportJob,
  RetryJob,
  RetryPipeline,
  UnscheduleJob,
} from '../../lib/core/events/generated.js';
import { compilePipeline, type AuthoredDefinition, type AuthoredJob } from '../../lib/core/pipeline/index.js';

export interface RecordContext {
  reportId: string;
  pipelineId: string;
  projectId: string;
  now: string;
  producer: string;
  correlationId: string;
  idempotencyKey: string | null;
  occurredAt?: string | undefined;
}

/** A job as the API takes it: GitLab's job keywords (core/pipeline/authored.ts). */
export type ApiJob = AuthoredJob;
export interface ApiCreatePipeline {
  project_id: string;
  ref: string;
  sha: string;
  source?: CreatePipeline['source'];
  definition: AuthoredDefinition;
}

/** A report id derived from (project, idempotency key), so a retried request maps to the same report. */
export function reportIdFor(projectId: string, idempotencyKey: string): string {
  return uuidV8(`${projectId}\0${idempotencyKey}`);
}

/**
 * The id of a pipeline created with an Idempotency-Key and without a producer-chosen pipeline_id: a
 * retry of the create (after a crash or a failed write) names the same pipeline, so the decider drops
 * it as a duplicate instead of creating a second pipeline.
 */
export function pipelineIdFor(projectId: string, idempotencyKey: string): string {
  return uuidV8(`pipeline\0${projectId}\0${idempotencyKey}`);
}

function uuidV8(input: string): string {
  const h = createHash('sha256').update(input).digest('hex');
  // RFC 9562 UUIDv8 (custom): version nibble 8, variant 10.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const envelope = (c: RecordContext) => ({
  report_id: c.reportId,
  pipeline_id: c.pipelineId,
  project_id: c.projectId,
  occurred_at: c.occurredAt ?? c.now,
  received_at: c.now,
  idempotency_key: c.idempotencyKey,
  producer: c.producer,
  correlation_id: c.correlationId,
});

/**
 * The definition as the intake record carries it: compiled from GitLab's keywords (parallel and matrix jobs
 * expanded and named as GitLab names them, needs and dependencies on them expanded, durations in seconds,
 * trigger jobs' downstream definitions likewise) with GitLab's defaults filled in (compilePipeline).
 * Meaningful for a definition checkDefinition passed.
 */
export function normaliseDefinition(
  def: ApiCreatePipeline['definition'],
  projectId: string,
): CreatePipeline['definition'] {
  return compilePipeline(def, projectId).definition;
}

/** The names of the pipeline's jobs as reports name them: a parallel or matrix job's are its jobs' names. */
export function definitionJobNames(def: CreatePipeline['definition']): string[] {
  return def.jobs.map((j) => j.name);
}

/** The intake record of a create; `compiled` when the caller compiled the definition already (checkDefinition). */
export function createPipelineRecord(
  body: ApiCreatePipeline,
  c: RecordContext,
  compiled: CreatePipeline['definition'] = normaliseDefinition(body.definition, body.project_id),
): CreatePipeline {
  return {
    type: 'CreatePipeline',
    ...envelope(c),
    ref: body.ref,
    sha: body.sha,
    source: body.source ?? 'api',
    definition: compiled,
  };
}

export interface ApiJobReport {
  status: ReportJob['status'];
  runner_id?: string;
  failure_reason?: string;
  exit_code?: number;
}

export function jobReportRecord(
  body: ApiJobReport,
  job: string,
  log: ReportJob['log'],
  excerpt: string | null,
  c: RecordContext,
): ReportJob {
  return {
    type: 'ReportJob',
    ...envelope(c),
    job,
    status: body.status,
    runner_id: body.runner_id ?? null,
    failure_reason: body.failure_reason ?? null,
    exit_code: body.exit_code ?? null,
    log,
    log_excerpt: excerpt,
  };
}

/** The user's commands on a whole pipeline, and on one job (named by attempt id or name). */
export type PipelineCommand = 'CancelPipeline' | 'RetryPipeline';
export type JobCommand = 'CancelJob' | 'RetryJob' | 'PlayJob' | 'UnscheduleJob';
export type CommandRecord = CancelPipeline | RetryPipeline | CancelJob | RetryJob | PlayJob | UnscheduleJob;
/** A variable of a manual job's run (PlayJob.variables): the value is a secret. */
export type PlayVariable = NonNullable<PlayJob['variables']>[number];

export const isPipelineCommand = (type: PipelineCommand | JobCommand): type is PipelineCommand =>
  type === 'CancelPipeline' || type === 'RetryPipeline';

export function commandRecord(type: PipelineCommand, c: RecordContext): CancelPipeline | RetryPipeline;
export function commandRecord(
  type: JobCommand,
  c: RecordContext,
  job: string,
  variables?: readonly PlayVariable[],
): CancelJob | RetryJob | PlayJob | UnscheduleJob;
/** A command's intake record; a PlayJob carries its variables when there are any (none: the field is left out). */
export function commandRecord(
  type: PipelineCommand | JobCommand,
  c: RecordContext,
  job?: string,
  variables: readonly PlayVariable[] = [],
): CommandRecord {
  if (isPipelineCommand(type)) return { type, ...envelope(c) };
  if (job === undefined) throw new Error(`${type} names a job`);
  // The values are secrets: only their keys leave ingest (the values mask the job's logs, played-values.ts).
  if (type === 'PlayJob' && variables.length > 0)
    return { type, ...envelope(c), job, variable_keys: variables.map((v) => v.key) };
  return { type, ...envelope(c), job };
}
