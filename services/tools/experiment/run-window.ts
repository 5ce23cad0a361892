// `verity experiment --from/--to`: the recorded failures (JobFailed) of a window of
// ci.pipeline.events.v1, as experiment cases: each with the context the remediator would assemble
// (whole log from the log store, job definition, history, similar failures — read-only) and, where the
// read model knows it, whether the retry of the same job on the same sha passed. Nothing is written:
// no topic, no table; the consumer group is a throwaway one, deleted afterwards.
import { randomUUID } from 'node:crypto';
import type { JobFailed, PipelineEvent } from '../../lib/core/events/generated.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import type { PlatformConfig } from '../../lib/platform/config/index.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import { PgLogStore } from '../../lib/platform/logstore/pg-log-store.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { servingTables } from '../../lib/readmodel/rows.js';
import { retryOutcome } from '../../run/scorer/index.js';
import { ContextSource } from '../../run/remediator/index.js';
import { atTime, offsetsOf } from '../replay/index.js';
import { resolveWindow, windowSize, type Bound } from '../replay/index.js';
import type { ExperimentCase } from './run-file.js';

export async function windowCases(
  config: PlatformConfig,
  bounds: { from: Bound; to: Bound },
  limit = Infinity,
  timeoutMs = 120_000,
): Promise<ExperimentCase[]> {
  const kafka = createKafka(config, 'verity-experiment');
  const admin = kafka.admin();
  await admin.connect();
  const pool = createPool(config.databaseUrl, 2);
  const group = scopedId(`verity-experiment-${randomUUID().slice(0, 8)}`);
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 200 });
  try {
    const topic = TOPICS.pipelineEvents;
    const windows = resolveWindow(topic, await offsetsOf(admin, topic), bounds, {
      from: await atTime(admin, topic, bounds.from),
      to: await atTime(admin, topic, bounds.to),
    });
    const open = new Map(windows.filter((w) => w.to > w.from).map((w) => [w.partition, w]));
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, topic);
    const failures: JobFailed[] = [];
    if (open.size > 0 && windowSize(windows) > 0) {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const w of windows) consumer.seek({ topic, partition: w.partition, offset: w.from.toString() });
      });
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset }) => {
          const w = open.get(batch.partition);
          if (!w) return;
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < w.from) continue;
            if (offset >= w.to || failures.length >= limit) break;
            if (m.headers?.['event-type']?.toString() === 'JobFailed') {
              const { event } = await codec.decode(m.value);
              if (event.type === 'JobFailed') failures.push(event);
            }
            resolveOffset(m.offset);
          }
          if (BigInt(batch.lastOffset()) + 1n >= w.to || failures.length >= limit) open.delete(batch.partition);
          if (open.size === 0) done();
        },
      });
      const timer = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`the window was not read within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
      );
      await Promise.race([finished, timer]);
    }
    const db = createDb(pool);
    const tables = servingTables();
    const contexts = new ContextSource(db, tables, new PgLogStore(db));
    const cases: ExperimentCase[] = [];
    for (const f of failures.slice(0, limit)) {
      const context = await contexts.build(f);
      const retry = await retryOutcome(db, tables, { pipelineId: f.pipeline_id, name: f.name, attempt: f.attempt });
      cases.push({
        repo: f.project_id,
        build_id: f.job_id,
        log: '',
        context,
        ...(retry === null ? {} : { retry_passed: retry.status === 'success' }),
      });
    }
    return cases;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    await pool.end();
  }
}
