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

type ApiRetry = number | { max: number; when?: string[] } | undefined;
export interface ApiJob {
  name: string;
  stage: string;
  needs?: string[] | null;
  when?: 'on_success' | 'on_failure' | 'always' | 'manual';
  allow_failure?: boolean;
  retry?: ApiRetry;
}
export interface ApiCreatePipeline {
  project_id: string;
  ref: string;
  sha: string;
  source?: CreatePipeline['source'];
  definition: { stages: string[]; jobs: ApiJob[] };
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

function normaliseRetry(retry: ApiRetry): {
  max: number;
  when: CreatePipeline['definition']['jobs'][number]['retry']['when'];
} {
  if (retry === undefined) return { max: 0, when: ['always'] };
  if (typeof retry === 'number') return { max: retry, when: ['always'] };
  return {
    max: retry.max,
    when: (retry.when ?? ['always']) as CreatePipeline['definition']['jobs'][number]['retry']['when'],
  };
}

/** The definition with GitLab's defaults filled in, as the intake record carries it. */
export function normaliseDefinition(def: ApiCreatePipeline['definition']): CreatePipeline['definition'] {
  return {
    stages: def.stages,
    jobs: def.jobs.map((j) => {
      const when = j.when ?? 'on_success';
      // GitLab: manual jobs may fail (allow_failure) unless told otherwise; every other job may not.
      return {
        name: j.name,
        stage: j.stage,
        needs: j.needs ?? null,
        when,
        allow_failure: j.allow_failure ?? when === 'manual',
        retry: normaliseRetry(j.retry),
      };
    }),
  };
}

export function createPipelineRecord(body: ApiCreatePipeline, c: RecordContext): CreatePipeline {
  return {
    type: 'CreatePipeline',
    ...envelope(c),
    ref: body.ref,
    sha: body.sha,
    source: body.source ?? 'api',
    definition: normaliseDefinition(body.definition),
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
  if (type === 'PlayJob' && variables.length > 0) return { type, ...envelope(c), job, variables: [...variables] };
  return { type, ...envelope(c), job };
}
