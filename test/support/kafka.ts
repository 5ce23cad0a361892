// Helpers for integration tests against the real broker: scratch topics and bounded consumption.
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';

export async function createScratchTopic(admin: Admin, prefix: string, partitions = 1): Promise<string> {
  const topic = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
  });
  return topic;
}

/**
 * Consumes `topic` from the beginning with a fresh group until `done(messages)` is true or the
 * deadline passes (then it throws with what it saw). Returns the messages in arrival order.
 */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  done: (messages: EachMessagePayload['message'][]) => boolean,
  opts: {
    timeoutMs?: number;
    readUncommitted?: boolean;
    onMessage?: (m: EachMessagePayload['message']) => Promise<void> | void;
  } = {},
): Promise<EachMessagePayload['message'][]> {
  const consumer: Consumer = kafka.consumer({
    groupId: `test-${randomUUID()}`,
    readUncommitted: opts.readUncommitted ?? false,
    maxWaitTimeInMs: 200,
  });
  const seen: EachMessagePayload['message'][] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const finished = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
        await opts.onMessage?.(message);
        if (done(seen)) resolveDone();
      },
    });
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`consumeUntil(${topic}): condition not met in ${timeoutMs} ms; saw ${seen.length} message(s)`),
          ),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Every record of `topic` up to its end offsets as they are when called (transaction markers and aborted
 * records count as reached, never returned): for "exactly once" assertions, which must see duplicates too.
 */
export async function readToEnd(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  timeoutMs = 60_000,
  opts: { readUncommitted?: boolean } = {},
): Promise<EachMessagePayload['message'][]> {
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter((o) => BigInt(o.high) > BigInt(o.low))
      .map((o) => [o.partition, BigInt(o.high) - 1n]),
  );
  const seen: EachMessagePayload['message'][] = [];
  if (ends.size === 0) return seen;
  const consumer: Consumer = kafka.consumer({
    groupId: `test-${randomUUID()}`,
    maxWaitTimeInMs: 200,
    readUncommitted: opts.readUncommitted ?? false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const finished = new Promise<void>((r) => (resolveDone = r));
    const reached = (partition: number, offset: bigint) => {
      const end = ends.get(partition);
      if (end !== undefined && offset >= end) ends.delete(partition);
      if (ends.size === 0) resolveDone();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      reached(payload.partition, BigInt(payload.lastOffset)),
    );
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (BigInt(m.offset) <= (ends.get(batch.partition) ?? -1n)) seen.push(m);
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`readToEnd(${topic}): not at the end in ${timeoutMs} ms; saw ${seen.length} message(s)`)),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return seen.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The Confluent wire format around any JSON, bypassing the codec's validation (as a legacy or foreign writer would).
 */
export function wireFormat(schemaId: number, value: unknown): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, Buffer.from(JSON.stringify(value))]);
}
