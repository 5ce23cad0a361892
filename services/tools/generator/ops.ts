// The ops of the load generator: the NDJSON lines of POST /v1/reports:bulk (occurred_at is added by the
// driver), a pipeline's plan of them with the canonical events each leads to and what happened in it, and
// `lineToRecord`, the intake record ingest would write for a line, built by ingest's own functions.
import type { FinalStatus } from '../../lib/core/pipeline/index.js';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import {
  commandRecord,
  createPipelineRecord,
  jobReportRecord,
  type ApiCreatePipeline,
  type ApiJob,
  type RecordContext,
} from '../../run/ingest/index.js';
import type { FailureCategory } from './logs.js';

export type PipelineSource = ApiCreatePipeline['source'];
export type ReportStatus = 'running' | 'success' | 'failed' | 'canceled';

export type BulkLine =
  | {
      op: 'create_pipeline';
      pipeline_id: string;
      project_id: string;
      ref: string;
      sha: string;
      source: PipelineSource;
      definition: {
        stages: string[];
        jobs: ApiJob[];
        workflow?: { auto_cancel?: { on_new_commit?: 'conservative' | 'interruptible' | 'none' } };
      };
      occurred_at?: string;
    }
  | {
      op: 'report';
      pipeline_id: string;
      job: string;
      project_id: string;
      status: ReportStatus;
      runner_id?: string;
      failure_reason?: string;
      exit_code?: number;
      log_tail?: string;
      occurred_at?: string;
    }
  | { op: 'cancel'; pipeline_id: string; project_id: string; occurred_at?: string }
  | { op: 'retry' | 'play' | 'cancel_job'; pipeline_id: string; job: string; project_id: string; occurred_at?: string };

export interface PlannedOp {
  /** Simulated milliseconds since the pipeline was created. */
  at: number;
  line: BulkLine;
  /** Canonical events the decider emits for it (from the simulation). */
  events: number;
}

/** What happened in a pipeline, for summaries and tests. */
export interface PipelineFacts {
  jobs: number;
  stages: number;
  dag: boolean;
  /** Job attempts that failed, by category. */
  failures: Partial<Record<FailureCategory, number>>;
  /** Jobs that failed, then passed on a retry (automatic or manual) of the same sha. */
  flaky: number;
  autoRetries: number;
  manualRetries: number;
  manualJobs: number;
  plays: number;
  /** The pipeline was canceled by a cancel command. */
  canceled: boolean;
  jobCancels: number;
}

export interface PipelinePlan {
  index: number;
  pipelineId: string;
  projectId: string;
  ref: string;
  sha: string;
  ops: PlannedOp[];
  /** Simulated duration: `at` of the last op. */
  spanMs: number;
  final: FinalStatus;
  facts: PipelineFacts;
}

/** An intake record for one line, built by ingest's own functions (what ingest would write for it). */
export function lineToRecord(line: BulkLine, c: RecordContext, logExcerpt: string | null = null): IntakeEvent {
  switch (line.op) {
    case 'create_pipeline':
      return createPipelineRecord(
        { project_id: line.project_id, ref: line.ref, sha: line.sha, source: line.source, definition: line.definition },
        c,
      );
    case 'report':
      return jobReportRecord(
        {
          status: line.status,
          runner_id: line.runner_id,
          failure_reason: line.failure_reason,
          exit_code: line.exit_code,
        },
        line.job,
        null,
        logExcerpt,
        c,
      );
    case 'cancel':
      return commandRecord('CancelPipeline', c);
    case 'retry':
      return commandRecord('RetryJob', c, line.job);
    case 'play':
      return commandRecord('PlayJob', c, line.job);
    case 'cancel_job':
      return commandRecord('CancelJob', c, line.job);
  }
}
