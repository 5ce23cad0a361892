// `verity dlq redrive <topic>`: re-publishes the dead letters of `<topic>.dlq` to `<topic>` after a fix,
// each once (a consumer group remembers how far it got), with the original key, value and headers,
// minus the dlq-* headers, plus dlq-redriven-from (the DLQ offset). Not for the canonical topic: its
// writer is the decider alone. The projector records a poison event in projection_dead_letters and moves
// on, so its checkpoint is past it: after the fix, `verity rebuild` projects every event again from offset 0.
import type { IHeaders, Kafka } from 'kafkajs';
import { dlqOf, scopedId, TOPICS } from './topics.js';

export interface RedriveReport {
  topic: string;
  redriven: number;
}

export async function redrive(
  kafka: Kafka,
  topic: string,
  opts: { idleMs?: number; maxRecords?: number } = {},
): Promise<RedriveReport> {
  if (topic === TOPICS.pipelineEvents) {
    throw new Error(
      `${topic} is written by the decider alone; after fixing the projector, run \`verity rebuild\`: it projects every event again from offset 0 (the dead letters are in projection_dead_letters)`,
    );
  }
  const groupId = scopedId(`verity-dlq-redrive-${topic}`);
  const admin = kafka.admin();
  await admin.connect();
  const end = await admin.fetchTopicOffsets(dlqOf(topic));
  const committed = (await admin.fetchOffsets({ groupId, topics: [dlqOf(topic)] }))[0]?.partitions ?? [];
  await admin.disconnect();
  // Partitions with dead letters not redriven yet, and the last offset this redrive takes in each.
  const pending = new Map<number, bigint>();
  for (const o of end) {
    const from = BigInt(committed.find((c) => c.partition === o.partition)?.offset ?? '-1');
    const start = from < 0n ? BigInt(o.low) : from;
    if (BigInt(o.high) > start) pending.set(o.partition, BigInt(o.high) - 1n);
  }
  if (pending.size === 0) return { topic, redriven: 0 };

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let redriven = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(done, opts.idleMs ?? 5000); // nothing left (or only what was redriven before)
  };
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlqOf(topic), fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, armIdle);
    await consumer.run({
      eachBatchAutoResolve: false, // records past the snapshot stay unconsumed for the next redrive
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        // Only what was dead when the redrive started: a record that fails again and comes back to
        // the DLQ waits for the next redrive instead of looping.
        const last = pending.get(batch.partition);
        if (last === undefined) return;
        const within = batch.messages.filter((m) => BigInt(m.offset) <= last);
        if (within.length > 0) armIdle();
        const messages = within.map((m) => {
          const headers: IHeaders = {};
          for (const [k, v] of Object.entries(m.headers ?? {}))
            if (!k.startsWith('dlq-') && v !== undefined) headers[k] = v;
          headers['dlq-redriven-from'] = `${dlqOf(topic)}/${batch.partition}/${m.offset}`;
          return { key: m.key, value: m.value, headers };
        });
        if (messages.length > 0) await producer.send({ topic, acks: -1, messages });
        redriven += messages.length;
        if (within.length > 0) resolveOffset(within.at(-1)!.offset);
        await commitOffsetsIfNecessary();
        if (BigInt(batch.lastOffset()) >= last) pending.delete(batch.partition);
        if (pending.size === 0 || (opts.maxRecords !== undefined && redriven >= opts.maxRecords)) done();
      },
    });
    await finished;
  } finally {
    clearTimeout(idle);
    await consumer.disconnect();
    await producer.disconnect();
  }
  return { topic, redriven };
}
