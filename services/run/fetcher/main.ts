// The fetcher service: the logs of observed failed jobs (GitLab, GitHub) fetched into Verity. `verity fetcher`
// once wired into the CLI's service list.
import type { IntakeEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import { ConnectionsSource } from '../../lib/platform/connections/load.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { PgLogStore } from '../../lib/platform/logstore/pg-log-store.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { loadFetcherConfig, type FetcherConfig } from './config.js';
import { Fetcher } from './fetcher.js';

export interface RunningFetcher extends Stoppable {
  fetcher: Fetcher;
  port: number;
}

export async function startFetcher(
  config: FetcherConfig = loadFetcherConfig(),
  opts: { http?: boolean; connections?: ConnectionsSource; logStore?: LogStore } = {},
): Promise<RunningFetcher> {
  initTracing('fetcher');
  const log = createLogger('fetcher', config.logLevel);
  let connections = opts.connections;
  if (!connections && config.tokensFile)
    connections = ConnectionsSource.fromFile(config.tokensFile, {
      onError: (err) => log.error({ err: err.message }, 'the tokens file is broken: the last good connections stay'),
      onReload: (cs) => log.info({ connections: cs.length }, 'connections re-read'),
    });
  if (!connections) {
    log.warn('no INGEST_TOKENS_FILE: no connection, every observed failed job gets a fetch_error');
    connections = ConnectionsSource.fixed([]);
  }
  const pool = opts.logStore ? undefined : createPool(config.databaseUrl, 4);
  const store = opts.logStore ?? new PgLogStore(createDb(pool!));
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const url = config.schemaRegistryUrl;
  const fetcher = new Fetcher(
    kafka,
    {
      events: await EventCodec.forTopic<PipelineEvent>(url, TOPICS.pipelineEvents),
      intake: await EventCodec.forTopic<IntakeEvent>(url, TOPICS.intake),
    },
    connections,
    store,
    config,
    log,
  );
  await fetcher.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'fetcher',
          log,
          port: config.port,
          readiness: async () => fetcher.readiness(),
          stats: () => fetcher.stats(),
        });
  const port = http?.port ?? 0;
  log.info(
    { port, concurrency: config.concurrency, ratePerS: config.ratePerS, connections: connections.current().length },
    'fetcher started',
  );
  return {
    name: 'fetcher',
    fetcher,
    port,
    async stop() {
      await http?.close();
      await fetcher.stop();
      connections.close();
      await pool?.end();
    },
  };
}

runIfMain(import.meta.url, 'fetcher', () => startFetcher());
