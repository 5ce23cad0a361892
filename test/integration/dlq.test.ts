// Dead letters of the decider: an undecodable intake record goes to ci.intake.v1.dlq with error
// headers and the decider continues; `verity dlq redrive` re-publishes dead letters after a fix.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { IntakeEvent, PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { redrive } from '../../services/lib/platform/kafka/redrive.js';
import { dlqOf, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { consumeUntil, readToEnd } from '../support/kafka.js';
import { startDeciderForTest } from '../support/services.js';

describe('decider dead letters and redrive (real Kafka)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  let kafka: Kafka;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  before(async () => {
    kafka = createKafka(config, 'test-dlq');
    decider = await startDeciderForTest();
  });
  after(() => decider?.stop());

  const createRecord = (pipelineId: string): IntakeEvent => {
    const id = randomUUID();
    const now = new Date().toISOString();
    return {
      type: 'CreatePipeline',
      report_id: id,
      pipeline_id: pipelineId,
      project_id: 'test/dlq',
      occurred_at: now,
      received_at: now,
      idempotency_key: null,
      producer: 'test',
      correlation_id: id,
      ref: 'main',
      sha: 'e1b2c3d4e5f6',
      source: 'api',
      definition: {
        stages: ['s'],
        jobs: [
          {
            name: 'j',
            stage: 's',
            needs: null,
            when: 'on_success',
            allow_failure: false,
            retry: { max: 0, when: ['always'] },
          },
        ],
      },
    };
  };
  const canonical = async (pipelineId: string) => {
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const mine: PipelineEvent[] = [];
    await consumeUntil(kafka, TOPICS.pipelineEvents, () => mine.some((e) => e.type === 'PipelineCreated'), {
      onMessage: async (m) => {
        if (m.key?.toString() === pipelineId) mine.push((await codec.decode(m.value)).event);
      },
    });
    return mine;
  };

  it('an undecodable intake record is dead-lettered with error headers; the next record is still decided', async () => {
    const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
    const poisonKey = randomUUID();
    const good = randomUUID();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const unknownSchemaId = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x01]), Buffer.from('{}')]);
    await producer.send({ topic: TOPICS.intake, messages: [{ key: poisonKey, value: unknownSchemaId }] });
    await producer.send({
      topic: TOPICS.intake,
      messages: [{ key: good, value: await codec.encode(createRecord(good)) }],
    });
    await producer.disconnect();
    expect((await canonical(good)).map((e) => e.type)).to.include('PipelineCreated');
    const dead = await consumeUntil(kafka, dlqOf(TOPICS.intake), (ms) =>
      ms.some((m) => m.key?.toString() === poisonKey),
    );
    const letter = dead.find((m) => m.key?.toString() === poisonKey)!;
    expect(letter.headers?.['dlq-source-topic']?.toString()).to.equal(TOPICS.intake);
    expect(letter.headers?.['dlq-error-class']?.toString()).to.equal('EventDecodeError');
    expect(letter.value).to.deep.equal(unknownSchemaId);
  });

  it('redrive re-publishes the dead letters present when it starts, without dlq headers, each once', async () => {
    const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
    const pipelineId = randomUUID();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    // A record that was dead-lettered before a fix (e.g. a registry outage classified as poison).
    await producer.send({
      topic: dlqOf(TOPICS.intake),
      messages: [
        {
          key: pipelineId,
          value: await codec.encode(createRecord(pipelineId)),
          headers: { 'event-type': 'CreatePipeline', 'dlq-error': 'registry unreachable' },
        },
      ],
    });
    await producer.disconnect();
    const first = await redrive(kafka, TOPICS.intake, { idleMs: 2000 });
    expect(first.redriven).to.be.greaterThan(0);
    const events = await canonical(pipelineId);
    expect(events.filter((e) => e.type === 'PipelineCreated')).to.have.length(1);
    // Read to the end of the intake topic as it is now (a duplicate anywhere in it would be seen): the
    // redriven record is there exactly once.
    const admin = kafka.admin();
    await admin.connect();
    const copies = (await readToEnd(kafka, admin, TOPICS.intake, 120_000).finally(() => admin.disconnect())).filter(
      (m) => m.key?.toString() === pipelineId,
    );
    expect(copies, 'the redriven record in the intake topic').to.have.length(1);
    const back = copies[0]!;
    expect(back.headers?.['dlq-error']).to.equal(undefined);
    expect(back.headers?.['dlq-redriven-from']?.toString()).to.match(
      new RegExp(`^${dlqOf(TOPICS.intake).replace(/\./g, '\\.')}/\\d+/\\d+$`),
    );
    // Redriven poison (the record of the first test) comes back to the DLQ once, not in a loop.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await redrive(kafka, TOPICS.intake, { idleMs: 1500 })).redriven).to.be.at.most(first.redriven);
  });

  it('refuses to redrive into the canonical topic', async () => {
    const err = await redrive(kafka, TOPICS.pipelineEvents).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/written by the decider alone/);
  });
});
