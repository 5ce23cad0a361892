// The newest records of the dead-letter topics, read boundedly: per partition from end − N to the end (read
// when the read starts), until every partition reached its end or a deadline passed, by a consumer of a group
// of its own (kafkajs has no group-less consumer) that commits nothing and is deleted after. Only the records'
// dlq-* headers, sizes and masked text previews leave this file (operations-preview.ts), never a value.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { scopedId } from '../../lib/platform/kafka/topics.js';
import type { PartitionOffsets } from './operations-kafka.js';
import {
  deadLetterHeaders,
  keyText,
  previewValue,
  type DeadLetterHeaders,
  type ValuePreview,
} from './operations-preview.js';

export const PEEK_DEADLINE_MS = 5000;
/** Bytes fetched per partition and per fetch: bounds the memory a read takes (a larger record still comes, alone). */
const MAX_BYTES_PER_PARTITION = 256 * 1024;

export type DeadLetterRecord = {
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
} & DeadLetterHeaders &
  ValuePreview;

export interface Peeked {
  /** The newest n, newest first. */
  records: DeadLetterRecord[];
  /** False when the deadline passed before every partition was read to its end. */
  complete: boolean;
  /** Per partition: where the read started, and the offsets of every record it read (at most 2n). */
  read: Map<number, { from: bigint; offsets: bigint[] }>;
}

function recordOf(partition: number, m: KafkaMessage): DeadLetterRecord {
  const ts = Number(m.timestamp);
  return {
    partition,
    offset: Number(m.offset),
    timestamp: new Date(Number.isFinite(ts) ? ts : 0).toISOString(),
    key: keyText(m.key),
    ...deadLetterHeaders(m.headers),
    ...previewValue(m.value),
  };
}

/**
 * The newest `n` records of each topic of `ends` (its partitions' offsets, read before), newest first. Each
 * partition is read from 2n offsets before its end: a dead letter written in a Kafka transaction (the decider's)
 * is followed by a commit marker, which takes an offset too. Topics without records are not read at all.
 */
export async function peekNewest(
  kafka: Kafka,
  admin: Admin,
  ends: Map<string, PartitionOffsets[]>,
  n: number,
  deadlineMs = PEEK_DEADLINE_MS,
): Promise<Map<string, Peeked>> {
  const out = new Map<string, Peeked>();
  /** Per topic and partition: from where, and the last offset to reach. */
  const wanted = new Map<string, Map<number, { from: bigint; last: bigint }>>();
  for (const [topic, partitions] of ends) {
    const peeked: Peeked = { records: [], complete: true, read: new Map() };
    out.set(topic, peeked);
    const parts = new Map<number, { from: bigint; last: bigint }>();
    for (const p of partitions) {
      const span = BigInt(2 * n);
      const from = p.high - span > p.low ? p.high - span : p.low;
      peeked.read.set(p.partition, { from, offsets: [] });
      if (p.high > p.low) parts.set(p.partition, { from, last: p.high - 1n });
    }
    if (parts.size > 0) wanted.set(topic, parts);
  }
  if (wanted.size === 0) return out;

  const groupId = scopedId(`verity-query-dlq-peek-${randomUUID()}`);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: MAX_BYTES_PER_PARTITION });
  const pending = new Set([...wanted].flatMap(([topic, parts]) => [...parts.keys()].map((p) => `${topic}[${p}]`)));
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const reached = (topic: string, partition: number, offset: bigint) => {
    const w = wanted.get(topic)?.get(partition);
    if (w && offset >= w.last) pending.delete(`${topic}[${partition}]`);
    if (pending.size === 0) finish();
  };
  const timer = setTimeout(finish, deadlineMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...wanted.keys()], fromBeginning: true });
    // Transaction markers and aborted records count as reached: the batch's last offset, not its last message.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      reached(payload.topic, payload.partition, BigInt(payload.lastOffset)),
    );
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const w = wanted.get(batch.topic)?.get(batch.partition);
        const peeked = out.get(batch.topic);
        if (!w || !peeked) return;
        const offsets = peeked.read.get(batch.partition)!.offsets;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < w.from || offset > w.last || offsets.includes(offset)) continue; // a rebalance reads again
          offsets.push(offset);
          peeked.records.push(recordOf(batch.partition, m));
        }
      },
    });
    // Applied when the partitions are assigned, before their first fetch.
    for (const [topic, parts] of wanted)
      for (const [partition, w] of parts) consumer.seek({ topic, partition, offset: w.from.toString() });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    // It committed nothing; the broker forgets an empty group by itself, this only makes it sooner.
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  for (const [topic, peeked] of out) {
    const parts = wanted.get(topic);
    peeked.complete = !parts || [...parts.keys()].every((p) => !pending.has(`${topic}[${p}]`));
    peeked.records = peeked.records
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.offset - a.offset)
      .slice(0, n);
  }
  return out;
}
