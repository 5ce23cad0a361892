// The remediator service: failures → remediation proposals. `verity remediator`.
import type { PipelineEvent, RemediationEvent } from '../../lib/core/events/generated.js';
import { createHeuristicProvider } from '../../lib/core/remediation/heuristic.js';
import type { RemediationProvider } from '../../lib/core/remediation/proposal.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { PgLogStore } from '../../lib/platform/logstore/pg-log-store.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { servingTables } from '../../lib/readmodel/rows.js';
import { loadRemediatorConfig, type RemediatorConfig } from './config.js';
import { ContextSource } from './context.js';
import { createProvider } from './providers/index.js';
import { Remediator } from './remediator.js';

export interface RunningRemediator extends Stoppable {
  remediator: Remediator;
  port: number;
}

export async function startRemediator(
  config: RemediatorConfig = loadRemediatorConfig(),
  opts: { http?: boolean } = {},
): Promise<RunningRemediator> {
  initTracing('remediator');
  const log = createLogger('remediator');
  const pool = createPool(config.databaseUrl, 4, log);
  const db = createDb(pool);
  const providers = new Map<string, RemediationProvider>();
  const providerNamed = (name: string): RemediationProvider => {
    const known = providers.get(name);
    if (known) return known;
    const created = name === 'heuristic' ? createHeuristicProvider() : createProvider(name, config.openai);
    providers.set(name, created);
    return created;
  };
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const url = config.schemaRegistryUrl;
  const remediator = new Remediator(
    kafka,
    {
      events: await EventCodec.forTopic<PipelineEvent>(url, TOPICS.pipelineEvents),
      remediations: await EventCodec.forTopic<RemediationEvent>(url, TOPICS.remediationEvents),
    },
    new ContextSource(db, servingTables(), new PgLogStore(db)),
    providerNamed,
    config,
    log,
  );
  await remediator.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'remediator',
          log,
          port: config.port,
          readiness: async () => {
            const r = remediator.readiness();
            if (r !== true) return r;
            await pool.query('SELECT 1');
            return true;
          },
          stats: () => ({
            ...remediator.stats,
            circuits: remediator.circuitStates,
            kill_switch: config.killSwitch,
            shadow: config.shadow,
            consumer: remediator.consumerStatus(),
          }),
        });
  const port = http?.port ?? 0;
  log.info(
    { port, provider: config.provider, killSwitch: config.killSwitch, shadow: config.shadow },
    'remediator started',
  );
  return {
    name: 'remediator',
    remediator,
    port,
    async stop() {
      await http?.close();
      await remediator.stop();
      await pool.end();
    },
  };
}

runIfMain(import.meta.url, 'remediator', () => startRemediator());
