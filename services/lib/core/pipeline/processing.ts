// Pipeline processing after every accepted report (GitLab's AtomicProcessingService + ProcessBuildService):
// created jobs whose predecessors are complete are enqueued, made manual or skipped, to a fixed point;
// then the pipeline composite is announced (PipelineStatusChanged) and, when final, PipelineFinished.
import { compositeStatus } from './composite.js';
import type { Accepted } from './decision.js';
import { elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { enqueueJob } from './enqueue.js';
import {
  FINAL_STATUSES,
  jobDefinition,
  latestJob,
  latestJobs,
  stageIndex,
  type FinalStatus,
  type JobState,
  type PipelineState,
} from './state.js';
import { isActive, isCompleted, type JobStatus } from './status.js';

/** GitLab's DAG composite of the latest attempts of a job's needs: a need that did not run skips the job. */
function needsStatus(state: PipelineState, needs: readonly string[]): JobStatus {
  const needed = needs.map((name) => latestJob(state, name)).filter((j): j is JobState => j !== undefined);
  return compositeStatus(needed, { dag: true }).status;
}

/** ProcessBuildService#valid_statuses_for_build: the predecessor composites that let a job proceed. */
function qualifies(job: Pick<JobState, 'when' | 'needs'>, predecessors: JobStatus): boolean {
  switch (job.when) {
    case 'on_success':
    case 'manual':
    case 'delayed':
      return job.needs === null ? predecessors === 'success' || predecessors === 'skipped' : predecessors === 'success';
    case 'on_failure':
      return predecessors === 'failed';
    case 'always':
      return predecessors === 'success' || predecessors === 'failed' || predecessors === 'skipped';
  }
}

/**
 * Moves every created job whose predecessors are complete: enqueued, manual or skipped. Stage by stage,
 * as GitLab does: a stage job's predecessors are all latest jobs of earlier stages, whose composite is
 * computed once per stage (processing a stage never changes an earlier one); a DAG job's are its needs,
 * which are in its own stage or earlier ones (validateDefinition), hence the loop inside a stage. One pass
 * in stage order therefore reaches the fixed point.
 */
function processJobs(draft: Draft): void {
  // The composite depends only on which (status, allow_failure) pairs occur: keep one job per pair.
  const earlier = new Map<string, JobState>();
  for (const stage of byStage(draft.state)) {
    const stageStatus = compositeStatus([...earlier.values()]).status;
    for (let moved = true; moved;) {
      moved = false;
      for (const id of stage) {
        const job = draft.state.jobs[id]!;
        if (job.status !== 'created') continue;
        const predecessors = job.needs === null ? stageStatus : needsStatus(draft.state, job.needs);
        if (!isCompleted(predecessors)) continue;
        if (!qualifies(job, predecessors))
          emit(draft, { type: 'JobSkipped', ...jobRef(job), reason: 'predecessors_not_qualified' });
        else if (job.when === 'manual') emit(draft, { type: 'JobManualActionRequired', ...jobRef(job) });
        else if (job.when === 'delayed')
          emit(draft, { type: 'JobScheduled', ...jobRef(job), scheduled_at: dueAt(draft, job) });
        else enqueueJob(draft, job);
        moved = true;
      }
    }
    for (const id of stage) {
      const job = draft.state.jobs[id]!;
      earlier.set(`${job.status}/${job.allow_failure}`, job);
    }
  }
}

/**
 * When a delayed job becomes due: start_in after the decision that scheduled it, on the decider's clock
 * (ctx.now, the events' recorded_at; GitLab: scheduled_at = now + start_in on the server). The clock is the
 * decision's context, not read here: the same reports and context decide the same due times.
 */
function dueAt(draft: Draft, job: JobState): string {
  const startIn = jobDefinition(draft.state, job.name)?.start_in_s ?? 0;
  const from = Date.parse(draft.ctx.now);
  return new Date((Number.isFinite(from) ? from : 0) + startIn * 1000).toISOString();
}

/** Ids of the latest attempts grouped by stage, in stage order (definition order within a stage). */
function byStage(state: PipelineState): string[][] {
  const groups = state.definition.stages.map((): string[] => []);
  for (const job of latestJobs(state)) groups[stageIndex(state, job.stage)]?.push(job.job_id);
  return groups;
}

/**
 * Names of the jobs that depend on `name`, transitively: stage jobs of later stages, and DAG jobs that
 * need it (GitLab's ResetSkippedJobsService scope).
 */
function dependentsOf(state: PipelineState, name: string): Set<string> {
  const jobs = latestJobs(state);
  const found = new Set<string>();
  const queue = [name];
  for (let current = queue.pop(); current !== undefined; current = queue.pop()) {
    const from = latestJob(state, current);
    if (!from) continue;
    const fromStage = stageIndex(state, from.stage);
    for (const j of jobs) {
      if (j.name === name || found.has(j.name)) continue;
      const depends = j.needs === null ? stageIndex(state, j.stage) > fromStage : j.needs.includes(from.name);
      if (depends) {
        found.add(j.name);
        queue.push(j.name);
      }
    }
  }
  return found;
}

/** JobReopened (skipped → created) for every skipped job depending on `name`, so processing reconsiders it. */
export function reopenDependents(draft: Draft, name: string): void {
  const dependents = dependentsOf(draft.state, name);
  for (const id of byStage(draft.state).flat()) {
    const job = draft.state.jobs[id]!;
    if (dependents.has(job.name) && job.status === 'skipped') emit(draft, { type: 'JobReopened', ...jobRef(job) });
  }
}

/** The status a pipeline settles on, and when it ended if that is final (default: when the report happened). */
export interface Settlement {
  status: JobStatus;
  warnings: boolean;
  endedAt?: string;
}

/**
 * PipelineStatusChanged when the status or its warnings changed; PipelineFinished when it is final. The status
 * is the composite of the latest attempts unless given (an observed pipeline whose CI listed no job yet).
 */
export function settlePipeline(draft: Draft, given?: Settlement): void {
  const before = draft.state;
  const latest = latestJobs(before);
  const { status, warnings } = given ?? compositeStatus(latest);
  if (status !== before.status || warnings !== before.warnings) {
    const job_statuses: Partial<Record<JobStatus, number>> = {};
    for (const job of latest) job_statuses[job.status] = (job_statuses[job.status] ?? 0) + 1;
    emit(draft, { type: 'PipelineStatusChanged', from: before.status, to: status, warnings, job_statuses });
  }
  const final = FINAL_STATUSES.includes(status) && !latest.some((j) => isActive(j.status));
  if (final && !draft.state.finished) {
    const endedAt = given?.endedAt ?? draft.report.occurred_at;
    const duration_ms = elapsedMs(draft.state.created_at, endedAt);
    emit(draft, { type: 'PipelineFinished', status: status as FinalStatus, warnings, duration_ms }, given?.endedAt);
  }
}

/** Runs processing to a fixed point, announces the pipeline status, and accepts what was emitted. */
export function accept(draft: Draft): Accepted {
  processJobs(draft);
  settlePipeline(draft);
  return { kind: 'accepted', events: draft.events };
}
