// The ingest service: express API → ci.intake.v1. `verity ingest` (or `tsx services/run/ingest/main.ts`).
import type { IntakeEvent, IntakeRejectedEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { createHttpApp, finishHttpApp, listen } from '../../lib/platform/http/app.js';
import { BatchingWriter } from '../../lib/platform/kafka/batching-writer.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { PgLogStore } from '../../lib/platform/logstore/pg-log-store.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { loadIngestConfig, type IngestConfig } from './config.js';
import { directoryRows, PipelineDirectory } from './directory.js';
import { directoryConsumer } from './directory-consumer.js';
import { IdempotencyStore } from './idempotency.js';
import { ingestRouter } from './routes.js';
import { hookRouter } from './hooks/routes.js';
import { ConnectionsSource } from '../../lib/platform/connections/load.js';
import { TokenRegistry } from '../../lib/platform/http/tokens.js';
import { VerdictWaiters } from './verdicts.js';

export interface RunningIngest extends Stoppable {
  port: number;
}

export async function startIngest(config: IngestConfig = loadIngestConfig()): Promise<RunningIngest> {
  initTracing('ingest');
  const log = createLogger('ingest');
  const tokens = TokenRegistry.fromConfig(config.tokensSpec, config.tokensFile);
  if (tokens.size === 0)
    log.warn('no producer tokens configured (INGEST_TOKENS / INGEST_TOKENS_FILE): every request will get 401');
  // Connections to external CIs (webhooks, CDEvents) live in the tokens file and are re-read when it changes.
  const connections = config.tokensFile
    ? ConnectionsSource.fromFile(config.tokensFile, {
        onReload: (c) => log.info({ connections: c.length }, 'connections reloaded'),
        onError: (err) =>
          log.error({ err }, 'connections not reloaded: the tokens file is broken; the last good ones stay'),
      })
    : ConnectionsSource.fixed([]);
  const pool = createPool(config.databaseUrl, 10, log);
  const db = createDb(pool);
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
  const directory = new PipelineDirectory(db, {
    maxCached: config.directoryCacheSize,
    negativeTtlMs: config.directoryNegativeTtlMs,
  });
  const events = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
  const waiters = new VerdictWaiters(
    kafka,
    {
      events,
      rejected: await EventCodec.forTopic<IntakeRejectedEvent>(config.schemaRegistryUrl, TOPICS.intakeRejected),
    },
    config.maxWaiters,
    log,
    // A producer may name a job attempt it learnt from a verdict at once: the directory knows it first.
    (verdict) => directory.apply(directoryRows(verdict)),
    config.stallMs,
  );
  await waiters.start(config.instanceId);
  const directoryFeed = config.directoryFeed
    ? directoryConsumer(kafka, events, directory, log, config.stallMs)
    : undefined;
  await directoryFeed?.start();
  const writer = new BatchingWriter(producer, TOPICS.intake, { maxQueued: config.maxQueued, maxBatch: 2000 });

  const app = createHttpApp({
    service: 'ingest',
    log,
    readiness: async () => {
      const verdicts = waiters.readiness();
      if (verdicts !== true) return verdicts;
      // The feed only completes the directory in the background: joining its group (a restarted instance
      // waits for its old member's session to end) does not stop ingest from serving; a stall does.
      const stalled = directoryFeed?.status().stalled ?? [];
      if (stalled.length > 0) return `directory feed stalled: ${stalled.join('; ')}`;
      await pool.query('SELECT 1');
      return true;
    },
  });
  const deps = {
    config,
    tokens,
    codec,
    writer,
    idempotency: new IdempotencyStore(db),
    waiters,
    directory,
    leaseMs: config.idempotencyLeaseMs,
    logStore: new PgLogStore(db),
    log,
  };
  app.use(hookRouter({ ...deps, connections }));
  app.use(ingestRouter(deps));
  finishHttpApp(app, log);

  const server = await listen(app, config.port, config.host);
  server.server.requestTimeout = config.waitMaxMs + 30_000;
  const port = server.port;
  log.info({ port, host: config.host }, 'ingest listening');
  return {
    name: 'ingest',
    port,
    async stop() {
      await server.close();
      connections.close();
      await writer.close();
      await waiters.stop();
      await directoryFeed?.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}

runIfMain(import.meta.url, 'ingest', () => startIngest());
