// The projector service: canonical events → Postgres read models, exactly once. `verity projector`.
import type { Server } from 'node:http';
import type { PipelineEvent } from '../core/events/generated.js';
import { createDb, createPool } from '../platform/db/client.js';
import { createHttpApp, finishHttpApp } from '../platform/http/app.js';
import { createKafka } from '../platform/kafka/client.js';
import { TOPICS } from '../platform/kafka/topics.js';
import { onShutdown, type Stoppable } from '../platform/lifecycle.js';
import { createLogger } from '../platform/log.js';
import { EventCodec } from '../platform/registry/codec.js';
import { loadProjectorConfig, type ProjectorConfig } from './config.js';
import { Projector } from './projector.js';
import { ProjectionStore } from './store.js';
import { ensureActiveVersion } from './versions.js';

export interface RunningProjector extends Stoppable {
  projector: Projector;
  store: ProjectionStore;
  port: number;
}

export async function startProjector(config: ProjectorConfig = loadProjectorConfig(), opts: { http?: boolean } = {}): Promise<RunningProjector> {
  const log = createLogger('projector');
  const pool = createPool(config.databaseUrl, 4);
  const version = config.version ?? (await ensureActiveVersion(pool));
  const store = new ProjectionStore(createDb(pool), config.projection, version);
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const admin = kafka.admin();
  await admin.connect();
  const projector = new Projector(kafka, admin, await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents), store, config, log);
  await projector.start();
  let server: Server | undefined;
  let port = 0;
  if (opts.http !== false) {
    const app = createHttpApp({
      log,
      readiness: async () => {
        if (!projector.ready) return 'joining the consumer group';
        const stalled = Object.keys(projector.stalledPartitions);
        if (stalled.length > 0) return `partitions stopped by a seq gap: ${stalled.join(', ')}`;
        await pool.query('SELECT 1');
        return true;
      },
    });
    app.get('/stats', (_req, res) => {
      res.json({ ...projector.stats, version, projection: config.projection, stalled: projector.stalledPartitions });
    });
    finishHttpApp(app, log);
    server = await new Promise((resolve) => {
      const s = app.listen(config.port, '127.0.0.1', () => resolve(s));
    });
    port = (server!.address() as { port: number }).port;
  }
  log.info({ port, version, projection: config.projection }, 'projector started');
  return {
    name: 'projector',
    projector,
    store,
    port,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await projector.stop();
      await admin.disconnect();
      await pool.end();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = createLogger('projector');
  startProjector().then(
    (running) => onShutdown(log, [running]),
    (err: unknown) => {
      log.fatal({ err }, 'start failed');
      process.exit(1);
    },
  );
}
