// A record that a consumer cannot decode or apply, as it goes to `<topic>.dlq`: the original key,
// value and headers, plus `dlq-*` headers saying where it came from and why (for `verity dlq redrive`).
import type { Message } from 'kafkajs';

export function deadLetter(topic: string, partition: number, m: Message & { offset?: string }, err: Error): Message {
  return {
    key: m.key ?? null,
    value: m.value ?? null,
    headers: {
      ...(m.headers ?? {}),
      'dlq-source-topic': topic,
      'dlq-source-partition': String(partition),
      'dlq-source-offset': String(m.offset ?? ''),
      'dlq-error-class': err.constructor.name,
      'dlq-error': err.message.slice(0, 1000),
      'dlq-recorded-at': new Date().toISOString(),
    },
  };
}
