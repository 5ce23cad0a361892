// A record that a consumer can never process, as it goes to `<topic>.dlq`: the original key, value and
// headers, plus `dlq-*` headers saying where it came from, which consumer gave up on it and why (for
// people, and for `verity dlq redrive`). The offset and group make a dead letter identifiable: a consumer
// that dead-letters at least once (not in a Kafka transaction) may write the same one twice.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { Classified } from './classify.js';

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: bigint;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>;
  /** The classification that made it poison (reason: "EventDecodeError", "pg 22003", …). */
  why: Classified;
  /** The error's class name and message. */
  errorClass: string;
  error: string;
}

export function deadLetterOf(
  topic: string,
  partition: number,
  offset: bigint,
  message: DeadLetter['message'],
  err: unknown,
  why: Classified,
): DeadLetter {
  const e = err instanceof Error ? err : new Error(String(err));
  return { topic, partition, offset, message, why, errorClass: e.constructor.name, error: e.message.slice(0, 1000) };
}

/** The record written to the dead-letter topic. */
export function deadLetterMessage(d: DeadLetter, group: string): Message {
  const headers: IHeaders = { ...(d.message.headers ?? {}) };
  Object.assign(headers, {
    'dlq-source-topic': d.topic,
    'dlq-source-partition': String(d.partition),
    'dlq-source-offset': d.offset.toString(),
    'dlq-consumer-group': group,
    'dlq-error-class': d.errorClass,
    'dlq-reason': d.why.reason,
    'dlq-error': d.error,
    'dlq-recorded-at': new Date().toISOString(),
  });
  return { key: d.message.key ?? null, value: d.message.value ?? null, headers };
}
