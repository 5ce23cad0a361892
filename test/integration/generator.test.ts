// The load generator against the real write side: ingest (HTTP bulk) → ci.intake.v1 → decider. A few
// seconds of seeded traffic must be accepted by ingest line by line, decided without one rejection, and
// lead exactly to the canonical events and final statuses the generator's model predicted.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { IntakeRejectedEvent, PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { runGenerator, type Summary } from '../../services/tools/generator/index.js';
import { startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';

type Offsets = Map<number, string>;

async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
}

/**
 * Reads the topics of `from` from the given offsets (read_committed) with a throwaway group, handing each record to
 * `onMessage`, until `done()` (polled) or the deadline.
 */
async function readFrom(
  kafka: Kafka,
  admin: Admin,
  from: Map<string, Offsets>,
  onMessage: (topic: string, key: string, value: Buffer | null) => Promise<void>,
  done: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const groupId = `test-generator-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  let poll: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topics: [...from.keys()], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => onMessage(topic, message.key?.toString() ?? '', message.value),
    });
    for (const [topic, offsets] of from)
      for (const [partition, offset] of offsets) consumer.seek({ topic, partition, offset });
    await new Promise<void>((resolve, reject) => {
      poll = setInterval(() => done() && resolve(), 100);
      timer = setTimeout(() => reject(new Error(`not every report was decided in ${timeoutMs} ms`)), timeoutMs);
    });
  } finally {
    clearInterval(poll);
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined); // a throwaway group: leave nothing behind
  }
}

describe('load generator over HTTP (real ingest, decider, Kafka, registry, Postgres)', function () {
  this.timeout(240_000);
  const config = loadConfig();
  let kafka: Kafka;
  let admin: Admin;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>> | undefined;
  let ingest: Awaited<ReturnType<typeof startIngestForTest>> | undefined;

  before(async () => {
    kafka = createKafka(config, 'test-generator');
    admin = kafka.admin();
    await admin.connect();
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
  });

  it('5 s of seeded traffic: no 4xx/5xx, the decider rejects nothing, one job event per terminal report accepted, events and final statuses as the model predicted', async () => {
    const from = new Map([
      [TOPICS.pipelineEvents, await endOffsets(admin, TOPICS.pipelineEvents)],
      [TOPICS.intakeRejected, await endOffsets(admin, TOPICS.intakeRejected)],
    ]);
    const progress: number[] = [];
    // What ingest accepted, as sent: the expectations the test derives itself, not from the generator's model
    // (which runs the same decide() as the decider and would agree with it about any bug).
    const accepted: { op: string; pipeline_id: string; status?: string }[] = [];
    const summary: Summary = await runGenerator({
      onAccepted: (line) => accepted.push(line),
      seed: 42,
      rate: 100,
      durationS: 5,
      mode: 'http',
      url: ingest!.url,
      token: TOKENS.all,
      projects: 8,
      projectPrefix: `test/gen-${randomUUID().slice(0, 8)}/`,
      active: 30,
      collectPipelineIds: true,
      onProgress: (p) => progress.push(p.reports),
    });
    expect(summary.errors_sample, summary.errors_sample.join('\n')).to.deep.equal([]);
    expect(summary.rejected_4xx).to.equal(0);
    expect(summary.errors_5xx).to.equal(0);
    expect(summary.reports).to.be.greaterThan(400);
    expect(summary.accepted).to.equal(summary.reports);
    expect(summary.dropped + summary.unsent).to.equal(0);
    expect(summary.pipelines_completed, 'the drain sends every started pipeline to its end').to.equal(
      summary.pipelines,
    );
    // Open loop: measured, not asserted tightly (this machine is shared); the rate is bounded by the schedule.
    expect(summary.achieved_reports_per_s).to.be.within(10, 130);
    expect(summary.behind_schedule_ms!.p99).to.be.a('number');
    expect(progress.length).to.be.greaterThan(5);

    // Every accepted report is decided: by its events (each accepted report causes at least one) or a rejection.
    const ids = new Set(summary.pipeline_ids);
    const events = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const rejectedCodec = await EventCodec.forTopic<IntakeRejectedEvent>(
      config.schemaRegistryUrl,
      TOPICS.intakeRejected,
    );
    const byPipeline = new Map<string, PipelineEvent[]>();
    const causes = new Set<string>();
    const rejections: IntakeRejectedEvent[] = [];
    let lastRecord = Date.now();
    await readFrom(
      kafka,
      admin,
      from,
      async (topic, key, value) => {
        if (!ids.has(key)) return;
        lastRecord = Date.now();
        if (topic === TOPICS.intakeRejected) {
          rejections.push((await rejectedCodec.decode(value)).event);
          return;
        }
        const { event } = await events.decode(value);
        const mine = byPipeline.get(key) ?? [];
        if (mine.some((e) => e.event_id === event.event_id)) return; // a record read twice (seek after the first fetch)
        byPipeline.set(key, [...mine, event]);
        causes.add(event.causation_id);
      },
      // Every report decided, then quiet for 2 s: the last decision's events (one transaction) all arrived, and any
      // surplus would have.
      () => causes.size + rejections.length >= summary.accepted && Date.now() - lastRecord > 2000,
      120_000,
    );
    expect(rejections.map((r) => `${r.report_type} ${r.code}: ${r.message}`)).to.deep.equal([]);
    expect(causes.size).to.equal(summary.accepted);
    expect(byPipeline.size).to.equal(ids.size);
    const all = [...byPipeline.values()];
    expect(
      all.reduce((n, es) => n + es.length, 0),
      'canonical events, as the model predicted',
    ).to.equal(summary.events_expected);
    // The job model's contract, per pipeline: one PipelineCreated per create accepted, one JobSucceeded per
    // success report and one JobFailed per failed report accepted.
    const sent = (id: string, op: string, status?: string) =>
      accepted.filter((l) => l.pipeline_id === id && l.op === op && (status === undefined || l.status === status))
        .length;
    for (const [id, es] of byPipeline) {
      const got = (type: string) => es.filter((e) => e.type === type).length;
      expect(
        [got('PipelineCreated'), got('JobSucceeded'), got('JobFailed')],
        `${id}: PipelineCreated, JobSucceeded, JobFailed`,
      ).to.deep.equal([sent(id, 'create_pipeline'), sent(id, 'report', 'success'), sent(id, 'report', 'failed')]);
    }
    expect(
      accepted.filter((l) => l.op === 'report' && l.status === 'failed').length,
      'some jobs fail',
    ).to.be.greaterThan(0);
    const finals: Record<string, number> = {};
    for (const [id, es] of byPipeline) {
      expect(
        es.map((e) => e.seq),
        `seq of ${id}`,
      ).to.deep.equal(es.map((_, i) => i + 1));
      const last = es.filter((e) => e.type === 'PipelineFinished').at(-1);
      expect(last, `${id} finished`).to.not.equal(undefined);
      if (last?.type === 'PipelineFinished') finals[last.status] = (finals[last.status] ?? 0) + 1;
    }
    expect(finals, 'final statuses, as the model predicted').to.deep.equal(summary.final_status);
  });
});
