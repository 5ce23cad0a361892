// Exactly-once of the decider under a crash inside a transaction, and under rebalances.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { consumeUntil, readToEnd } from '../support/kafka.js';
import { api, exited, spawnDecider, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';

const SHA = 'b1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const JOBS = ['a', 'b', 'c'];

/** NDJSON lines: create each pipeline, then run and pass each of its jobs (7 reports per pipeline). */
function traffic(ids: string[]): { creates: string; reports: string } {
  const creates = ids.map((id) =>
    JSON.stringify({
      op: 'create_pipeline',
      pipeline_id: id,
      project_id: 'test/eos',
      ref: 'main',
      sha: SHA,
      definition: { stages: ['test'], jobs: JOBS.map((name) => ({ name, stage: 'test' })) },
    }),
  );
  const reports = ids.flatMap((id) =>
    JOBS.flatMap((job) => [
      JSON.stringify({
        op: 'report',
        pipeline_id: id,
        job,
        project_id: 'test/eos',
        status: 'running',
        runner_id: `runner-${job}`,
      }),
      JSON.stringify({ op: 'report', pipeline_id: id, job, project_id: 'test/eos', status: 'success' }),
    ]),
  );
  return { creates: creates.join('\n'), reports: reports.join('\n') };
}

/**
 * Every event of the given pipelines, read_committed: once each has finished, the topic is read again to its
 * end (high-water marks), so that a duplicate written after a pipeline's PipelineFinished is seen too.
 */
async function eventsOf(kafka: Kafka, admin: Admin, ids: string[]): Promise<Map<string, PipelineEvent[]>> {
  const codec = await EventCodec.forTopic<PipelineEvent>(loadConfig().schemaRegistryUrl, TOPICS.pipelineEvents);
  const wanted = new Set(ids);
  const finished = new Set<string>();
  await consumeUntil(kafka, TOPICS.pipelineEvents, () => finished.size === ids.length, {
    timeoutMs: 120_000,
    onMessage: (m) => {
      const key = m.key?.toString() ?? '';
      if (wanted.has(key) && m.headers?.['event-type']?.toString() === 'PipelineFinished') finished.add(key);
    },
  });
  const byPipeline = new Map<string, PipelineEvent[]>(ids.map((id) => [id, []]));
  for (const m of await readToEnd(kafka, admin, TOPICS.pipelineEvents, 120_000)) {
    const key = m.key?.toString() ?? '';
    if (wanted.has(key)) byPipeline.get(key)!.push((await codec.decode(m.value)).event);
  }
  return byPipeline;
}

function expectExactlyOnce(byPipeline: Map<string, PipelineEvent[]>): void {
  for (const [id, events] of byPipeline) {
    expect(
      events.map((e) => e.seq),
      `seq of ${id}`,
    ).to.deep.equal(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.event_id)).size, `duplicate event ids in ${id}`).to.equal(events.length);
    expect(events.filter((e) => e.type === 'JobSucceeded')).to.have.length(JOBS.length);
    expect(events.at(-1)).to.include({ type: 'PipelineFinished', status: 'success' });
  }
}

describe('decider exactly-once (real Kafka)', function () {
  this.timeout(300_000);
  const config = loadConfig();
  let kafka: Kafka;
  let admin: Admin;
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  const send = async (ndjson: string) => {
    const r = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
      raw: ndjson,
      token: TOKENS.all,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(r.status).to.equal(200);
    expect(
      String(r.body)
        .trim()
        .split('\n')
        .every((l) => JSON.parse(l).status === 202),
    ).to.equal(true);
  };

  before(async () => {
    kafka = createKafka(config, 'test-eos');
    admin = kafka.admin();
    await admin.connect();
    ingest = await startIngestForTest();
  });
  after(async () => {
    await ingest?.stop();
    await admin?.disconnect();
  });

  it('kill -9 between sending and committing: after restart, no duplicate event and no gap in seq', async () => {
    const ids = Array.from({ length: 60 }, () => randomUUID());
    const { creates, reports } = traffic(ids);
    await send(creates);
    await send(reports);
    const doomed = await spawnDecider({
      VERITY_FAULT: 'decider.kill-before-commit:2',
      DECIDER_CONCURRENCY: '1',
      DECIDER_SESSION_TIMEOUT_MS: '6000',
    });
    expect((await exited(doomed)).signal).to.equal('SIGKILL');

    const survivor = await spawnDecider({ DECIDER_SESSION_TIMEOUT_MS: '6000' });
    try {
      const committed = await eventsOf(kafka, admin, ids);
      expectExactlyOnce(committed);
      // The killed transaction really wrote records that read_committed consumers never saw: every record of
      // these pipelines to the end of the topic (not only until each has finished — an aborted copy of a
      // pipeline's events holds its PipelineFinished too).
      const wanted = new Set<string>(ids);
      const all = (await readToEnd(kafka, admin, TOPICS.pipelineEvents, 120_000, { readUncommitted: true })).filter(
        (m) => wanted.has(m.key?.toString() ?? ''),
      );
      const total = [...committed.values()].reduce((n, es) => n + es.length, 0);
      expect(all.length).to.be.greaterThan(total);
    } finally {
      survivor.kill('SIGTERM');
      expect(await exited(survivor), 'graceful shutdown on SIGTERM').to.deep.equal({ code: 0, signal: null });
    }
  });

  it('two instances and rebalances in the middle of traffic keep per-pipeline order and exactly-once', async () => {
    const ids = Array.from({ length: 90 }, () => randomUUID());
    const waves = [ids.slice(0, 30), ids.slice(30, 60), ids.slice(60)].map(traffic);
    const first = await startDeciderForTest({ VERITY_INSTANCE_ID: 'eos-a' });
    await send(waves[0]!.creates);
    const second = await startDeciderForTest({ VERITY_INSTANCE_ID: 'eos-b' }); // rebalance
    await send(waves[0]!.reports);
    await send(waves[1]!.creates);
    await first.stop(); // rebalance: everything moves to the second instance
    await send(waves[1]!.reports);
    await send(waves[2]!.creates);
    await send(waves[2]!.reports);
    try {
      expectExactlyOnce(await eventsOf(kafka, admin, ids));
    } finally {
      await second.stop();
    }
  });
});
