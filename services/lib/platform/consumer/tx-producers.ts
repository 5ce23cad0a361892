// The decider's transactional producers, one per input partition (transactional id from `idOf`): the first
// use of a partition's producer initialises it with its transactional id, which fences a previous owner of
// that id and completes its open transaction (a commit already asked for is committed, anything else
// aborted) before it returns. Concurrent callers share one producer — two with one id would fence each
// other. A producer whose transaction failed in an unknown state is dropped and made anew.
//
// Pacing (issue 17): the coordinator answers EndTxn before it has written the transaction's markers; a
// transaction begun in that window is refused with CONCURRENT_TRANSACTIONS and kafkajs retries it after
// its backoff (the client's 200 ms, plus a metadata refresh) — measured, 82% of back-to-back transactions
// paid it (load-tests/write-side/transactions.ts). So a partition's next transaction starts its first request
// no sooner than `gapMs` after the last one ended (work done in between counts), and its producer retries
// after 10 ms, not 200 ms, when the gap was not enough (KAFKA-5477 did the same for the Java client).
import type { Kafka, Producer } from 'kafkajs';

/** First retry of a refused transactional request; doubles up to the client's maxRetryTime. */
const TXN_RETRY_INITIAL_MS = 10;
/** The gap that took retries to 0 in back-to-back transactions on the development broker (issue 17). */
export const DEFAULT_TXN_GAP_MS = 5;

export class TransactionalProducers {
  private readonly producers = new Map<number, Promise<Producer>>();
  private readonly ended = new Map<number, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly idOf: (partition: number) => string,
    private readonly gapMs = DEFAULT_TXN_GAP_MS,
  ) {}

  /** How long the partition's next transaction must wait at `now` for `gapMs` to have passed since the last one ended. */
  delayAt(partition: number, now: number): number {
    return Math.max(0, (this.ended.get(partition) ?? -Infinity) + this.gapMs - now);
  }

  /** Waits until `gapMs` has passed since the partition's last transaction ended (at once if it has). */
  async pace(partition: number): Promise<void> {
    const wait = this.delayAt(partition, performance.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** The partition's transaction ended (committed or aborted) at `at`: the coordinator writes its markers now. */
  endedTransaction(partition: number, at = performance.now()): void {
    this.ended.set(partition, at);
  }

  /** The partition's producer, connected and initialised with its transactional id (the previous owner fenced). */
  of(partition: number): Promise<Producer> {
    let p = this.producers.get(partition);
    if (!p) {
      const producer = this.kafka.producer({
        transactionalId: this.idOf(partition),
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
        // kafkajs' own default for an idempotent producer is to retry forever; only the first wait is ours.
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: TXN_RETRY_INITIAL_MS },
      });
      p = producer
        .connect()
        .then(() => fence(producer))
        .catch(async (err: unknown) => {
          await producer.disconnect().catch(() => undefined);
          throw err;
        });
      p.catch(() => this.producers.delete(partition));
      this.producers.set(partition, p);
    }
    return p;
  }

  /** Forgets the partition's producer (disconnected in the background). */
  drop(partition: number): void {
    const p = this.producers.get(partition);
    this.producers.delete(partition);
    this.ended.delete(partition);
    void p?.then((x) => x.disconnect()).catch(() => undefined);
  }

  dropAll(): void {
    for (const partition of [...this.producers.keys()]) this.drop(partition);
  }

  /** Disconnects every producer and waits for it. */
  async close(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
  }
}

/**
 * kafkajs' connect() initialises only an idempotent producer id, without the transactional id: nothing is
 * fenced until the first transaction. Beginning one sends InitProducerId with the transactional id (retried
 * while the coordinator completes the previous owner's transaction); ending it empty sends nothing. Only
 * after this are the committed offsets and the changelog final: read before it, a commit still pending
 * at a broker crash was invisible, the state restored without it and its reports decided again.
 */
async function fence(producer: Producer): Promise<Producer> {
  const txn = await producer.transaction();
  await txn.abort();
  return producer;
}
