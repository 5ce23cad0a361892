// The query service: express API over the read models. `tsx services/run/query/main.ts`.
import { TokenRegistry } from '../../lib/platform/http/tokens.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { createHttpApp, finishHttpApp, listen } from '../../lib/platform/http/app.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { ensureActiveVersion } from '../../lib/readmodel/versions.js';
import { loadQueryConfig, type QueryConfig } from './config.js';
import { queryRouter } from './routes.js';
import { servingTables } from '../../lib/readmodel/rows.js';
import { StreamHub } from './stream.js';
import type { Producer } from 'kafkajs';
import type { PipelineEvent, RemediationEvent, RemediationFeedbackGiven } from '../../lib/core/events/generated.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { metrics } from '../../lib/platform/telemetry/metrics.js';
import { dashboardRouter } from './dashboard.js';
import { SessionStore } from './session.js';
import { PgLogStore } from '../../lib/platform/logstore/pg-log-store.js';
import { ensureUi, UI_OUT, type UiManifest } from './ui/build.js';

export interface RunningQuery extends Stoppable {
  port: number;
}

export async function startQuery(config: QueryConfig = loadQueryConfig()): Promise<RunningQuery> {
  initTracing('query');
  const log = createLogger('query', config.logLevel);
  const tokens = TokenRegistry.fromConfig(config.tokensSpec, config.tokensFile);
  if (tokens.size === 0)
    log.warn('no read tokens configured (QUERY_TOKENS / QUERY_TOKENS_FILE): every /v1 request will get 401');
  const pool = createPool(config.databaseUrl, 10, log);
  try {
    // On a fresh database the `rm` views do not exist until a version is active: create version 1.
    await ensureActiveVersion(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = createDb(pool);
  const tables = servingTables();
  const kafka = createKafka(config, `verity-query-${process.pid}`);
  let stream: StreamHub | undefined;
  if (config.stream) {
    stream = new StreamHub(
      kafka,
      await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents),
      log,
      undefined,
      undefined,
      config.stallMs,
    );
    await stream.start(`query-${process.pid}`);
  }

  // Explicit feedback on proposals goes to ci.remediation.events.v1 (the projector applies it).
  const producer: Producer | undefined = config.feedback
    ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    : undefined;
  await producer?.connect();
  const remediationCodec = producer
    ? await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents)
    : undefined;
  const feedback = producer
    ? async (event: RemediationFeedbackGiven) => {
        // Inside the request's span: the record carries its traceparent (a PRODUCER span `send <topic>`).
        await withSendSpan({ topic: TOPICS.remediationEvents, key: event.pipeline_id, count: 1 }, async () =>
          producer.send({
            topic: TOPICS.remediationEvents,
            acks: -1,
            messages: [await remediationCodec!.toMessage(event, 'query')],
          }),
        );
        metrics.events.inc({ service: 'query', topic: TOPICS.remediationEvents, type: event.type });
      }
    : undefined;

  // The dashboard's bundle: built now when missing or built from other sources (ui/build.ts).
  let manifest: UiManifest | undefined;
  try {
    manifest = await ensureUi();
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'the dashboard could not be built: / answers 503');
  }
  const sessions = new SessionStore();

  const app = createHttpApp({
    service: 'query',
    log,
    readiness: async () => {
      const live = stream?.readiness() ?? true;
      if (live !== true) return live;
      await pool.query('SELECT 1 FROM rm.pipelines LIMIT 1');
      return true;
    },
  });
  app.use(dashboardRouter({ tokens, sessions, manifest, assetDir: UI_OUT }));
  app.use(
    queryRouter({
      config,
      tokens,
      db,
      tables,
      sessions,
      logs: new PgLogStore(db),
      kafka,
      ...(stream ? { stream } : {}),
      ...(feedback ? { feedback } : {}),
    }),
  );
  finishHttpApp(app, log);

  const server = await listen(app, config.port, config.host);
  const port = server.port;
  log.info({ port, host: config.host }, 'query listening');
  return {
    name: 'query',
    port,
    async stop() {
      await stream?.stop(); // ends the event streams, so close() does not wait for them
      await server.close();
      await producer?.disconnect();
      await pool.end();
    },
  };
}

runIfMain(import.meta.url, 'query', () => startQuery());
