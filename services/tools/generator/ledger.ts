// The driver's accounts: per pipeline, the ledger of what was sent and accepted and the canonical events
// it leads to (the fault tests check what Verity recorded against it); while it runs, progress snapshots;
// at its end, the result — counts, latency histograms and the traffic mix of the pipelines completed.
import { emptyHistogram, type Histogram } from '../../lib/core/stats/histogram.js';
import type { PipelinePlan } from './ops.js';

/** What the generator knows of one pipeline: its ops, which ones ingest accepted, and what they lead to. */
export interface LedgerEntry {
  projectId: string;
  ops: number;
  sent: number;
  accepted: number;
  /** Canonical events the accepted ops lead to (the pure decider's count, simulated when planning). */
  events: number;
  /** An op got something else than 202: its later ops were not sent, and its outcome may be unknown (5xx). */
  refused: boolean;
  /** Every op was sent and accepted. */
  complete: boolean;
  final: string;
}
export type Ledger = Map<string, LedgerEntry>;

export interface Progress {
  phase: 'run' | 'drain' | 'done';
  elapsed_ms: number;
  /** Pipelines whose creation was sent. */
  pipelines: number;
  reports: number;
  accepted: number;
  rejected: number;
  errors: number;
  in_flight: number;
  pending: number;
  /** Ops of started pipelines not sent yet (what the drain still has to send). */
  remaining: number;
  reports_per_s: number;
  /** How late the oldest op waiting to go out is (rate mode). */
  behind_ms: number;
  /** Planned end of the run phase, ms from the start. */
  run_ms: number;
}

export interface DriveResult {
  elapsedMs: number;
  /** The run phase (before the drain): its length, reports sent and accepted replies received in it. */
  run: { ms: number; reports: number; accepted: number };
  pipelines: number;
  pipelinesCompleted: number;
  reports: number;
  accepted: number;
  rejected: number;
  errors: number;
  dropped: number;
  unsent: number;
  requests: number;
  eventsExpected: number;
  behind: Histogram | null;
  behindMax: number;
  requestMs: Histogram;
  finals: Record<string, number>;
  failures: Record<string, number>;
  flaky: number;
  plays: number;
  retries: number;
  cancels: number;
  pipelineIds: string[];
}

/** The ledger entry of a pipeline whose creation is being sent. */
export function ledgerEntry(plan: PipelinePlan): LedgerEntry {
  return {
    projectId: plan.projectId,
    ops: plan.ops.length,
    sent: 0,
    accepted: 0,
    events: 0,
    refused: false,
    complete: false,
    final: plan.final,
  };
}

/** A result with nothing counted yet; in max mode (no schedule) no `behind` histogram. */
export function emptyResult(max: boolean): DriveResult {
  return {
    elapsedMs: 0,
    run: { ms: 0, reports: 0, accepted: 0 },
    pipelines: 0,
    pipelinesCompleted: 0,
    reports: 0,
    accepted: 0,
    rejected: 0,
    errors: 0,
    dropped: 0,
    unsent: 0,
    requests: 0,
    eventsExpected: 0,
    behind: max ? null : emptyHistogram(),
    behindMax: 0,
    requestMs: emptyHistogram(),
    finals: {},
    failures: {},
    flaky: 0,
    plays: 0,
    retries: 0,
    cancels: 0,
    pipelineIds: [],
  };
}

/** Adds a pipeline whose every op was accepted to the result's final statuses and traffic mix. */
export function tallyFinished(r: DriveResult, plan: PipelinePlan): void {
  r.pipelinesCompleted++;
  r.finals[plan.final] = (r.finals[plan.final] ?? 0) + 1;
  for (const [c, n] of Object.entries(plan.facts.failures)) r.failures[c] = (r.failures[c] ?? 0) + n;
  r.flaky += plan.facts.flaky;
  r.plays += plan.facts.plays;
  r.retries += plan.facts.autoRetries + plan.facts.manualRetries;
  r.cancels += plan.facts.canceled ? 1 : 0;
}
