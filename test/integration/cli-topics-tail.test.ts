// `verity topics tail` against the real Kafka and registry, in a child process (bin/verity) under the
// test's own topic prefix: records of a real event type come out as one JSON line each, decoded by the
// registry codec; a dead-letter topic's raw bytes and headers as they are; --partition and --max bound
// what is read; without --from-beginning it starts at the end; no consumer group is left behind; an
// unknown topic is refused (exit 1) with the known ones.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';

interface Line {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  headers: Record<string, string>;
  value: unknown;
}

describe('verity topics tail (real Kafka and registry)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  const prefix = `test-cli-tail-${randomUUID().slice(0, 8)}.`;
  const topic = `${prefix}ci.pipeline.events.v1`;
  const dlq = `${prefix}ci.intake.v1.dlq`;
  const pipelineId = randomUUID();
  const events: PipelineEvent[] = (['PipelineCreated', 'JobCreated'] as const).map((type, i) => {
    const example = exampleEvents.find((e) => e.type === type)!;
    return { ...example, pipeline_id: pipelineId, event_id: randomUUID(), seq: i + 1 } as PipelineEvent;
  });
  const deadBytes = Buffer.from([0x00, 0xff, 0xfe, 0x41]); // not UTF-8, not an event
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    kafka = createKafka(config, 'test-cli-tail');
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1, replicationFactor: 1 },
        { topic: dlq, numPartitions: 2, replicationFactor: 1 },
      ],
    });
    // Encoded with the logical topic's schemas (subjects keep the logical names), sent to the prefixed topic.
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const messages = await Promise.all(events.map((e) => codec.toMessage(e, 'test')));
      await producer.send({ topic, acks: -1, messages });
      const headers = { 'dlq-source-topic': 'ci.intake.v1', 'dlq-reason': 'EventDecodeError' };
      await producer.send({
        topic: dlq,
        acks: -1,
        messages: [
          { partition: 1, key: 'dead', value: deadBytes, headers },
          { partition: 0, key: 'other', value: 'plain text', headers },
        ],
      });
    } finally {
      await producer.disconnect();
    }
  });

  after(async () => {
    await admin?.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
    await admin?.disconnect();
  });

  /** `verity topics tail <args>` in a child process under the test's prefix; SIGINT once `interruptAt` lines came. */
  function tail(args: string[], interruptAt?: number): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
    const child = spawn(`${REPO_ROOT}bin/verity`, ['topics', 'tail', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, VERITY_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (interruptAt !== undefined && stdout.split('\n').length > interruptAt) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        const output = `${stdout}\n${stderr.slice(-3000)}`;
        reject(new Error(`verity topics tail ${args.join(' ')} did not exit in 60 s:\n${output}`));
      }, 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        const lines = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Line);
        resolve({ code, lines, stderr });
      });
    });
  }

  it('prints the records from the beginning, decoded, one JSON line each, and stops at --max', async () => {
    const r = await tail(['ci.pipeline.events.v1', '--from-beginning', '--max', '2']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.lines.map((l) => l.value)).to.deep.equal(JSON.parse(JSON.stringify(events)));
    expect(r.lines.map((l) => [l.topic, l.partition, l.offset, l.key])).to.deep.equal([
      [topic, 0, '0', pipelineId],
      [topic, 0, '1', pipelineId],
    ]);
    expect(r.lines.map((l) => l.headers['event-type'])).to.deep.equal(['PipelineCreated', 'JobCreated']);
    expect(r.lines.map((l) => l.headers['event-id'])).to.deep.equal(events.map((e) => e.event_id));
    for (const l of r.lines) expect(Date.now() - Date.parse(l.timestamp)).to.be.within(0, 600_000);
  });

  it('prints a dead letter as raw bytes with its headers, from the --partition asked for only', async () => {
    const r = await tail(['ci.intake.v1.dlq', '--from-beginning', '--partition', '1', '--max', '1']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.lines).to.have.length(1);
    expect(r.lines[0]).to.deep.include({ topic: dlq, partition: 1, offset: '0', key: 'dead' });
    const headers = { 'dlq-source-topic': 'ci.intake.v1', 'dlq-reason': 'EventDecodeError' };
    expect(r.lines[0]!.headers).to.deep.equal(headers);
    expect(r.lines[0]!.value).to.deep.equal({ base64: deadBytes.toString('base64'), utf8: null });
  });

  it('starts at the end without --from-beginning, stops at --timeout (exit 0), leaves no consumer group', async () => {
    const r = await tail(['ci.pipeline.events.v1', '--timeout', '4']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.lines).to.deep.equal([]);
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}verity-tail-`))).to.deep.equal([]);
  });

  it('follows until SIGINT, then exits 0', async () => {
    const r = await tail(['ci.pipeline.events.v1', '--from-beginning'], 2);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.lines.map((l) => l.offset)).to.deep.equal(['0', '1']);
  });

  it('refuses an unknown topic (exit 1), naming the known ones', async () => {
    const r = await tail(['ci.nope.v1', '--max', '1']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('unknown topic "ci.nope.v1"').and.to.contain('ci.pipeline.events.v1, ');
  });
});
