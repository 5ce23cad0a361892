// Functional core of the projector: canonical events + the current rows of the pipelines they touch →
// the changed rows. Idempotent (an event at or below a pipeline's last_seq is ignored) and strict
// (a gap in seq stops the fold: it is reported, never skipped). A replay of a window that starts
// mid-stream (`startMidStream`) takes the first event it sees of an unknown pipeline as its start.
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { FlakyRow, JobRow, PipelineRow } from '../../lib/readmodel/rows.js';
import { createdColumns, DECIDED, jobObserved, logAttached, NO_DETAILS, pipelineObserved } from './fold-observed.js';

export interface Rows {
  pipelines: Map<string, PipelineRow>;
  /** Every job row (all attempts) of the pipelines in `pipelines`. */
  jobs: Map<string, JobRow>;
}

export interface SeqGap {
  pipelineId: string;
  expected: number;
  got: number;
}

export interface FoldResult {
  pipelines: Map<string, PipelineRow>;
  jobs: Map<string, JobRow>;
  flaky: FlakyRow[];
  applied: number;
  ignored: number;
  gap?: SeqGap;
}

export interface FoldOptions {
  /**
   * The events start mid-stream (`verity replay` of a window): the first event seen of a pipeline that
   * `current` does not know is accepted whatever its seq. Unless it is PipelineCreated, a placeholder
   * row stands for what came before it (ref, sha, source 'unknown'; status 'unknown' until an event
   * sets it; created_at = that event's occurred_at), and so does a placeholder job row (stage, when,
   * status 'unknown') for a job event of a job not known. A gap after that first event still stops
   * the fold. Off by default: the projector requires every pipeline to start with PipelineCreated.
   */
  startMidStream?: boolean;
  /**
   * Pipelines with a dead-lettered event (projection_dead_letters): an event of theirs is missing for
   * good, so a jump in their seq is accepted and a missing pipeline or job row gets a placeholder, as
   * for a mid-stream start. Every other pipeline stays strict.
   */
  lenient?: ReadonlySet<string>;
}

type DefinitionJob = { name: string; needs: string[] | null; resource_group?: string };
type JobEvent = Extract<PipelineEvent, { job_id: string }>;

const earliest = (a: string | null, b: string): string => (a !== null && Date.parse(a) <= Date.parse(b) ? a : b);
const finished = (status: string) => ['success', 'failed', 'canceled', 'skipped'].includes(status);

/** The row standing for a pipeline whose start lies before a replayed window (see FoldOptions). */
export function placeholderPipeline(e: PipelineEvent): PipelineRow {
  return {
    pipelineId: e.pipeline_id,
    projectId: e.project_id,
    ref: 'unknown',
    sha: 'unknown',
    source: 'unknown',
    status: 'unknown',
    warnings: false,
    stages: [],
    definition: { stages: [], jobs: [] },
    createdAt: e.occurred_at,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    lastSeq: e.seq - 1,
    updatedAt: e.recorded_at,
    parentPipelineId: null,
    parentJobId: null,
    ...DECIDED,
  };
}

/** The columns of a job attempt that has not run yet. */
const NOT_RUN = {
  runnerId: null,
  queuedAt: null,
  startedAt: null,
  finishedAt: null,
  queuedMs: null,
  durationMs: null,
  failureReason: null,
  failureReasonRaw: null,
  exitCode: null,
  logRef: null,
  logExcerpt: null,
  scheduledAt: null,
  variableKeys: null,
  downstreamPipelineId: null,
  waitingForResourceAt: null,
  autoCanceledBy: null,
  ...NO_DETAILS,
} as const satisfies Partial<JobRow>;

/** The row standing for a job created before a replayed window (see FoldOptions). */
function placeholderJob(e: JobEvent): JobRow {
  return {
    jobId: e.job_id,
    pipelineId: e.pipeline_id,
    projectId: e.project_id,
    name: e.name,
    stage: 'unknown',
    attempt: e.attempt,
    status: 'unknown',
    retried: false,
    allowFailure: 'allow_failure' in e ? e.allow_failure : false,
    when: 'unknown',
    needs: null,
    resourceGroup: null,
    ...NOT_RUN,
    lastSeq: e.seq - 1,
  };
}

export function foldEvents(current: Rows, events: readonly PipelineEvent[], opts: FoldOptions = {}): FoldResult {
  const pipelines = new Map<string, PipelineRow>();
  const jobs = new Map<string, JobRow>();
  const flaky: FlakyRow[] = [];
  let applied = 0;
  let ignored = 0;
  const pipelineOf = (id: string) => pipelines.get(id) ?? current.pipelines.get(id);
  const jobOf = (id: string) => jobs.get(id) ?? current.jobs.get(id);
  /** The first job row, changed in this fold or as loaded, that matches (no copy of either map). */
  const findJob = (match: (j: JobRow) => boolean): JobRow | undefined => {
    for (const j of jobs.values()) if (match(j)) return j;
    for (const [id, j] of current.jobs) if (!jobs.has(id) && match(j)) return j;
    return undefined;
  };
  const loose = (pipelineId: string) => opts.startMidStream === true || opts.lenient?.has(pipelineId) === true;
  /** Applies a job event; scheduled_at is held only while the job is scheduled (as GitLab and the decider do). */
  const setJob = (e: JobEvent, patch: Partial<JobRow>) => {
    const row = jobOf(e.job_id) ?? (loose(e.pipeline_id) ? placeholderJob(e) : undefined);
    const unscheduled = patch.status !== undefined && patch.status !== 'scheduled' ? { scheduledAt: null } : {};
    if (row) jobs.set(e.job_id, { ...row, ...unscheduled, ...patch, lastSeq: e.seq });
  };

  for (const e of events) {
    let pipeline = pipelineOf(e.pipeline_id);
    if (!pipeline && loose(e.pipeline_id) && e.type !== 'PipelineCreated') pipeline = placeholderPipeline(e);
    const last = pipeline?.lastSeq ?? 0;
    if (e.seq <= last) {
      ignored++;
      continue;
    }
    const jumped = e.seq !== last + 1 && !(opts.lenient?.has(e.pipeline_id) ?? false);
    if (jumped || (!pipeline && e.type !== 'PipelineCreated')) {
      return {
        pipelines,
        jobs,
        flaky,
        applied,
        ignored,
        gap: { pipelineId: e.pipeline_id, expected: last + 1, got: e.seq },
      };
    }
    applied++;
    if (e.type === 'PipelineCreated') {
      pipelines.set(e.pipeline_id, {
        pipelineId: e.pipeline_id,
        projectId: e.project_id,
        ref: e.ref,
        sha: e.sha,
        source: e.source,
        status: 'created',
        warnings: false,
        stages: e.definition.stages,
        definition: e.definition,
        createdAt: e.occurred_at,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        lastSeq: e.seq,
        updatedAt: e.recorded_at,
        // A downstream pipeline: linked to its parent here, and the parent to it by its trigger job's row.
        parentPipelineId: e.parent?.pipeline_id ?? null,
        parentJobId: e.parent?.job_id ?? null,
        ...createdColumns(e),
      });
      continue;
    }
    const p: PipelineRow = { ...pipeline!, lastSeq: e.seq, updatedAt: e.recorded_at };
    pipelines.set(e.pipeline_id, p);
    switch (e.type) {
      case 'PipelineStatusChanged':
        p.status = e.to;
        p.warnings = e.warnings;
        // An observed pipeline started when its first job did (JobStarted below), whatever hook said so first.
        if (e.to === 'running' && !p.startedAt && p.mode !== 'observed') p.startedAt = e.occurred_at;
        break;
      case 'PipelineFinished':
        p.status = e.status;
        p.warnings = e.warnings;
        p.finishedAt = e.occurred_at;
        p.durationMs = e.duration_ms;
        break;
      case 'JobCreated': {
        const def = ((p.definition as { jobs: DefinitionJob[] }).jobs ?? []).find((j) => j.name === e.name);
        jobs.set(e.job_id, {
          jobId: e.job_id,
          pipelineId: e.pipeline_id,
          projectId: e.project_id,
          name: e.name,
          stage: e.stage,
          attempt: e.attempt,
          status: 'created',
          retried: false,
          allowFailure: e.allow_failure,
          when: e.when,
          needs: def?.needs ?? null,
          resourceGroup: def?.resource_group ?? null,
          ...NOT_RUN,
          lastSeq: e.seq,
        });
        break;
      }
      case 'JobEnqueued':
        // A play with variables: their keys are kept, never their values.
        setJob(e, {
          status: 'pending',
          queuedAt: e.occurred_at,
          ...(e.variable_keys?.length
            ? { variableKeys: e.variable_keys }
            : e.variables?.length
              ? { variableKeys: e.variables.map((v) => v.key) }
              : {}),
        });
        break;
      case 'JobScheduled':
        setJob(e, { status: 'scheduled', scheduledAt: e.scheduled_at });
        break;
      case 'JobUnscheduled':
        setJob(e, { status: 'manual' });
        break;
      case 'JobCanceling':
        setJob(e, { status: 'canceling' });
        break;
      case 'JobWaitingForResource':
        // In its group's queue since now (the coordinator's requested_at), until AssignResource enqueues it.
        setJob(e, {
          status: 'waiting_for_resource',
          resourceGroup: e.resource_group,
          waitingForResourceAt: e.occurred_at,
        });
        break;
      case 'DownstreamPipelineTriggered':
        // A trigger job runs while its downstream pipeline runs (strategy: depend), or succeeds next (none).
        setJob(e, {
          status: 'running',
          queuedAt: e.occurred_at,
          startedAt: e.occurred_at,
          downstreamPipelineId: e.downstream_pipeline_id,
        });
        break;
      case 'JobStarted':
        setJob(e, { status: 'running', startedAt: e.occurred_at, runnerId: e.runner_id, queuedMs: e.queued_ms });
        if (p.mode === 'observed') p.startedAt = earliest(p.startedAt, e.occurred_at);
        break;
      case 'JobSucceeded': {
        setJob(e, { status: 'success', finishedAt: e.occurred_at, durationMs: e.duration_ms });
        if (e.attempt > 1) {
          const previous = findJob(
            (j) => j.pipelineId === e.pipeline_id && j.name === e.name && j.attempt === e.attempt - 1,
          );
          if (previous?.status === 'failed') {
            flaky.push({
              passedJobId: e.job_id,
              failedJobId: previous.jobId,
              pipelineId: e.pipeline_id,
              projectId: e.project_id,
              name: e.name,
              sha: p.sha,
              failureReason: previous.failureReason,
              detectedAt: e.occurred_at,
            });
          }
        }
        break;
      }
      case 'JobFailed':
        setJob(e, {
          status: 'failed',
          finishedAt: e.occurred_at,
          durationMs: e.duration_ms,
          failureReason: e.failure_reason,
          failureReasonRaw: e.failure_reason_raw,
          exitCode: e.exit_code,
          // As decided for this failure: allow_failure: exit_codes allows only some exit codes.
          allowFailure: e.allow_failure,
          logRef: e.log?.ref ?? null,
          logExcerpt: e.log_excerpt,
        });
        break;
      case 'JobCanceled':
        setJob(e, {
          status: 'canceled',
          finishedAt: e.occurred_at,
          durationMs: e.duration_ms,
          autoCanceledBy: e.auto_canceled_by ?? null,
        });
        break;
      case 'JobSkipped':
        setJob(e, { status: 'skipped' });
        break;
      case 'JobManualActionRequired':
        // Waiting to be played (again): the variables of an earlier play no longer apply.
        setJob(e, { status: 'manual', variableKeys: null });
        break;
      case 'JobRetried': {
        setJob(e, { retried: true });
        // an observed run found after its newer one renumbers the newer (the decider's evolve does the same)
        const next = jobOf(e.new_job_id);
        if (next && next.attempt < e.new_attempt)
          jobs.set(next.jobId, { ...next, attempt: e.new_attempt, lastSeq: e.seq });
        break;
      }
      case 'PipelineObserved':
        Object.assign(p, pipelineObserved(e));
        break;
      case 'JobObserved':
        setJob(e, jobObserved(e));
        break;
      case 'JobLogAttached':
        setJob(e, logAttached(e));
        break;
      case 'JobReopened':
        setJob(e, { status: 'created', finishedAt: null });
        if (finished(p.status)) p.finishedAt = null;
        break;
    }
  }
  return { pipelines, jobs, flaky, applied, ignored };
}
