// Restores the state of newly assigned input partitions from a compacted changelog with the same key and
// partition count as the input topic (partition p of the changelog holds the state of input partition p):
// the decider's ci.pipeline.state.v1, the coordinator's ci.coordination.state.v1. Called after the partition's
// transactional producer is initialised, which fences a zombie and aborts its open transaction: the high
// watermark read afterwards is final. Reads read_committed until every partition reached it; the latest
// value per key wins and a tombstone removes the key.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../log.js';
import { scopedId } from '../kafka/topics.js';
import { classifyError } from './classify.js';

export interface ChangelogRestore<E, S> {
  /** The compacted changelog. */
  changelog: string;
  /** The input topic it mirrors (for the error naming a missing partition). */
  input: string;
  /** Prefix of the throwaway consumer group (a UUID is added). */
  groupPrefix: string;
  /** What one key is, in the logs: `pipeline` → "this pipeline is forgotten", `pipelines: n`. */
  keyName: string;
  /** Decodes a value; an error the consumer classifies as poison skips the record and forgets its key, loudly. */
  decode(value: Buffer): Promise<E>;
  /** The state held for a decoded record; an error here stops the restore (e.g. a state version it cannot read). */
  toState(event: E, key: string): S;
}

export async function restoreChangelog<E, S>(
  kafka: Kafka,
  admin: Admin,
  spec: ChangelogRestore<E, S>,
  partitions: number[],
  timeoutMs: number,
  log: Logger,
): Promise<{ states: Map<number, Map<string, S>>; skipped: number }> {
  const out = new Map<number, Map<string, S>>(partitions.map((p) => [p, new Map()]));
  let skipped = 0;
  const offsets = await admin.fetchTopicOffsets(spec.changelog);
  const target = new Map<number, bigint>();
  for (const p of partitions) {
    const o = offsets.find((x) => x.partition === p);
    if (!o)
      throw new Error(`${spec.changelog} has no partition ${p}: it must have as many partitions as ${spec.input}`);
    if (BigInt(o.high) > BigInt(o.low)) target.set(p, BigInt(o.high) - 1n);
  }
  if (target.size === 0) return { states: out, skipped };

  const started = Date.now();
  const groupId = scopedId(`${spec.groupPrefix}-${randomUUID()}`);
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
    await consumer.subscribe({ topic: spec.changelog, fromBeginning: true });
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
          let event: E;
          try {
            event = await spec.decode(m.value);
          } catch (err) {
            // A snapshot that can never be read must not stop the whole partition: that key's state is
            // lost, loudly. A registry outage is retried.
            if (classifyError(err).class !== 'poison') throw err;
            skipped++;
            states.delete(key);
            log.error(
              { partition: batch.partition, offset: m.offset, [spec.keyName]: key, err: (err as Error).message },
              `undecodable state snapshot skipped: this ${spec.keyName} is forgotten`,
            );
            continue;
          }
          states.set(key, spec.toState(event, key));
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
      [`${spec.keyName}s`]: [...out.values()].reduce((n, m) => n + m.size, 0),
      ms: Date.now() - started,
    },
    'state restored',
  );
  return { states: out, skipped };
}
