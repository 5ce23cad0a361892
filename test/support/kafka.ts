// Helpers for integration tests against the real broker: scratch topics and bounded consumption.
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';

export async function createScratchTopic(admin: Admin, prefix: string, partitions = 1): Promise<string> {
  const topic = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
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
  opts: { timeoutMs?: number; readUncommitted?: boolean; onMessage?: (m: EachMessagePayload['message']) => Promise<void> | void } = {},
): Promise<EachMessagePayload['message'][]> {
  const consumer: Consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, readUncommitted: opts.readUncommitted ?? false, maxWaitTimeInMs: 200 });
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
      timer = setTimeout(() => reject(new Error(`consumeUntil(${topic}): condition not met in ${timeoutMs} ms; saw ${seen.length} message(s)`)), timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
