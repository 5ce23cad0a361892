// The read-model columns of observed pipelines (issue 14): what an external CI reported beside the status
// events every pipeline has. Each function maps one event to the columns it sets; fold.ts applies them.
// An observation that is applied overwrites every detail (the decider applies only the greatest
// observation of a job last), so the columns end the same whatever order the webhooks arrived in.
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { JobRow, PipelineRow } from '../../lib/readmodel/rows.js';

type Of<T extends PipelineEvent['type']> = Extract<PipelineEvent, { type: T }>;

/** The columns of a pipeline Verity decides, and of a job no CI reported details of. */
export const DECIDED = {
  mode: 'decided',
  system: 'verity',
  externalInstance: null,
  externalId: null,
  externalUrl: null,
  name: null,
  userName: null,
  reportedStatus: null,
} as const satisfies Partial<PipelineRow>;

export const NO_DETAILS = {
  externalId: null,
  externalUrl: null,
  userName: null,
  steps: null,
  logFetchError: null,
} as const satisfies Partial<JobRow>;

export function createdColumns(e: Of<'PipelineCreated'>): Pick<PipelineRow, keyof typeof DECIDED> {
  if (e.mode !== 'observed' || !e.external) return DECIDED;
  return {
    ...DECIDED,
    mode: 'observed',
    system: e.external.system,
    externalInstance: e.external.instance,
    externalId: e.external.id,
    externalUrl: e.external.url,
  };
}

export function pipelineObserved(e: Of<'PipelineObserved'>): Partial<PipelineRow> {
  return {
    reportedStatus: e.status,
    name: e.name,
    userName: e.user,
    ...(e.stages !== null ? { stages: e.stages } : {}),
    ...(e.created_at !== null ? { createdAt: e.created_at } : {}),
  };
}

/** Every detail of the observation (status too: preparing and waiting_for_resource have no event of their own). */
export function jobObserved(e: Of<'JobObserved'>): Partial<JobRow> {
  return {
    status: e.status,
    attempt: e.attempt,
    externalId: e.external_id,
    externalUrl: e.url,
    userName: e.user,
    steps: e.steps,
    ...(e.runner !== null ? { runnerId: e.runner } : {}),
    ...(e.queued_at !== null ? { queuedAt: e.queued_at } : {}),
    ...(e.started_at !== null ? { startedAt: e.started_at } : {}),
    ...(e.finished_at !== null ? { finishedAt: e.finished_at } : {}),
    ...(e.duration_ms !== null ? { durationMs: e.duration_ms } : {}),
    ...(e.queued_duration_ms !== null ? { queuedMs: e.queued_duration_ms } : {}),
  };
}

export function logAttached(e: Of<'JobLogAttached'>): Partial<JobRow> {
  return e.log === null
    ? { logFetchError: e.fetch_error }
    : { logRef: e.log.ref, logExcerpt: e.log_excerpt, logFetchError: null };
}
