// evolve(state, event) → state: folds one canonical event into the pipeline state. Pure (never mutates its
// input), total for every event type, idempotent for an event already folded in (seq ≤ state.seq).
import type { PipelineEvent } from '../events/generated.js';
import { isObserved, jobDefinition, RECENT_REPORTS_MAX, type JobState, type PipelineState } from './state.js';

export function evolve(state: PipelineState | null, event: PipelineEvent): PipelineState {
  if (state === null) {
    if (event.type !== 'PipelineCreated') {
      throw new Error(
        `evolve: ${event.type} (seq ${event.seq}) before PipelineCreated for pipeline ${event.pipeline_id}`,
      );
    }
    return {
      pipeline_id: event.pipeline_id,
      project_id: event.project_id,
      ref: event.ref,
      sha: event.sha,
      created_at: event.occurred_at,
      seq: event.seq,
      status: 'created',
      warnings: false,
      finished: false,
      definition: event.definition,
      jobs: {},
      latest: {},
      recent_reports: [event.causation_id],
      ...(event.parent ? { parent: event.parent } : {}),
      ...(event.mode === 'observed' ? { mode: event.mode, external: event.external } : {}),
    };
  }
  if (event.seq <= state.seq) return state;
  const next = ownedCopy(state);
  foldInto(next, event);
  return next;
}

/** Folds several events with one copy of the state (what a consumer applying a decision wants); pure too. */
export function evolveAll(state: PipelineState | null, events: readonly PipelineEvent[]): PipelineState | null {
  let current = state;
  let owned = false;
  for (const event of events) {
    if (current === null) {
      current = evolve(null, event); // a new state owns its maps
      owned = true;
    } else {
      if (!owned) current = ownedCopy(current);
      owned = true;
      foldInto(current, event);
    }
  }
  return current;
}

/** A copy of the state that owns its maps (jobs, latest), so foldInto may write them; job objects are shared. */
export function ownedCopy(state: PipelineState): PipelineState {
  return { ...state, jobs: { ...state.jobs }, latest: { ...state.latest } };
}

/**
 * Folds `event` into `state` in place: for a state that owns its maps (ownedCopy, or a decision's draft).
 * Job objects are replaced, never changed, so states sharing them stay intact.
 */
export function foldInto(state: PipelineState, event: PipelineEvent): void {
  if (event.seq <= state.seq) return;
  state.seq = event.seq;
  state.recent_reports = remember(state.recent_reports, event.causation_id);
  apply(state, event);
}

function remember(reports: string[], id: string): string[] {
  if (reports[reports.length - 1] === id) return reports;
  const out = [...reports, id];
  return out.length > RECENT_REPORTS_MAX ? out.slice(out.length - RECENT_REPORTS_MAX) : out;
}

function apply(state: PipelineState, event: PipelineEvent): void {
  const at = event.occurred_at;
  switch (event.type) {
    case 'PipelineCreated':
      return; // a second creation is refused by decide; nothing to fold
    case 'JobCreated': {
      if (isObserved(state)) return createObservedJob(state, event);
      state.jobs[event.job_id] = newJob(event, jobDefinition(state, event.name)?.needs ?? null);
      setLatest(state, event.name, event.job_id);
      return;
    }
    case 'JobEnqueued':
      return setJob(state, event.job_id, {
        status: 'pending',
        enqueued_at: at,
        started_at: null,
        finished_at: null,
        scheduled_at: null,
        pending_since: event.recorded_at,
      });
    case 'JobScheduled':
      return setJob(state, event.job_id, { status: 'scheduled', scheduled_at: event.scheduled_at });
    case 'JobUnscheduled':
      return setJob(state, event.job_id, { status: 'manual', scheduled_at: null });
    case 'JobWaitingForResource':
      return setJob(state, event.job_id, { status: 'waiting_for_resource' });
    case 'DownstreamPipelineTriggered':
      return setJob(state, event.job_id, {
        status: 'running',
        enqueued_at: at,
        started_at: at,
        running_since: event.recorded_at,
        downstream_pipeline_id: event.downstream_pipeline_id,
      });
    case 'JobCanceling':
      return setJob(state, event.job_id, { status: 'canceling' });
    case 'JobStarted':
      return setJob(state, event.job_id, { status: 'running', started_at: at, running_since: event.recorded_at });
    case 'JobSucceeded':
      return setJob(state, event.job_id, { status: 'success', finished_at: at });
    case 'JobFailed':
      // allow_failure as decided for this failure (allow_failure: exit_codes allows only some exit codes).
      return setJob(state, event.job_id, {
        status: 'failed',
        finished_at: at,
        allow_failure: event.allow_failure,
        failure_reason: event.failure_reason,
      });
    case 'JobCanceled':
      return setJob(state, event.job_id, { status: 'canceled', finished_at: at, scheduled_at: null });
    case 'JobSkipped':
      return setJob(state, event.job_id, { status: 'skipped', finished_at: at });
    case 'JobManualActionRequired':
      return setJob(state, event.job_id, { status: 'manual' });
    case 'JobReopened':
      return setJob(state, event.job_id, { status: 'created', enqueued_at: null, started_at: null, finished_at: null });
    case 'JobRetried':
      state.finished = false;
      // An observed job's attempts may be discovered in any order: the newer one becomes the latest here.
      if (isObserved(state)) {
        if (state.latest[event.name] === event.job_id) setLatest(state, event.name, event.new_job_id);
        // found after its newer run, an older one may renumber it: a job keeps the highest attempt it is told
        const next = state.jobs[event.new_job_id];
        if (next && next.attempt < event.new_attempt) setJob(state, event.new_job_id, { attempt: event.new_attempt });
      }
      return setJob(state, event.job_id, { retried: true });
    case 'JobObserved':
      return setJob(state, event.job_id, {
        status: event.status,
        attempt: event.attempt,
        observed_at: event.occurred_at,
        external_id: event.external_id,
        ...(event.started_at !== null ? { started_at: event.started_at } : {}),
        ...(event.finished_at !== null ? { finished_at: event.finished_at } : {}),
      });
    case 'PipelineObserved':
      state.reported = {
        status: event.status,
        attempt: event.attempt,
        observed_at: event.occurred_at,
        name: event.name,
        user: event.user,
        finished_at: event.finished_at,
      };
      if (event.created_at !== null) state.created_at = event.created_at;
      if (event.stages !== null) learnStages(state, event.stages);
      return;
    case 'JobDiverged':
    case 'JobLogAttached':
      return; // the status change follows as its own event; a log changes no state
    case 'PipelineStatusChanged':
      state.status = event.to;
      state.warnings = event.warnings;
      state.finished = false;
      return;
    case 'PipelineFinished':
      state.status = event.status;
      state.warnings = event.warnings;
      state.finished = true;
      return;
  }
}

type JobCreated = Extract<PipelineEvent, { type: 'JobCreated' }>;

/** A job attempt as JobCreated makes it (its needs copied from the definition's). */
function newJob(event: JobCreated, needs: readonly string[] | null): JobState {
  return {
    job_id: event.job_id,
    name: event.name,
    stage: event.stage,
    attempt: event.attempt,
    status: 'created',
    retried: false,
    allow_failure: event.allow_failure,
    when: event.when,
    needs: needs === null ? null : [...needs],
    enqueued_at: null,
    started_at: null,
    finished_at: null,
  };
}

/** defineProperty, not assignment: a job may be called "__proto__". */
function setLatest(state: PipelineState, name: string, jobId: string): void {
  Object.defineProperty(state.latest, name, { value: jobId, enumerable: true, writable: true, configurable: true });
}

/**
 * An observed job is discovered: its name joins the definition (with its stage) when new, and it becomes the
 * latest attempt only when its name has none yet — a newer attempt found later takes over by JobRetried.
 */
function createObservedJob(state: PipelineState, event: JobCreated): void {
  if (!state.definition.stages.includes(event.stage))
    state.definition = { ...state.definition, stages: [...state.definition.stages, event.stage] };
  if (!jobDefinition(state, event.name)) {
    const job = {
      name: event.name,
      stage: event.stage,
      needs: null,
      when: event.when,
      allow_failure: event.allow_failure,
    };
    state.definition = {
      ...state.definition,
      jobs: [...state.definition.jobs, { ...job, retry: { max: 0, when: [] } }],
    };
  }
  state.jobs[event.job_id] = newJob(event, null);
  if (!Object.hasOwn(state.latest, event.name)) setLatest(state, event.name, event.job_id);
}

/** The stage order an observed pipeline's CI reports: its order first, then stages learned only from jobs. */
function learnStages(state: PipelineState, stages: readonly string[]): void {
  const known = state.definition.stages;
  if (stages.every((s, i) => known[i] === s)) return;
  const merged = [...new Set([...stages, ...known])];
  if (merged.length !== known.length || merged.some((s, i) => known[i] !== s))
    state.definition = { ...state.definition, stages: merged };
}

/** Replaces one job with a changed copy; an event naming an unknown job changes nothing (total, never throws). */
function setJob(state: PipelineState, jobId: string, change: Partial<JobState>): void {
  const job = Object.hasOwn(state.jobs, jobId) ? state.jobs[jobId] : undefined;
  if (job) state.jobs[jobId] = { ...job, ...change };
}
