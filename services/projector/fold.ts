// Functional core of the projector: canonical events + the current rows of the pipelines they touch →
// the changed rows. Idempotent (an event at or below a pipeline's last_seq is ignored) and strict
// (a gap in seq stops the fold: it is reported, never skipped).
import type { PipelineEvent } from '../core/events/generated.js';
import type { readModelTables } from '../platform/db/read-model.js';

type Tables = ReturnType<typeof readModelTables>;
export type PipelineRow = Tables['pipelines']['$inferSelect'];
export type JobRow = Tables['jobs']['$inferSelect'];
export type FlakyRow = Tables['flakyJobs']['$inferSelect'];

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

type DefinitionJob = { name: string; needs: string[] | null };

const finished = (status: string) => ['success', 'failed', 'canceled', 'skipped'].includes(status);

export function foldEvents(current: Rows, events: readonly PipelineEvent[]): FoldResult {
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
  const setJob = (id: string, patch: Partial<JobRow>, seq: number) => {
    const row = jobOf(id);
    if (row) jobs.set(id, { ...row, ...patch, lastSeq: seq });
  };

  for (const e of events) {
    const pipeline = pipelineOf(e.pipeline_id);
    const last = pipeline?.lastSeq ?? 0;
    if (e.seq <= last) {
      ignored++;
      continue;
    }
    if (e.seq !== last + 1 || (!pipeline && e.type !== 'PipelineCreated')) {
      return { pipelines, jobs, flaky, applied, ignored, gap: { pipelineId: e.pipeline_id, expected: last + 1, got: e.seq } };
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
      });
      continue;
    }
    const p: PipelineRow = { ...pipeline!, lastSeq: e.seq, updatedAt: e.recorded_at };
    pipelines.set(e.pipeline_id, p);
    switch (e.type) {
      case 'PipelineStatusChanged':
        p.status = e.to;
        p.warnings = e.warnings;
        if (e.to === 'running' && !p.startedAt) p.startedAt = e.occurred_at;
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
          lastSeq: e.seq,
        });
        break;
      }
      case 'JobEnqueued':
        setJob(e.job_id, { status: 'pending', queuedAt: e.occurred_at }, e.seq);
        break;
      case 'JobStarted':
        setJob(e.job_id, { status: 'running', startedAt: e.occurred_at, runnerId: e.runner_id, queuedMs: e.queued_ms }, e.seq);
        break;
      case 'JobSucceeded': {
        setJob(e.job_id, { status: 'success', finishedAt: e.occurred_at, durationMs: e.duration_ms }, e.seq);
        if (e.attempt > 1) {
          const previous = findJob((j) => j.pipelineId === e.pipeline_id && j.name === e.name && j.attempt === e.attempt - 1);
          if (previous?.status === 'failed') {
            flaky.push({ passedJobId: e.job_id, failedJobId: previous.jobId, pipelineId: e.pipeline_id, projectId: e.project_id, name: e.name, sha: p.sha, failureReason: previous.failureReason, detectedAt: e.occurred_at });
          }
        }
        break;
      }
      case 'JobFailed':
        setJob(
          e.job_id,
          { status: 'failed', finishedAt: e.occurred_at, durationMs: e.duration_ms, failureReason: e.failure_reason, failureReasonRaw: e.failure_reason_raw, exitCode: e.exit_code, logRef: e.log?.ref ?? null, logExcerpt: e.log_excerpt },
          e.seq,
        );
        break;
      case 'JobCanceled':
        setJob(e.job_id, { status: 'canceled', finishedAt: e.occurred_at, durationMs: e.duration_ms }, e.seq);
        break;
      case 'JobSkipped':
        setJob(e.job_id, { status: 'skipped' }, e.seq);
        break;
      case 'JobManualActionRequired':
        setJob(e.job_id, { status: 'manual' }, e.seq);
        break;
      case 'JobRetried':
        setJob(e.job_id, { retried: true }, e.seq);
        break;
      case 'JobReopened':
        setJob(e.job_id, { status: 'created', finishedAt: null }, e.seq);
        if (finished(p.status)) p.finishedAt = null;
        break;
    }
  }
  return { pipelines, jobs, flaky, applied, ignored };
}
