// The decider's state of one pipeline: a JSON-serialisable plain object, snapshotted to the compacted
// ci.pipeline.state.v1 topic (PipelineSnapshot.state, with state_version = STATE_VERSION).
import type { JobCreated, PipelineCreated } from '../events/generated.js';
import type { Definition, JobDefinition } from './definition.js';
import type { JobStatus } from './status.js';

/** Version of the shape below; bump it (and upcast old snapshots) on any incompatible change. */
export const STATE_VERSION = 1;

/** How many decided report ids the state remembers to refuse redeliveries (duplicate_report). */
export const RECENT_REPORTS_MAX = 256;

export type PipelineStatus = JobStatus;
export type FinalStatus = 'success' | 'failed' | 'canceled' | 'skipped';
export const FINAL_STATUSES: readonly PipelineStatus[] = ['success', 'failed', 'canceled', 'skipped'];

export interface JobState {
  job_id: string;
  name: string;
  stage: string;
  attempt: number;
  status: JobStatus;
  /** A newer attempt of the same name exists. */
  retried: boolean;
  allow_failure: boolean;
  when: JobCreated['when'];
  /** null: stage ordering; array: DAG predecessors. */
  needs: string[] | null;
  enqueued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** A scheduled (delayed) job is due at this time; absent in snapshots taken before delayed jobs existed. */
  scheduled_at?: string | null;
  /**
   * The decider's clock (recorded_at) when the job last became pending and running: the bases of its stuck and
   * timeout due times, as GitLab's server times them, whatever the producer's clock says (absent in older
   * snapshots: enqueued_at / started_at then).
   */
  pending_since?: string | null;
  running_since?: string | null;
  /** A failed job: GitLab's reason (absent in snapshots taken before observed pipelines). */
  failure_reason?: string;
  /** A trigger job: the pipeline it created. */
  downstream_pipeline_id?: string;
  /** An observed job: the timestamp of the observation it shows (observe-order.ts) and its id in its CI. */
  observed_at?: string | null;
  external_id?: string;
}

/** An observed pipeline: the pipeline status its CI last reported, by (attempt, timestamp, progress). */
export interface ReportedStatus {
  status: JobStatus | null;
  attempt: number | null;
  observed_at: string;
  name: string | null;
  user: string | null;
  finished_at: string | null;
}

export interface PipelineState {
  pipeline_id: string;
  project_id: string;
  ref: string;
  sha: string;
  /** occurred_at of PipelineCreated. */
  created_at: string;
  /** seq of the last event folded in. */
  seq: number;
  /** Composite of the latest attempts, as last announced by PipelineStatusChanged. */
  status: PipelineStatus;
  warnings: boolean;
  /** PipelineFinished was emitted and nothing re-opened the pipeline since. */
  finished: boolean;
  definition: Definition;
  /** Every attempt, keyed by job id. */
  jobs: Record<string, JobState>;
  /** Job name → id of its latest attempt. */
  latest: Record<string, string>;
  /** A downstream pipeline: the trigger job that created it (its status is mirrored there with strategy: depend). */
  parent?: { pipeline_id: string; project_id: string; job_id: string };
  /** observed: an external CI owns the pipeline; Verity records its transitions (absent: decided). */
  mode?: 'decided' | 'observed';
  /** An observed pipeline: where it lives. */
  external?: PipelineCreated['external'];
  /** An observed pipeline: the pipeline-level status its CI reported last. */
  reported?: ReportedStatus;
  /** Ids of the last RECENT_REPORTS_MAX accepted reports, oldest first. */
  recent_reports: string[];
}

export const initialState: PipelineState | null = null;

/** The latest attempt of a job name. */
export function latestJob(state: PipelineState, name: string): JobState | undefined {
  const id = Object.hasOwn(state.latest, name) ? state.latest[name] : undefined;
  return id !== undefined && Object.hasOwn(state.jobs, id) ? state.jobs[id] : undefined;
}

/** The latest attempt of every job, in definition order. */
export function latestJobs(state: PipelineState): JobState[] {
  const out: JobState[] = [];
  for (const def of state.definition.jobs) {
    const job = latestJob(state, def.name);
    if (job) out.push(job);
  }
  return out;
}

const jobDefinitions = new WeakMap<Definition, ReadonlyMap<string, JobDefinition>>();

/** The definition of a job name; memoised per definition object. */
export function jobDefinition(state: PipelineState, name: string): JobDefinition | undefined {
  let byName = jobDefinitions.get(state.definition);
  if (!byName) {
    byName = new Map(state.definition.jobs.map((j) => [j.name, j] as const));
    jobDefinitions.set(state.definition, byName);
  }
  return byName.get(name);
}

const stageIndexes = new WeakMap<Definition, ReadonlyMap<string, number>>();

/** Position of a stage in the definition (-1 when unknown); memoised per definition object. */
export function stageIndex(state: PipelineState, stage: string): number {
  let indexes = stageIndexes.get(state.definition);
  if (!indexes) {
    indexes = new Map(state.definition.stages.map((s, i) => [s, i] as const));
    stageIndexes.set(state.definition, indexes);
  }
  return indexes.get(stage) ?? -1;
}

/** A job by attempt id, or by name meaning its latest attempt. */
export function findJob(state: PipelineState, ref: string): JobState | undefined {
  return (Object.hasOwn(state.jobs, ref) ? state.jobs[ref] : undefined) ?? latestJob(state, ref);
}

export const isObserved = (state: PipelineState): boolean => state.mode === 'observed';
