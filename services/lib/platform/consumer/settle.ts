// How a consumer gets a batch of one partition through, whatever fails: apply the whole slice; on a
// transient failure wait (capped backoff) and try again, never dead-lettering; on a failure that belongs
// to the records (poison), or an unknown one that repeats, split the slice in halves and settle each, down
// to one record — which is then dead-lettered with the reason, and the partition goes on. Each slice that
// gets through is applied on its own (its own transaction and position), in offset order, so exactly-once
// holds across the split. `reposition` and `stall` end the batch and are the caller's to handle.
// No I/O of its own: applying, dead-lettering and waiting are the caller's functions.
import { classifyError, type Classified } from './classify.js';

export interface SettleOps<T> {
  /** Applies a slice (records and already-known dead letters) and records its progress, or throws. */
  apply(slice: T[]): Promise<void>;
  /** The item as a dead letter (the slice of it alone is then applied: progress recorded, record skipped). */
  toDead(item: T, err: unknown, why: Classified): T;
  /** Waits before try number `attempt` (1 = the first retry); resolves false when the consumer stops meanwhile. */
  wait(attempt: number, why: Classified): Promise<boolean>;
  /** Called on every failure, for logs and metrics. */
  onFailure?(slice: T[], err: unknown, why: Classified, attempt: number): void;
  /** True when the batch must be left now (the consumer stops, or the partition was revoked or sought). */
  abandoned?(): boolean;
  classify?: (err: unknown) => Classified;
}

export type Settled = { kind: 'done' } | { kind: 'stopped' } | { kind: 'reposition' | 'stall'; err: unknown };

/** Tries of a slice failing with an unknown (suspect) error before it is split, or a record dead-lettered. */
export const SUSPECT_TRIES = 3;

export async function settle<T>(slice: T[], ops: SettleOps<T>): Promise<Settled> {
  return settleSlice(slice, ops, false);
}

/** `dead`: the slice is one dead letter; what fails it is retried, never split again (no loop). */
async function settleSlice<T>(slice: T[], ops: SettleOps<T>, dead: boolean): Promise<Settled> {
  const classify = ops.classify ?? classifyError;
  for (let attempt = 0; ; attempt++) {
    if (ops.abandoned?.()) return { kind: 'stopped' };
    let why: Classified;
    let failure: unknown;
    try {
      await ops.apply(slice);
      return { kind: 'done' };
    } catch (err) {
      failure = err;
      why = classify(err);
      ops.onFailure?.(slice, err, why, attempt);
    }
    if (why.class === 'reposition' || why.class === 'stall') return { kind: why.class, err: failure };
    const retry = dead || why.class === 'transient' || (why.class === 'suspect' && attempt + 1 < SUSPECT_TRIES);
    if (retry) {
      if (!(await ops.wait(attempt + 1, why))) return { kind: 'stopped' };
      continue;
    }
    if (slice.length > 1) {
      const mid = Math.ceil(slice.length / 2);
      const first = await settleSlice(slice.slice(0, mid), ops, false);
      if (first.kind !== 'done') return first;
      return settleSlice(slice.slice(mid), ops, false);
    }
    // One record that fails by itself: a dead letter. Recording the dead letter is retried until it holds.
    return settleSlice([ops.toDead(slice[0]!, failure, why)], ops, true);
  }
}
