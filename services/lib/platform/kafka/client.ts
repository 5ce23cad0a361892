// One place that builds kafkajs clients: brokers and client id from config, kafkajs logs routed to pino.
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { PlatformConfig } from '../config/index.js';
import { createLogger } from '../log.js';
import { metrics } from '../telemetry/metrics.js';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

const CONFLICT = 'another concurrent operation on the same transaction';

/**
 * A kafkajs log line about a CONCURRENT_TRANSACTIONS refusal: the connection's `Response AddPartitionsToTxn…`
 * with the broker's error (one per refusal, whichever request it answered), or the producer's `Failed to
 * send messages: …` before it retries. Expected now and then (tx-producers.ts, "Pacing"): logged at debug,
 * and each refusal counted once (the connection's line) in verity_kafka_transaction_conflicts_total.
 */
export function transactionConflict(message: unknown, error: unknown): 'refusal' | 'retry' | null {
  if (typeof error === 'string' && error.includes(CONFLICT) && String(message).startsWith('Response '))
    return 'refusal';
  if (typeof message === 'string' && message.includes(CONFLICT)) return 'retry';
  return null;
}

// kafkajs warns on every producer that its default partitioner changed in 2.0; we use the default (murmur2).
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface KafkaClientOptions {
  /** Connection retries before an operation fails (default 8, backing off up to 5 s). */
  retries?: number;
  /** kafkajs log level (default WARN); probes use NOTHING, as a refused connection is their answer. */
  logLevel?: KafkaLogLevel;
}

export function createKafka(
  config: Pick<PlatformConfig, 'kafkaBrokers' | 'kafkaClientId'>,
  clientId?: string,
  opts: KafkaClientOptions = {},
): Kafka {
  const log = createLogger('kafkajs');
  return new Kafka({
    clientId: clientId ?? config.kafkaClientId,
    brokers: config.kafkaBrokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { retries: opts.retries ?? 8, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: opts.logLevel ?? KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const conflict = transactionConflict(message, entry.error);
        if (conflict === 'refusal')
          metrics.transactionConflicts.inc({ client: entry.clientId ?? clientId ?? config.kafkaClientId });
        if (conflict) {
          log.debug({ namespace, ...rest }, message);
          return;
        }
        log[levels[level] ?? 'info']({ namespace, ...rest }, message);
      },
  });
}
