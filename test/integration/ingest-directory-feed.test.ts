// Ingest's directory feed against the real Kafka, decider and Postgres: a pipeline that never went through
// this ingest (written straight to ci.intake.v1, as a migration or another instance would) becomes known to
// ingest from the canonical events, with the attempt ids the decider made for it — a report to it is
// accepted and a log can be uploaded by attempt id. Without the feed the same upload is a 404.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { IntakeEvent, PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { consumeUntil } from '../support/kafka.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { until } from '../support/wait.js';

describe('ingest: the directory feed follows the canonical topic (real Kafka, Postgres)', function () {
  this.timeout(120_000);
  const config = loadConfig();

  it('a pipeline written straight to ci.intake.v1 becomes known: its attempt id takes a log; without the feed it is a 404', async () => {
    const decider = await startDeciderForTest();
    const withFeed = await startIngestForTest({ INGEST_DIRECTORY_FEED: 'on' });
    const kafka = createKafka(config, 'test-directory-feed');
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      const intake = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
      const pipelineId = randomUUID();
      const project = 'test/alpha';
      const now = new Date().toISOString();
      const create = {
        type: 'CreatePipeline',
        report_id: randomUUID(),
        pipeline_id: pipelineId,
        project_id: project,
        occurred_at: now,
        received_at: now,
        idempotency_key: null,
        producer: 'migration',
        correlation_id: randomUUID(),
        ref: 'main',
        sha: 'abcdef1',
        source: 'api',
        definition: {
          stages: ['s'],
          jobs: [
            {
              name: 'unit',
              stage: 's',
              needs: null,
              when: 'on_success',
              allow_failure: false,
              retry: { max: 0, when: ['always'] },
            },
          ],
        },
      } as IntakeEvent;
      await producer.send({
        topic: TOPICS.intake,
        messages: [{ key: pipelineId, value: await intake.encode(create) }],
      });
      const events = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
      let attempt: string | undefined;
      await consumeUntil(kafka, TOPICS.pipelineEvents, () => attempt !== undefined, {
        onMessage: async (m) => {
          if (m.key?.toString() !== pipelineId) return;
          const { event } = await events.decode(m.value);
          if (event.type === 'JobCreated') attempt = event.job_id;
        },
      });
      const upload = (url: string) =>
        fetch(`${url}/v1/pipelines/${pipelineId}/jobs/${attempt}/log?project_id=${encodeURIComponent(project)}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain' },
          body: 'make: *** [all] Error 2\n',
        });
      const stored = await until(
        'the feed to learn the pipeline and its attempt',
        async () => {
          const r = await upload(withFeed.url);
          return r.status === 201 || r.status === 200 ? r.status : undefined;
        },
        60_000,
        300,
      );
      expect(stored).to.equal(201);
      const report = await api(
        withFeed.url,
        'POST',
        `/v1/pipelines/${pipelineId}/jobs/unit/reports`,
        { project_id: project, status: 'running', runner_id: 'r1' },
        { token: TOKENS.alpha },
      );
      expect(report.status, JSON.stringify(report.body)).to.equal(202);

      // Control: another pipeline written the same way, while no ingest runs the feed: unknown to ingest.
      await withFeed.stop();
      const blind = await startIngestForTest();
      try {
        const other = randomUUID();
        await producer.send({
          topic: TOPICS.intake,
          messages: [
            { key: other, value: await intake.encode({ ...create, report_id: randomUUID(), pipeline_id: other }) },
          ],
        });
        await new Promise((r) => setTimeout(r, 3000));
        const r = await api(
          blind.url,
          'POST',
          `/v1/pipelines/${other}/jobs/unit/reports`,
          { project_id: project, status: 'running', runner_id: 'r1' },
          { token: TOKENS.alpha },
        );
        expect(r.status).to.equal(404);
      } finally {
        await blind.stop();
      }
    } finally {
      await producer.disconnect();
      await withFeed.stop().catch(() => undefined);
      await decider.stop();
    }
  });
});
