// A transactional producer writes registry-encoded events; a read_committed consumer sees the
// committed ones and never the aborted ones (the decider's exactly-once loop rests on this).
import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { TransactionalProducers } from '../../services/lib/platform/consumer/tx-producers.js';
import { consumeUntil, createScratchTopic } from '../support/kafka.js';

describe('Kafka transactions with registry-encoded events (real broker and registry)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  let kafka: Kafka;
  let admin: Admin;
  let codec: EventCodec<PipelineEvent>;
  let topic: string;

  before(async () => {
    kafka = createKafka(config, 'test-transactions');
    admin = kafka.admin();
    await admin.connect();
    topic = await createScratchTopic(admin, 'txn', 3);
    codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, 'ci.pipeline.events.v1');
  });

  after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('read_committed sees committed transactions only; read_uncommitted sees the aborted one too', async () => {
    const producer = kafka.producer({ transactionalId: `test-txn-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const tagged = async (tag: string) =>
      Promise.all(
        exampleEvents.slice(0, 4).map(async (e) => ({ ...(await codec.toMessage(e, 'test')), headers: { tag } })),
      );
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: await tagged('committed') });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: await tagged('aborted') });
      await aborted.abort();

      const sentinel = await producer.transaction();
      await sentinel.send({ topic, messages: await tagged('sentinel') });
      await sentinel.commit();
    } finally {
      await producer.disconnect();
    }

    const tag = (m: { headers?: Record<string, unknown> }) => String(m.headers?.tag);
    const read = await consumeUntil(kafka, topic, (ms) => ms.filter((m) => tag(m) === 'sentinel').length === 4);
    expect(read.filter((m) => tag(m) === 'aborted')).to.have.length(0);
    expect(read.filter((m) => tag(m) === 'committed')).to.have.length(4);

    const decoded = await Promise.all(read.filter((m) => tag(m) === 'committed').map((m) => codec.decode(m.value)));
    expect(decoded.map((d) => d.event).sort((a, b) => a.seq - b.seq)).to.deep.equal(exampleEvents.slice(0, 4));
    for (const m of read) expect(m.value!.readUInt8(0), 'magic byte').to.equal(0);

    const all = await consumeUntil(kafka, topic, (ms) => ms.filter((m) => tag(m) === 'sentinel').length === 4, {
      readUncommitted: true,
    });
    expect(all.filter((m) => tag(m) === 'aborted')).to.have.length(4);
  });

  it('every record carries the envelope headers and is keyed by pipeline id', async () => {
    const event = exampleEvents[0]!;
    const message = await codec.toMessage(event, 'verity-test');
    expect(message.key).to.equal(event.pipeline_id);
    expect(message.headers).to.include({
      'event-type': 'PipelineCreated',
      'event-id': event.event_id,
      producer: 'verity-test',
    });
    expect((message.value as Buffer).readInt32BE(1)).to.equal(codec.schemaIdOf('PipelineCreated'));
  });

  it("a partition's new transactional producer fences the previous owner before it is handed out", async () => {
    // The decider reads the committed offsets and restores its state right after getting the producer: the
    // previous owner's open transaction must be over by then, or it commits later what is decided again.
    const id = `test-fence-${topic}`;
    const previous = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
    await previous.connect();
    const producers = new TransactionalProducers(kafka, () => id);
    try {
      const open = await previous.transaction();
      await open.send({ topic, messages: [{ key: 'k', value: 'from the previous owner' }] });
      await producers.of(0);
      const outcome = await open.commit().then(
        () => 'committed',
        (err: Error) => err.name,
      );
      expect(outcome, 'the previous owner commits after the new one was handed out').to.not.equal('committed');
      const txn = await (await producers.of(0)).transaction();
      await txn.send({ topic, messages: [{ key: 'k', value: 'from the new owner' }] });
      await txn.commit();
      const values = (
        await consumeUntil(kafka, topic, (ms) => ms.some((m) => m.value?.toString() === 'from the new owner'))
      ).map((m) => m.value?.toString());
      expect(values).to.not.include('from the previous owner');
    } finally {
      await producers.close();
      await previous.disconnect().catch(() => undefined);
    }
  });
});
