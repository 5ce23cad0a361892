// The driver's options: the pacing (a rate in reports or canonical events per second, or max mode), how
// long new pipelines start and whether the ones in progress are drained, the request bounds, the clock of
// occurred_at, and what the caller is told as the drive goes (progress, the ledger).
import type { BulkLine } from './ops.js';
import type { Ledger, Progress } from './ledger.js';

export interface DriveOptions {
  /** Target rate (ops/s in `rateUnit`); null: max mode. */
  rate: number | null;
  rateUnit: 'reports' | 'events';
  /** How long new pipelines start; Infinity: until `maxPipelines` are done. */
  durationS: number;
  maxPipelines?: number;
  /** Pipelines in progress at once in the simulated population. */
  active: number;
  maxInFlight: number;
  batchLines: number;
  batchChars: number;
  tickMs: number;
  /** After the duration, run the pipelines in progress to their end (at the same pace). */
  drain: boolean;
  /**
   * `sim`: occurred_at from the simulated timeline (real durations and queue times, in the past); `wall`: none
   * (ingest's clock).
   */
  clock: 'sim' | 'wall';
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  progressEveryMs: number;
  collectPipelineIds: boolean;
  /** Called with each line ingest accepted (202), as sent: a test's own expectations, independent of the model. */
  onAccepted?: (line: BulkLine) => void;
  /** Filled per pipeline as replies come: what was accepted and what it leads to (for loss and duplicate checks). */
  ledger?: Ledger;
  /** Every line carries an Idempotency-Key (pipeline id and op index): a repeated line is never applied twice. */
  idempotencyKeys?: boolean;
}
