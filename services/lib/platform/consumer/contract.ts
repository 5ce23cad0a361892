// The contract between the consumer runner and a service: the options and mode it runs with, what a
// slice of records is, what the handler answers, and the hooks the runner calls around assignments
// (partitions.ts says when; runner.ts on a crash).
import type { Span } from '@opentelemetry/api';
import type { KafkaMessage, Message } from 'kafkajs';
import type { EventCodec, TypedEvent } from '../registry/codec.js';
import type { SpanGroup } from '../telemetry/kafka-context.js';
import type { DeadLetter } from './dead-letter.js';
import type { TopicPartition } from './lag-monitor.js';

export interface ConsumedRecord<E> {
  topic: string;
  partition: number;
  offset: bigint;
  message: KafkaMessage;
  event: E;
  /** 'record' spans: the CONSUMER span of this record (child of the context it carries). */
  span?: Span;
}

export interface Slice<E> {
  topic: string;
  partition: number;
  /** The decoded records the handler takes, in offset order (filtered and dead ones left out). */
  records: ConsumedRecord<E>[];
  /** Records of this slice that are poison: the handler records their skip (external mode). */
  deadLetters: DeadLetter[];
  /** External mode: the stored position before this slice (null: none stored yet). */
  from: bigint | null;
  /** The position after the slice: the offset after its last record. */
  next: bigint;
  /** 'batch' spans: the slice's span (active while `process` runs). */
  span?: Span;
  /** Spans the handler starts for the slice (e.g. its send span): ended with the batch. */
  spans: SpanGroup;
}

export interface Output {
  /** Records to produce with the slice (transactional: in its transaction; commit: before its offsets). */
  messages?: { topic: string; messages: Message[] }[];
  /** Called once the slice's progress is durable (adopt state computed from it). */
  onCommitted?: () => void;
  /** Transactional: called after the records were sent inside the transaction, before it commits (fault injection). */
  beforeCommit?: () => void;
}

export interface ConsumerHandler<E> {
  process(slice: Slice<E>): Promise<Output | void>;
  /** External mode: the stored position of a partition, or null (none: start at the low watermark). */
  position?(topic: string, partition: number): Promise<bigint | null>;
  /**
   * Makes the handler ready to process these partitions from their committed position (the decider
   * restores its state): after an assignment, once their transactional producers fenced the previous
   * owner, and again after a failed transaction. Awaited before their records are processed.
   */
  prepare?(partitions: TopicPartition[]): Promise<void>;
  /** Partitions this instance no longer owns. */
  released?(partitions: TopicPartition[]): void;
}

export type CommitMode = 'transactional' | 'external' | 'commit' | 'none';

export interface ConsumerRunnerOptions<E extends TypedEvent> {
  /** Metrics and log label (decider, projector, …). */
  service: string;
  groupId: string;
  topics: string[];
  codecs: ReadonlyMap<string, EventCodec<E>>;
  mode: CommitMode;
  fromBeginning: boolean;
  /** A bounded read (replay): the offset where a partition ends (exclusive); it is paused once there. */
  endAt?: (topic: string, partition: number) => bigint | undefined;
  /** Records to skip before decoding (e.g. by their event-type header); they still count as handled. */
  accept?: (message: KafkaMessage, topic: string, partition: number) => boolean;
  /** Transactional mode: the transactional id of an input partition's producer. */
  transactionalId?: (partition: number) => string;
  /** transactional: least time between a partition's transactions (tx-producers.ts, "Pacing"). Default 5 (DEFAULT_TXN_GAP_MS). */
  transactionGapMs?: number;
  /** 'record': a CONSUMER span per record; 'batch': one span per slice, linked to each record's context. */
  spans?: 'record' | 'batch' | 'none';
  concurrency?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  maxWaitTimeInMs?: number;
  /**
   * Behind and not moving for this long → stalled (/readyz 503); services pass STALL_SECONDS (config.stallMs). Default
   * 60 s.
   */
  stallMs?: number;
  /** How often the high watermarks are read. */
  lagIntervalMs?: number;
  /** Capped exponential backoff of retries. */
  retry?: { baseMs: number; maxMs: number };
  /**
   * Write dead letters to `<topic>.dlq` (default; never in 'none' mode). Off: poison is only handed to the handler,
   * counted and logged.
   */
  deadLetters?: boolean;
  /** External mode: commit Kafka offsets too, after the sink (for outside tools only; the sink is the truth). */
  commitForMonitoring?: boolean;
}
