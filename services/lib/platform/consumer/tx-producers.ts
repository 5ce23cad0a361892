// The decider's transactional producers, one per input partition (transactional id from `idOf`): the first
// use of a partition's producer initialises it with its transactional id, which fences a previous owner of
// that id and completes its open transaction (a commit already asked for is committed, anything else
// aborted) before it returns. Concurrent callers share one producer — two with one id would fence each
// other. A producer whose transaction failed in an unknown state is dropped and made anew.
import type { Kafka, Producer } from 'kafkajs';

export class TransactionalProducers {
  private readonly producers = new Map<number, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly idOf: (partition: number) => string,
  ) {}

  /** The partition's producer, connected and initialised with its transactional id (the previous owner fenced). */
  of(partition: number): Promise<Producer> {
    let p = this.producers.get(partition);
    if (!p) {
      const producer = this.kafka.producer({
        transactionalId: this.idOf(partition),
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
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
