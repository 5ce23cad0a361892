// Observed pipelines (issue 14): an external CI (GitLab, GitHub, a CDEvents source) owns the pipeline and
// reports what happened; Verity records it and never overrules it. An ObservePipeline report creates the
// pipeline when it is new, learns its stages and its jobs as they arrive, and moves each job to the status
// reported — when that observation is ahead of what the job shows (observe-order.ts); a move GitLab's own
// model forbids is still made, after a JobDiverged that names both statuses. Jobs are never processed
// (enqueued, skipped, retried) by Verity: their CI does that.
import type { AttachJobLog, ObservePipeline } from '../events/generated.js';
import { pipelineSource } from '../observed/source-mapping.js';
import { compositeStatus } from './composite.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftCreating, draftFrom, elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { compareObservations, progress } from './observe-order.js';
import { settlePipeline, type Settlement } from './processing.js';
import { findJob, isObserved, latestJob, latestJobs, type JobState, type PipelineState } from './state.js';
import { canReach, mapFailureReason, type JobStatus } from './status.js';

type ObservedJob = ObservePipeline['jobs'][number];
type Facts = NonNullable<ObservePipeline['pipeline']>;

/** What an observed pipeline records when its CI has not said yet (a job hook before any pipeline hook). */
export const UNKNOWN_REF = 'unknown';
/** PipelineCreated.sha must be a hex sha: a CDEvents pipelineRun names no commit. */
export const UNKNOWN_SHA = '0000000';
/** GitHub Actions and CDEvents have no stages: their jobs share one. */
export const DEFAULT_STAGE = 'jobs';

export function observePipeline(state: PipelineState | null, report: ObservePipeline, ctx: DecideContext): Decision {
  if (state !== null && !isObserved(state)) {
    return reject('not_observed', `pipeline ${state.pipeline_id} is decided by Verity; its CI cannot report it`, {
      system: report.system,
    });
  }
  const draft = state === null ? createObserved(report, ctx) : draftFrom(state, report, ctx);
  observeFacts(draft, report.pipeline);
  let stale = 0;
  const jobs = [...report.jobs].sort((a, b) => byAttempt(withAttempt(a, 0), withAttempt(b, 0)));
  for (const job of jobs) if (!observeJob(draft, withAttempt(job, inferAttempt(draft.state, job)))) stale++;
  if (draft.events.length === 0) {
    return reject('stale_observation', `nothing in this report is ahead of pipeline ${draft.state.pipeline_id}`, {
      stale_jobs: stale,
    });
  }
  settlePipeline(draft, settlement(draft.state));
  return { kind: 'accepted', events: draft.events };
}

/** A fetched log (or why there is none) for an observed job: recorded for the remediator. */
export function attachJobLog(state: PipelineState, report: AttachJobLog, ctx: DecideContext): Decision {
  if (!isObserved(state))
    return reject('not_observed', `pipeline ${state.pipeline_id} is decided by Verity; its logs are uploaded`, {});
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  const draft = draftFrom(state, report, ctx);
  emit(draft, {
    type: 'JobLogAttached',
    ...jobRef(job),
    log: report.log,
    log_excerpt: report.log_excerpt,
    fetch_error: report.fetch_error,
    failure_reason: job.status === 'failed' ? (job.failure_reason ?? null) : null,
  });
  return { kind: 'accepted', events: draft.events };
}

function createObserved(report: ObservePipeline, ctx: DecideContext): Draft {
  const facts = report.pipeline;
  const times = report.jobs.flatMap((j) => [j.queued_at, j.started_at, j.observed_at]);
  const earliest = times.filter((t): t is string => t !== null).sort(byInstant)[0];
  return draftCreating(
    report,
    ctx,
    {
      type: 'PipelineCreated',
      ref: facts?.ref ?? UNKNOWN_REF,
      sha: facts?.sha ?? UNKNOWN_SHA,
      source: pipelineSource(report.system, facts?.source ?? null),
      definition: { stages: facts?.stages ?? [], jobs: [] },
      mode: 'observed',
      external: report.external,
    },
    facts?.created_at ?? earliest ?? report.occurred_at,
  );
}

/** PipelineObserved when the report says more than the pipeline shows: a newer status, its stages, its start. */
function observeFacts(draft: Draft, facts: Facts | null): void {
  if (facts === null) return;
  const current = draft.state.reported;
  const newer =
    facts.status !== null &&
    (current === undefined ||
      ((facts.attempt ?? 0) - (current.attempt ?? 0) ||
        compareObservations(
          { status: facts.status, observedAt: facts.observed_at },
          { status: current.status ?? 'created', observedAt: current.observed_at },
        )) > 0);
  const stages = facts.stages !== null && facts.stages.some((s, i) => draft.state.definition.stages[i] !== s);
  const created = facts.created_at !== null && Date.parse(facts.created_at) !== Date.parse(draft.state.created_at);
  if (!newer && !stages && !(created && draft.events.length === 0)) return;
  const base = newer || current === undefined ? { ...facts, observed_at: facts.observed_at } : current;
  emit(
    draft,
    {
      type: 'PipelineObserved',
      status: base.status,
      attempt: base.attempt,
      name: base.name,
      user: base.user,
      finished_at: base.finished_at,
      stages: facts.stages,
      created_at: facts.created_at,
    },
    newer || current === undefined ? facts.observed_at : current.observed_at,
  );
}

/** Records one job's observation; false when it is not ahead of what the job shows (stale or a duplicate). */
/** An observed job whose attempt is known (told, or inferred by inferAttempt). */
type Resolved = ObservedJob & { attempt: number };

const withAttempt = (o: ObservedJob, inferred: number): Resolved => ({ ...o, attempt: o.attempt ?? inferred });

/**
 * The attempt of a job whose payload does not say (GitLab's Pipeline Hook lists the latest build of each
 * name, without its retries_count): the one known already, else 1 + the known attempts of its name with a
 * lower build id. Never more than the true attempt, and a job keeps the highest attempt it is told, so a
 * Job Hook's retries_count wins in whatever order the two arrive.
 */
function inferAttempt(state: PipelineState, o: ObservedJob): number {
  if (Object.hasOwn(state.jobs, o.job_id)) return state.jobs[o.job_id]!.attempt;
  const older = Object.values(state.jobs).filter(
    (j) =>
      j.name === o.name &&
      byAttempt({ attempt: 0, external_id: j.external_id ?? '' }, { attempt: 0, external_id: o.external_id }) < 0,
  );
  return 1 + older.length;
}

function observeJob(draft: Draft, o: Resolved): boolean {
  let job = Object.hasOwn(draft.state.jobs, o.job_id) ? draft.state.jobs[o.job_id] : undefined;
  const key = { status: o.status, observedAt: o.observed_at, attempt: o.attempt };
  if (job && compareObservations(key, observedKey(job)) <= 0) return false;
  if (!job) job = discover(draft, o);
  else if (!canReach(job.status, o.status) && job.status !== o.status) {
    emit(
      draft,
      { type: 'JobDiverged', ...jobRef(job), from: job.status, to: o.status, observed_at: o.observed_at },
      o.observed_at,
    );
  }
  moveTo(draft, job, o);
  emit(
    draft,
    {
      type: 'JobObserved',
      ...jobRef(job),
      attempt: Math.max(job.attempt, o.attempt),
      status: o.status,
      external_id: o.external_id,
      url: o.url,
      runner: o.runner,
      user: o.user,
      queued_at: o.queued_at,
      started_at: o.started_at,
      finished_at: o.finished_at,
      duration_ms: o.duration_ms,
      queued_duration_ms: o.queued_duration_ms,
      steps: o.steps ?? null,
    },
    o.observed_at,
  );
  return true;
}

const observedKey = (job: JobState) => ({
  status: job.status,
  observedAt: job.observed_at ?? null,
  attempt: job.attempt,
});

/**
 * A job seen for the first time: JobCreated, and JobRetried between it and the other attempts of its name.
 * Two runs told (or inferred) the same attempt are still two attempts — every CDEvents task run says 1, and a
 * retry listed before its older build is inferred 1 — so the newer one counts one more than the older.
 */
function discover(draft: Draft, found: Resolved): JobState {
  const other = latestJob(draft.state, found.name);
  const newer =
    other !== undefined && byAttempt(found, { attempt: other.attempt, external_id: other.external_id ?? '' }) > 0;
  const o = newer && found.attempt <= other.attempt ? { ...found, attempt: other.attempt + 1 } : found;
  const when = o.status === 'manual' ? 'manual' : o.status === 'scheduled' ? 'delayed' : 'on_success';
  emit(
    draft,
    {
      type: 'JobCreated',
      job_id: o.job_id,
      name: o.name,
      attempt: o.attempt,
      stage: o.stage ?? other?.stage ?? DEFAULT_STAGE,
      when,
      allow_failure: o.allow_failure,
    },
    o.queued_at ?? o.started_at ?? o.observed_at,
  );
  if (other) {
    const [older, latest] = newer ? [other, o] : [draft.state.jobs[o.job_id]!, other];
    emit(draft, {
      type: 'JobRetried',
      ...jobRef(older),
      new_job_id: latest.job_id,
      // the newer run found already and told no more than this one: it becomes the next attempt (evolve)
      new_attempt: Math.max(latest.attempt, older.attempt + 1),
      automatic: false,
    });
  }
  return draft.state.jobs[o.job_id]!;
}

const RAN: readonly JobStatus[] = ['running', 'canceling', 'success', 'failed', 'canceled'];

/**
 * The events that take the job to the reported status. A job that ran is enqueued and started first, at the
 * times the report gives, when it has not been: the read model then holds the same times whichever
 * observation arrived first.
 */
function moveTo(draft: Draft, before: JobState, o: Resolved): void {
  const ref = jobRef(before);
  const ran = o.status === 'running' || (RAN.includes(o.status) && o.started_at !== null);
  const from = progress(before.status);
  if ((o.status === 'pending' || ran) && from < progress('pending'))
    emit(draft, { type: 'JobEnqueued', ...ref }, o.queued_at ?? o.started_at ?? o.observed_at);
  if (ran && from < progress('running')) {
    const queued_ms = o.queued_duration_ms ?? elapsedMs(o.queued_at, o.started_at ?? o.observed_at);
    emit(
      draft,
      { type: 'JobStarted', ...ref, runner_id: o.runner ?? 'unknown', queued_ms },
      o.started_at ?? o.observed_at,
    );
  }
  const endedAt = o.finished_at ?? o.observed_at;
  const duration = o.duration_ms ?? elapsedMs(o.started_at, endedAt);
  switch (o.status) {
    case 'success':
      return emit(draft, { type: 'JobSucceeded', ...ref, duration_ms: duration }, endedAt);
    case 'failed':
      return emit(
        draft,
        {
          type: 'JobFailed',
          ...ref,
          ...mapFailureReason(o.failure_reason),
          exit_code: o.exit_code,
          allow_failure: o.allow_failure,
          duration_ms: duration,
          log: null,
          log_excerpt: '',
          log_pending: true,
        },
        endedAt,
      );
    case 'canceled':
      return emit(
        draft,
        { type: 'JobCanceled', ...ref, duration_ms: o.started_at === null ? null : duration },
        endedAt,
      );
    case 'canceling':
      return emit(draft, { type: 'JobCanceling', ...ref }, o.observed_at);
    case 'skipped':
      return emit(draft, { type: 'JobSkipped', ...ref, reason: 'reported' }, endedAt);
    case 'manual':
      return emit(draft, { type: 'JobManualActionRequired', ...ref }, o.observed_at);
    case 'scheduled':
      return emit(draft, { type: 'JobScheduled', ...ref, scheduled_at: o.observed_at }, o.observed_at);
    default:
      return; // created, waiting_for_resource, preparing, pending, running: JobObserved sets the status
  }
}

/**
 * The pipeline's status: the composite of its latest jobs, as GitLab computes it (order-insensitive, since
 * each job's is), or, while no job is known, what its CI reported. It ended when its last job did.
 */
function settlement(state: PipelineState): Settlement {
  const latest = latestJobs(state);
  const ends = latest.map((j) => j.finished_at).filter((t): t is string => t !== null);
  const endedAt = ends.sort(byInstant).at(-1) ?? state.reported?.finished_at ?? state.reported?.observed_at;
  const { status, warnings } =
    latest.length === 0 && state.reported?.status
      ? { status: state.reported.status, warnings: false }
      : compositeStatus(latest);
  return { status, warnings, ...(endedAt ? { endedAt } : {}) };
}

/** Older attempts first: by attempt, then by the CI's job id (GitLab's build ids grow with every retry). */
function byAttempt(a: Pick<Resolved, 'attempt' | 'external_id'>, b: Pick<Resolved, 'attempt' | 'external_id'>): number {
  if (a.attempt !== b.attempt) return a.attempt - b.attempt;
  const numeric = /^\d{1,30}$/;
  if (numeric.test(a.external_id) && numeric.test(b.external_id)) {
    const d = BigInt(a.external_id) - BigInt(b.external_id);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  return a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0;
}

function byInstant(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}
