// How the fetcher's progress becomes durable: one Kafka transaction per write, of a partition's ready
// AttachJobLog records (ci.intake.v1, keyed by pipeline) and the group's offset of that partition of
// ci.pipeline.events.v1 — both or neither. Each partition has its transactional producer (the consumer
// platform's TransactionalProducers, id `<group>-<partition>`): taking a partition over first fences the
// previous owner, completing its open transaction, so the committed offset read after that is final.
import type { Kafka } from 'kafkajs';
import type { AttachJobLog, IntakeEvent } from '../../lib/core/events/generated.js';
import { chunked } from '../../lib/platform/consumer/chunked.js';
import { TransactionalProducers } from '../../lib/platform/consumer/tx-producers.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents } from '../../lib/platform/telemetry/metrics.js';

/** The producer name of the fetcher's records (record field and `producer` header). */
export const FETCHER_PRODUCER = 'fetcher';

export class Committer {
  private readonly producers: TransactionalProducers;

  constructor(
    kafka: Kafka,
    private readonly codec: EventCodec<IntakeEvent>,
    private readonly topics: { events: string; intake: string },
    private readonly groupId: string,
  ) {
    this.producers = new TransactionalProducers(kafka, (p) => `${groupId}-${p}`);
  }

  /** Fences the partition's previous owner (its open transaction completed). */
  async fence(partition: number): Promise<void> {
    await this.producers.of(partition);
  }

  /** The records and the offset, in one transaction; throws (the producer dropped) when it failed. */
  async write(partition: number, records: AttachJobLog[], offset: bigint): Promise<void> {
    const producer = await this.producers.of(partition);
    const messages = await Promise.all(records.map((r) => this.codec.toMessage(r, FETCHER_PRODUCER)));
    const txn = await producer.transaction().catch((err: unknown) => {
      this.producers.drop(partition);
      throw err;
    });
    try {
      if (messages.length > 0)
        await withSendSpan({ topic: this.topics.intake, count: messages.length }, async () => {
          for (const chunk of chunked([{ topic: this.topics.intake, messages }]))
            await txn.sendBatch({ topicMessages: chunk, acks: -1 });
        });
      await txn.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic: this.topics.events, partitions: [{ partition, offset: offset.toString() }] }],
      });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      this.producers.drop(partition);
      throw err;
    }
    if (records.length > 0)
      countEvents(
        'fetcher',
        this.topics.intake,
        records.map((r) => r.type),
      );
  }

  drop(partition: number): void {
    this.producers.drop(partition);
  }

  async close(): Promise<void> {
    await this.producers.close();
  }
}
