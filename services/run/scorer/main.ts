// The scorer service: grades every proposal against what happened next. `verity scorer`.
import type { RemediationEvent } from '../../lib/core/events/generated.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { servingTables } from '../../lib/readmodel/rows.js';
import { loadScorerConfig, type ScorerConfig } from './config.js';
import { Scorer } from './scorer.js';

export interface RunningScorer extends Stoppable {
  scorer: Scorer;
  port: number;
}

export async function startScorer(
  config: ScorerConfig = loadScorerConfig(),
  opts: { http?: boolean } = {},
): Promise<RunningScorer> {
  initTracing('scorer');
  const log = createLogger('scorer');
  const pool = createPool(config.databaseUrl, 2);
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const scorer = new Scorer(
    kafka,
    await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents),
    createDb(pool),
    servingTables(),
    config,
    log,
  );
  await scorer.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'scorer',
          log,
          port: config.port,
          readiness: async () => {
            await pool.query('SELECT 1');
            return true;
          },
          stats: () => scorer.stats,
        });
  const port = http?.port ?? 0;
  log.info({ port, intervalMs: config.intervalMs, expireAfterMs: config.expireAfterMs }, 'scorer started');
  return {
    name: 'scorer',
    scorer,
    port,
    async stop() {
      await http?.close();
      await scorer.stop();
      await pool.end();
    },
  };
}

runIfMain(import.meta.url, 'scorer', () => startScorer());
