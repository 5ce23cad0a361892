// coordinate(state, record) → outcome: one coordination record decided against its key's state, and
// coordinateBatch for the coordinator's loop (copy-on-write like the decider's decideBatch: the input map is
// untouched; the shell commits the reports and snapshots in one transaction and only then adopts the states).
import type { CoordinationEvent } from '../events/generated.js';
import { coordinationKey } from './keys.js';
import { closePipeline, openPipeline, REF_OPEN_MAX } from './ref.js';
import { releaseResource, requestResource } from './resource-group.js';
import type { CoordinationReport, CoordinationState, Outcome, RefPipeline } from './state.js';

export interface CoordinateOptions {
  /** Bound of a ref's open set (REF_OPEN_MAX). */
  refOpenMax?: number;
}

/** A record whose key is not the one its fields name, or whose key holds another kind of state. */
export class CoordinationKeyError extends Error {}

export function coordinate(
  state: CoordinationState | null,
  record: CoordinationEvent,
  opts: CoordinateOptions = {},
): Outcome {
  const key = coordinationKey(record);
  if (record.key !== key) throw new CoordinationKeyError(`${record.type} names key ${record.key}, its fields ${key}`);
  switch (record.type) {
    case 'ResourceRequested':
      return requestResource(ofKind(state, 'resource', key), record);
    case 'ResourceReleased':
      return releaseResource(ofKind(state, 'resource', key), record);
    case 'RefPipelineOpened':
      return openPipeline(ofKind(state, 'ref', key), record, opts.refOpenMax ?? REF_OPEN_MAX);
    case 'RefPipelineClosed':
      return closePipeline(ofKind(state, 'ref', key), record);
  }
}

function ofKind<K extends CoordinationState['kind']>(
  state: CoordinationState | null,
  kind: K,
  key: string,
): Extract<CoordinationState, { kind: K }> | null {
  if (state === null) return null;
  if (state.kind !== kind) throw new CoordinationKeyError(`key ${key} holds ${state.kind} state, not ${kind}`);
  return state as Extract<CoordinationState, { kind: K }>;
}

export interface BatchResult {
  /** Every report decided, with the record that caused it, in order. */
  reports: { report: CoordinationReport; cause: CoordinationEvent }[];
  /** New state of every key the batch changed (null: now empty; its snapshot becomes a tombstone). */
  touched: Map<string, CoordinationState | null>;
  /** Open pipelines the bound dropped, per ref key. */
  dropped: { key: string; pipelines: RefPipeline[] }[];
}

export function coordinateBatch(
  states: ReadonlyMap<string, CoordinationState>,
  records: readonly CoordinationEvent[],
  opts: CoordinateOptions = {},
): BatchResult {
  const touched = new Map<string, CoordinationState | null>();
  const result: BatchResult = { reports: [], touched, dropped: [] };
  for (const record of records) {
    const before = touched.has(record.key) ? touched.get(record.key)! : (states.get(record.key) ?? null);
    const outcome = coordinate(before, record, opts);
    if (outcome.state !== before) touched.set(record.key, outcome.state);
    for (const report of outcome.reports) result.reports.push({ report, cause: record });
    if (outcome.dropped.length > 0) result.dropped.push({ key: record.key, pipelines: outcome.dropped });
  }
  return result;
}
