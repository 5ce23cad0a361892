// The two Kafka clients compared by compare.ts, behind one interface: each driver produces the same
// pre-encoded records (Buffers, so neither client serialises anything), consumes with its own consumer in a
// fresh group, and runs back-to-back transactions with the same pacing. Settings, per client:
// - kafkajs: what Verity uses (services/lib/platform/kafka/client.ts, consumer/tx-producers.ts): client
//   retry 8 × from 200 ms up to 5 s; idempotent producers with maxInFlightRequests 1 and acks -1; the
//   transactional producer with retry { retries: MAX_SAFE_INTEGER, initialRetryTime: 10 }; eachBatch
//   consumer with maxBytesPerPartition 1 MiB (load-tests/lib.ts rawConsume).
// - @platformatic/kafka 1.35.0: `idempotent: true` (which forces acks -1, one request in flight per
//   connection and unbounded retries); retryDelay doubling from 200 ms up to 5 s (from 10 ms for the
//   transactional producer: kafkajs' backoff without its jitter); transactions with beginTransaction() /
//   transaction.send() / commit() on a producer with a transactionalId; a consumer stream (mode earliest,
//   maxBytesPerPartition 1 MiB, read committed like kafkajs' default) counted on 'data' events.
import { Kafka, logLevel, type Producer as KjsProducer } from 'kafkajs';
import {
  Consumer as PltConsumer,
  Producer as PltProducer,
  type RetryDelayGetter,
  MessagesStreamModes,
} from '@platformatic/kafka';
import { transactionConflict } from '../../services/lib/platform/kafka/client.js';
import { rawConsume } from '../lib.js';

export interface Rec {
  key: Buffer;
  value: Buffer;
}

/** Transactions run: wall time, how many, and the CONCURRENT_TRANSACTIONS refusals the client retried. */
export interface TxnRun {
  ms: number;
  transactions: number;
  retries: number;
}

/** Retries a @platformatic/kafka client asked its retryDelay for: all, CONCURRENT_TRANSACTIONS, by operation. */
export interface RetryCount {
  retries: number;
  conflicts: number;
  ops: Record<string, number>;
}

export interface SinglesProducer {
  send(topic: string, rec: Rec): Promise<unknown>;
  close(): Promise<void>;
}

export interface Driver {
  readonly name: 'kafkajs' | '@platformatic/kafka';
  /** Connects what needs connecting first (kafkajs; @platformatic/kafka connects on first use). */
  connect(): Promise<unknown>;
  /** ms to send `recs` in batches of `batch`, one send awaited after the other. */
  produceBatches(topic: string, recs: Rec[], batch: number): Promise<number>;
  /**
   * A new producer (acks -1; idempotent or not) for one message per call from concurrent callers: a fresh
   * one per round, since a @platformatic/kafka 1.35.0 idempotent producer called concurrently desynchronises
   * its sequence numbers and fails every later send (OUT_OF_ORDER_SEQUENCE_NUMBER).
   */
  singlesProducer(idempotent: boolean): Promise<SinglesProducer>;
  /** ms from the first record received to the `expected`-th, in a fresh group `groupId`. */
  consume(topic: string, groupId: string, expected: number): Promise<number>;
  /** Transactions of `perTxn` records back to back, the next begun ≥ `gapMs` after the last ended. */
  transactions(topic: string, recs: Rec[], perTxn: number, gapMs: number): Promise<TxnRun>;
  close(): Promise<void>;
}

/** Connections and metadata of a client: one batch, two transactions, one consume. */
export async function warmUp(
  d: Driver,
  produceTopic: string,
  txnTopic: string,
  consumeTopic: string,
  consumeN: number,
  recs: Rec[],
): Promise<void> {
  await d.connect();
  await d.produceBatches(produceTopic, recs.slice(0, 500), 500);
  await d.transactions(txnTopic, recs.slice(0, 2), 1, 5);
  const group = `${consumeTopic}-warm-${d.name === 'kafkajs' ? 'kafkajs' : 'platformatic'}`;
  await d.consume(consumeTopic, group, consumeN);
}

/** close(true) typed by its promise overload (the callback overload, first, is typed void). */
const forceClose = (c: { close(force?: boolean): Promise<void> }) => c.close(true);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs transactions of `perTxn` records; `one` sends and commits one. Paced like tx-producers.ts. */
async function paced(recs: Rec[], perTxn: number, gapMs: number, one: (slice: Rec[]) => Promise<void>) {
  let ended = -Infinity;
  let transactions = 0;
  const t0 = performance.now();
  for (let i = 0; i < recs.length; i += perTxn) {
    const wait = ended + gapMs - performance.now();
    if (wait > 0) await sleep(wait);
    await one(recs.slice(i, i + perTxn));
    ended = performance.now();
    transactions++;
  }
  return { ms: performance.now() - t0, transactions };
}

export class KafkajsDriver implements Driver {
  readonly name = 'kafkajs' as const;
  private conflicts = 0;
  private readonly kafka: Kafka;
  private readonly producer: KjsProducer;
  private readonly txn: KjsProducer;
  private connected?: Promise<unknown>;

  constructor(brokers: string[], transactionalId: string) {
    this.kafka = new Kafka({
      clientId: 'bench-clients-kafkajs',
      brokers,
      connectionTimeout: 3000,
      requestTimeout: 30000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => {
        // Counted as load-tests/write-side/transactions.ts does: the broker's refusal, once per retry.
        const conflict = transactionConflict(entry.log.message, entry.log.error);
        if (conflict === 'refusal') this.conflicts++;
        else if (!conflict) console.error(`kafkajs: ${entry.log.message}`);
      },
    });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.txn = this.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10 },
    });
  }

  connect() {
    this.connected ??= Promise.all([this.producer.connect(), this.txn.connect()]);
    return this.connected;
  }

  async produceBatches(topic: string, recs: Rec[], batch: number) {
    const t0 = performance.now();
    for (let i = 0; i < recs.length; i += batch) {
      await this.producer.send({ topic, acks: -1, messages: recs.slice(i, i + batch) });
    }
    return performance.now() - t0;
  }

  async singlesProducer(idempotent: boolean): Promise<SinglesProducer> {
    const producer = this.kafka.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {});
    await producer.connect();
    return {
      send: (topic, rec) => producer.send({ topic, acks: -1, messages: [rec] }),
      close: () => producer.disconnect(),
    };
  }

  consume(topic: string, groupId: string, expected: number) {
    return rawConsume(this.kafka, topic, expected, undefined, groupId);
  }

  async transactions(topic: string, recs: Rec[], perTxn: number, gapMs: number) {
    this.conflicts = 0;
    const run = await paced(recs, perTxn, gapMs, async (messages) => {
      const t = await this.txn.transaction();
      await t.send({ topic, acks: -1, messages });
      await t.commit();
    });
    return { ...run, retries: this.conflicts };
  }

  async close() {
    await Promise.all([this.producer.disconnect(), this.txn.disconnect()]);
  }
}

/** kafkajs' backoff (initial, doubling, capped) without its jitter; counts the retries it is asked for. */
function backoff(initial: number, counter: RetryCount): RetryDelayGetter {
  return (_client, operationId, attempt, _retries, error) => {
    counter.retries++;
    const found = (error as { findBy?: (k: string, v: unknown) => unknown }).findBy?.(
      'apiId',
      'CONCURRENT_TRANSACTIONS',
    );
    if (found) counter.conflicts++;
    counter.ops[operationId] = (counter.ops[operationId] ?? 0) + 1;
    return Math.min(initial * 2 ** (attempt - 1), 5000);
  };
}

export class PlatformaticDriver implements Driver {
  readonly name = '@platformatic/kafka' as const;
  /** Retries of the transactional producer, by operation (AddPartitionsToTxn, EndTxn, …). */
  readonly txnRetries: RetryCount = { retries: 0, conflicts: 0, ops: {} };
  readonly retries: RetryCount = { retries: 0, conflicts: 0, ops: {} };
  private readonly producer: PltProducer;
  private readonly txn: PltProducer;

  constructor(
    private readonly brokers: string[],
    transactionalId: string,
  ) {
    const base = { bootstrapBrokers: brokers, connectTimeout: 3000, timeout: 30000 };
    this.producer = new PltProducer({
      ...base,
      clientId: 'bench-clients-platformatic',
      idempotent: true,
      acks: -1,
      retryDelay: backoff(200, this.retries),
    });
    this.txn = new PltProducer({
      ...base,
      clientId: 'bench-clients-platformatic-txn',
      idempotent: true,
      acks: -1,
      transactionalId,
      retries: Number.MAX_SAFE_INTEGER,
      retryDelay: backoff(10, this.txnRetries),
    });
  }

  connect() {
    return Promise.resolve();
  }

  async produceBatches(topic: string, recs: Rec[], batch: number) {
    const t0 = performance.now();
    for (let i = 0; i < recs.length; i += batch) {
      await this.producer.send({
        messages: recs.slice(i, i + batch).map((r) => ({ topic, key: r.key, value: r.value })),
      });
    }
    return performance.now() - t0;
  }

  singlesProducer(idempotent: boolean): Promise<SinglesProducer> {
    const producer = new PltProducer({
      bootstrapBrokers: this.brokers,
      connectTimeout: 3000,
      timeout: 30000,
      clientId: 'bench-clients-platformatic-singles',
      idempotent,
      acks: -1,
      retryDelay: backoff(200, this.retries),
    });
    return Promise.resolve({
      send: (topic, r) => producer.send({ messages: [{ topic, key: r.key, value: r.value }] }),
      close: () => forceClose(producer),
    });
  }

  async consume(topic: string, groupId: string, expected: number) {
    const consumer = new PltConsumer({
      clientId: 'bench-clients-platformatic-consumer',
      bootstrapBrokers: this.brokers,
      groupId,
      connectTimeout: 3000,
    });
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        maxBytesPerPartition: 1 << 20,
      });
      let n = 0;
      let t0 = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('data', () => {
          if (t0 === 0) t0 = performance.now();
          if (++n === expected) resolve();
        });
      });
      const ms = performance.now() - t0;
      await stream.close();
      return ms;
    } finally {
      await forceClose(consumer);
    }
  }

  async transactions(topic: string, recs: Rec[], perTxn: number, gapMs: number) {
    const before = this.txnRetries.conflicts;
    const run = await paced(recs, perTxn, gapMs, async (slice) => {
      const t = await this.txn.beginTransaction();
      await t.send({ messages: slice.map((r) => ({ topic, key: r.key, value: r.value })) });
      await t.commit();
    });
    return { ...run, retries: this.txnRetries.conflicts - before };
  }

  async close() {
    await Promise.all([forceClose(this.producer), forceClose(this.txn)]);
  }
}
