// The waits of the consumer runner between tries: capped exponential backoff with jitter that grows with
// a partition's consecutive failures (across batches) and resets when it succeeds; the consumer keeps its
// group membership meanwhile (heartbeats); stop() ends every wait at once.
import { retryDelayMs, type BackoffPolicy } from '../backoff.js';
import type { Logger } from '../log.js';
import type { Classified } from './classify.js';

/** What a wait needs of the batch being handled (kafkajs' eachBatch payload). */
export interface Heartbeating {
  isRunning(): boolean;
  heartbeat(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class PartitionBackoff {
  /** Consecutive failed attempts per partition. */
  private readonly failures = new Map<string, number>();
  private readonly abort = new AbortController();

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly log: Logger,
  ) {}

  /** Waits before try `attempt` of the partition `key`, heartbeating; false when the consumer stops meanwhile. */
  async wait(key: string, attempt: number, why: Classified, batch: Heartbeating): Promise<boolean> {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const ms = Math.max(50, retryDelayMs(Math.max(attempt, failures) - 1, this.policy, null) ?? this.policy.maxMs);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.abort.signal.aborted || !batch.isRunning()) return false;
      if (!(await sleep(Math.min(3000, until - Date.now()), this.abort.signal))) return false;
      await batch.heartbeat().catch(() => undefined);
    }
    this.log.debug({ key, attempt, class: why.class, ms }, 'retrying');
    return !this.abort.signal.aborted && batch.isRunning();
  }

  /** Waits as long as the partition's failures so far ask for (a batch left to be fetched again). */
  async again(key: string, why: Classified, batch: Heartbeating): Promise<void> {
    await this.wait(key, this.failures.get(key) ?? 1, why, batch);
  }

  /** The partition got through (or is no longer owned): its backoff starts over. */
  reset(key: string): void {
    this.failures.delete(key);
  }

  stop(): void {
    this.abort.abort();
  }
}
