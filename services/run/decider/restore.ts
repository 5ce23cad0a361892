// Restores the decider state of newly assigned partitions from the compacted changelog
// ci.pipeline.state.v1 (same key and partition count as ci.intake.v1, so partition p holds the
// snapshots of intake partition p). Called after the partition's transactional producer is
// initialised, which fences a zombie and aborts its open transaction: the high watermark read
// afterwards is final. Reads read_committed until every partition reached it.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineSnapshot } from '../../lib/core/events/generated.js';
import { STATE_VERSION, type PipelineState } from '../../lib/core/pipeline/index.js';
import type { Logger } from '../../lib/platform/log.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { classifyError } from '../../lib/platform/consumer/classify.js';

export async function restorePartitions(
  kafka: Kafka,
  admin: Admin,
  codec: EventCodec<PipelineSnapshot>,
  partitions: number[],
  timeoutMs: number,
  log: Logger,
): Promise<{ states: Map<number, Map<string, PipelineState>>; skipped: number }> {
  const out = new Map<number, Map<string, PipelineState>>(partitions.map((p) => [p, new Map()]));
  let skipped = 0;
  const offsets = await admin.fetchTopicOffsets(TOPICS.pipelineState);
  const target = new Map<number, bigint>();
  for (const p of partitions) {
    const o = offsets.find((x) => x.partition === p);
    if (!o)
      throw new Error(
        `${TOPICS.pipelineState} has no partition ${p}: it must have as many partitions as ${TOPICS.intake}`,
      );
    if (BigInt(o.high) > BigInt(o.low)) target.set(p, BigInt(o.high) - 1n);
  }
  if (target.size === 0) return { states: out, skipped };

  const started = Date.now();
  const groupId = scopedId(`verity-decider-restore-${randomUUID()}`);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 << 20 });
  let done!: () => void;
  let failed!: (e: Error) => void;
  const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const goal = target.get(payload.partition);
    if (goal !== undefined && BigInt(payload.lastOffset) >= goal) {
      target.delete(payload.partition);
      if (target.size === 0) done();
    }
  });
  const timer = setTimeout(
    () =>
      failed(
        new Error(`state restore of partitions ${[...target.keys()].join(',')} did not finish in ${timeoutMs} ms`),
      ),
    timeoutMs,
  );
  let records = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.pipelineState, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const states = out.get(batch.partition);
        if (!states) return;
        for (const m of batch.messages) {
          const key = m.key?.toString();
          if (!key) continue;
          if (m.value === null) {
            states.delete(key); // tombstone
            continue;
          }
          let event: PipelineSnapshot;
          try {
            event = (await codec.decode(m.value)).event;
          } catch (err) {
            // A snapshot that can never be read must not stop the whole partition: that pipeline's state is
            // lost (its later reports are rejected as unknown_pipeline), loudly. A registry outage is retried.
            if (classifyError(err).class !== 'poison') throw err;
            skipped++;
            states.delete(key);
            log.error(
              { partition: batch.partition, offset: m.offset, pipeline: key, err: (err as Error).message },
              'undecodable state snapshot skipped: this pipeline is forgotten',
            );
            continue;
          }
          if (event.state_version !== STATE_VERSION)
            throw new Error(
              `snapshot of ${key} has state_version ${event.state_version}; this decider knows ${STATE_VERSION}`,
            );
          states.set(key, event.state as unknown as PipelineState);
          records++;
        }
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  log.info(
    {
      partitions,
      records,
      skipped,
      pipelines: [...out.values()].reduce((n, m) => n + m.size, 0),
      ms: Date.now() - started,
    },
    'state restored',
  );
  return { states: out, skipped };
}
