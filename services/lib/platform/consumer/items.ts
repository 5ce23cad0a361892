// A batch's records as the runner settles them: decoded once, each a record for the handler, a record
// passed over before decoding (`accept`), or poison (a dead letter from the start).
import type { Span } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { EventCodec, TypedEvent } from '../registry/codec.js';
import { classifyError } from './classify.js';
import { deadLetterOf, type DeadLetter } from './dead-letter.js';

export type Item<E> =
  | { kind: 'record'; offset: bigint; message: KafkaMessage; event: E; span?: Span }
  | { kind: 'filtered'; offset: bigint; message: KafkaMessage }
  | { kind: 'dead'; offset: bigint; message: KafkaMessage; dead: DeadLetter };

/**
 * Decodes `messages` of one partition. Undecodable or schema-invalid records become dead letters; any other
 * failure (the registry unreachable) is thrown, for the caller to wait and decode the batch again.
 */
export async function decodeItems<E extends TypedEvent>(
  codec: EventCodec<E>,
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  accept?: (message: KafkaMessage, topic: string, partition: number) => boolean,
): Promise<Item<E>[]> {
  const items: Item<E>[] = [];
  for (const m of messages) {
    const offset = BigInt(m.offset);
    if (accept && !accept(m, topic, partition)) {
      items.push({ kind: 'filtered', offset, message: m });
      continue;
    }
    try {
      const { event } = await codec.decode(m.value);
      items.push({ kind: 'record', offset, message: m, event });
    } catch (err) {
      const why = classifyError(err);
      if (why.class !== 'poison') throw err;
      items.push({ kind: 'dead', offset, message: m, dead: deadLetterOf(topic, partition, offset, m, err, why) });
    }
  }
  return items;
}
