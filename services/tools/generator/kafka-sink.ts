// The Kafka sink: the records ingest would write, straight to ci.intake.v1 — built by ingest's own
// functions (failure excerpts included) and encoded by the registry codec — to drive the decider and
// everything after it without the HTTP front.
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { loadConfig } from '../../lib/platform/config/index.js';
import { BatchingWriter } from '../../lib/platform/kafka/batching-writer.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { EventCodec, EventValidationError } from '../../lib/platform/registry/codec.js';
import { excerptFor, type IngestDeps, type RecordContext } from '../../run/ingest/index.js';
import { lineToRecord } from './ops.js';
import { remember, type Sink } from './sink.js';

/** Ingest's excerpt function without a log store: the excerpt comes from the log tail sent, as in ingest. */
const NO_LOG_STORE = { logStore: { latest: async () => null } } as unknown as IngestDeps;

/** Straight to ci.intake.v1: the records ingest would write, through one idempotent producer (in order). */
export async function kafkaSink(producerName = 'loadgen'): Promise<Sink> {
  const config = loadConfig();
  const kafka = createKafka(config, 'verity-loadgen');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
  const writer = new BatchingWriter(producer, TOPICS.intake, { maxQueued: 1_000_000, maxBatch: 2_000 });
  const sink: Sink = {
    name: 'kafka',
    retries: 0,
    errors: [],
    async send(lines) {
      const now = new Date().toISOString();
      const statuses = lines.map(() => 202);
      const messages = await Promise.all(
        lines.map(async (l, i) => {
          const reportId = uuidv7();
          const c: RecordContext = {
            reportId,
            pipelineId: l.pipeline_id,
            projectId: l.project_id,
            now,
            producer: producerName,
            correlationId: reportId,
            idempotencyKey: null,
            occurredAt: l.occurred_at,
          };
          const excerpt =
            l.op === 'report' && l.status === 'failed'
              ? (await excerptFor(NO_LOG_STORE, l.project_id, l.pipeline_id, l.job, l.log_tail)).excerpt
              : null;
          try {
            return await codec.toMessage(lineToRecord(l, c, excerpt), producerName);
          } catch (err) {
            if (!(err instanceof EventValidationError)) throw err;
            statuses[i] = 400;
            remember(sink.errors, `${l.op}: ${err.message} ${JSON.stringify(err.errors)}`);
            return null;
          }
        }),
      );
      try {
        await writer.write(messages.filter((m) => m !== null));
      } catch (err) {
        remember(sink.errors, `produce: ${(err as Error).message}`);
        return statuses.map((s) => (s === 202 ? 503 : s));
      }
      return statuses;
    },
    async close() {
      await writer.close();
      await producer.disconnect();
    },
  };
  return sink;
}
