// Read-model rows → the API's JSON (snake_case, RFC 3339 timestamps). The OpenAPI document
// (openapi.ts) describes exactly these shapes; the integration test validates real answers against it.
import type { JobObserved } from '../../lib/core/events/generated.js';
import type { FlakyRow, JobRow, PipelineRow } from '../../lib/readmodel/rows.js';

type ObservedStep = NonNullable<JobObserved['steps']>[number];

/** A timestamptz as Postgres prints it in UTC: date, time, up to six fraction digits, `+00`. */
const PG_UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * Postgres prints timestamptz as "2026-11-28 03:13:39.438072+00"; the API answers ISO 8601 UTC with
 * milliseconds, as Date#toISOString does (the fraction truncated, not rounded). A UTC value (the
 * session's time zone, Verity's default) is rewritten as text — parsing it as a Date was the query
 * service's costliest frame of its own; any other offset goes through Date.
 */
export function iso(ts: string): string;
export function iso(ts: string | null): string | null;
export function iso(ts: string | null): string | null {
  if (ts === null) return null;
  const utc = PG_UTC.exec(ts);
  if (utc) return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  return new Date(ts.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();
}

export const PIPELINE_FIELDS = [
  'pipelineId',
  'projectId',
  'ref',
  'sha',
  'source',
  'status',
  'warnings',
  'stages',
  'createdAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'lastSeq',
  'updatedAt',
  'parentPipelineId',
  'parentJobId',
  'mode',
  'system',
  'externalInstance',
  'externalId',
  'externalUrl',
  'name',
  'userName',
  'reportedStatus',
] as const satisfies readonly (keyof PipelineRow)[];
export type PipelineFields = Pick<PipelineRow, (typeof PIPELINE_FIELDS)[number]>;

/** Every job column except the (up to 64 KiB) log excerpt, which only the job detail carries. */
export const JOB_FIELDS = [
  'jobId',
  'pipelineId',
  'projectId',
  'name',
  'stage',
  'attempt',
  'status',
  'retried',
  'allowFailure',
  'when',
  'needs',
  'runnerId',
  'queuedAt',
  'startedAt',
  'finishedAt',
  'queuedMs',
  'durationMs',
  'failureReason',
  'failureReasonRaw',
  'exitCode',
  'logRef',
  'lastSeq',
  'scheduledAt',
  'variableKeys',
  'downstreamPipelineId',
  'resourceGroup',
  'autoCanceledBy',
  'externalId',
  'externalUrl',
  'userName',
  'steps',
  'logFetchError',
] as const satisfies readonly (keyof JobRow)[];
export type JobFields = Pick<JobRow, (typeof JOB_FIELDS)[number]>;

export const FLAKY_FIELDS = [
  'passedJobId',
  'failedJobId',
  'pipelineId',
  'projectId',
  'name',
  'sha',
  'failureReason',
  'detectedAt',
] as const satisfies readonly (keyof FlakyRow)[];
export type FlakyFields = Pick<FlakyRow, (typeof FLAKY_FIELDS)[number]>;

/**
 * The columns named by `fields`, for drizzle's select(): never `select *`, so a column added to the tables later
 * changes nothing here.
 */
export function columns<T extends object, K extends keyof T>(table: T, fields: readonly K[]): Pick<T, K> {
  return Object.fromEntries(fields.map((f) => [f, table[f]])) as Pick<T, K>;
}

export function pipelineJson(p: PipelineFields) {
  return {
    pipeline_id: p.pipelineId,
    project_id: p.projectId,
    ref: p.ref,
    sha: p.sha,
    source: p.source,
    status: p.status,
    warnings: p.warnings,
    stages: p.stages,
    created_at: iso(p.createdAt),
    started_at: iso(p.startedAt),
    finished_at: iso(p.finishedAt),
    duration_ms: p.durationMs,
    last_seq: p.lastSeq,
    updated_at: iso(p.updatedAt),
    parent_pipeline_id: p.parentPipelineId,
    parent_job_id: p.parentJobId,
    mode: p.mode,
    system: p.system,
    external:
      p.externalInstance === null || p.externalId === null
        ? null
        : { instance: p.externalInstance, id: p.externalId, url: p.externalUrl },
    name: p.name,
    user: p.userName,
    reported_status: p.reportedStatus,
  };
}

export function jobJson(j: JobFields) {
  return {
    job_id: j.jobId,
    pipeline_id: j.pipelineId,
    project_id: j.projectId,
    name: j.name,
    stage: j.stage,
    attempt: j.attempt,
    status: j.status,
    retried: j.retried,
    allow_failure: j.allowFailure,
    when: j.when,
    needs: j.needs,
    runner_id: j.runnerId,
    queued_at: iso(j.queuedAt),
    started_at: iso(j.startedAt),
    finished_at: iso(j.finishedAt),
    queued_ms: j.queuedMs,
    duration_ms: j.durationMs,
    failure_reason: j.failureReason,
    failure_reason_raw: j.failureReasonRaw,
    exit_code: j.exitCode,
    log_ref: j.logRef,
    last_seq: j.lastSeq,
    scheduled_at: iso(j.scheduledAt),
    variable_keys: j.variableKeys ?? [],
    downstream_pipeline_id: j.downstreamPipelineId,
    resource_group: j.resourceGroup,
    auto_canceled_by: j.autoCanceledBy,
    external: j.externalId === null ? null : { id: j.externalId, url: j.externalUrl },
    user: j.userName,
    steps: (j.steps as ObservedStep[] | null) ?? null,
    log_fetch_error: j.logFetchError,
  };
}

export function attemptJson(j: JobFields) {
  return {
    job_id: j.jobId,
    attempt: j.attempt,
    status: j.status,
    retried: j.retried,
    runner_id: j.runnerId,
    queued_at: iso(j.queuedAt),
    started_at: iso(j.startedAt),
    finished_at: iso(j.finishedAt),
    queued_ms: j.queuedMs,
    duration_ms: j.durationMs,
    failure_reason: j.failureReason,
    exit_code: j.exitCode,
  };
}

export function flakyJson(f: FlakyFields) {
  return {
    passed_job_id: f.passedJobId,
    failed_job_id: f.failedJobId,
    pipeline_id: f.pipelineId,
    project_id: f.projectId,
    name: f.name,
    sha: f.sha,
    failure_reason: f.failureReason,
    detected_at: iso(f.detectedAt),
  };
}
