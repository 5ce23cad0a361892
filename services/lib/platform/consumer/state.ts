// What one consumer runner knows while it runs, as one object its parts share: ConsumerRunner (runner.ts)
// creates it and owns the lifecycle; partitions.ts, batch.ts and apply-slice.ts are plain functions over it.
// Fields are read at the time of use (the consumer is replaced after a crash, the assignment at every join).
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { Logger } from '../log.js';
import type { TypedEvent } from '../registry/codec.js';
import type { ConsumerHandler, ConsumerRunnerOptions } from './contract.js';
import type { TopicPartition } from './lag-monitor.js';
import type { PartitionBackoff } from './partition-backoff.js';
import type { TransactionalProducers } from './tx-producers.js';

export interface RunnerState<E extends TypedEvent> {
  readonly opts: ConsumerRunnerOptions<E>;
  readonly handler: ConsumerHandler<E>;
  readonly log: Logger;
  readonly admin: Admin;
  /** The current consumer (a new one after a crash). */
  consumer: Consumer | undefined;
  /** Every mode but transactional: the idempotent producer of output records and dead letters. */
  producer: Producer | undefined;
  /** Transactional mode: one producer per input partition. */
  readonly txProducers: TransactionalProducers | undefined;
  readonly backoff: PartitionBackoff;
  stopping: boolean;
  joined: boolean;
  crashed: string | undefined;
  /** The partitions this instance owns, by keyOf(topic, partition). */
  assigned: Map<string, TopicPartition>;
  /** In-memory position per partition (offset after the last record handled). */
  readonly positions: Map<string, bigint>;
  /** External mode: the position stored by the handler, as last read or written. */
  readonly stored: Map<string, bigint | null>;
  /** External mode: the seek to the stored positions in flight (batches wait for it). */
  positioning: Promise<void>;
  /** External mode: partitions sought to their stored position since the last assignment. */
  readonly positioned: Set<string>;
  /** Transactional/prepare: partitions whose handler state must be prepared before processing. */
  readonly unprepared: Set<string>;
  /** The preparation in flight, shared by concurrent batches. */
  preparing: Promise<void> | undefined;
  /** Partitions stopped by the handler (StallError), with why. */
  readonly stopped: Map<string, string>;
}
