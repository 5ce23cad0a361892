// The coordinator service: the single writer of the decisions that span pipelines (resource groups,
// auto-cancel). `verity coordinator`.
import type { CoordinationEvent, IntakeEvent } from '../../lib/core/events/generated.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { loadCoordinatorConfig, type CoordinatorConfig } from './config.js';
import { Coordinator } from './coordinator.js';
import { setKeysSource } from './metrics.js';
import { snapshotCodec } from './snapshots.js';

export interface RunningCoordinator extends Stoppable {
  coordinator: Coordinator;
  port: number;
}

export async function startCoordinator(
  config: CoordinatorConfig = loadCoordinatorConfig(),
  opts: { http?: boolean } = {},
): Promise<RunningCoordinator> {
  initTracing('coordinator');
  const log = createLogger('coordinator');
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const admin = kafka.admin();
  await admin.connect();
  const url = config.schemaRegistryUrl;
  const coordinator = new Coordinator(
    kafka,
    admin,
    {
      coordination: await EventCodec.forTopic<CoordinationEvent>(url, TOPICS.coordination),
      intake: await EventCodec.forTopic<IntakeEvent>(url, TOPICS.intake),
      state: snapshotCodec(await EventCodec.forTopic(url, TOPICS.coordinationState)),
    },
    config,
    log,
  );
  await coordinator.start();
  setKeysSource(() => coordinator.keysInMemory);
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'coordinator',
          log,
          port: config.port,
          readiness: async () => coordinator.readiness(),
          stats: () => ({
            ...coordinator.stats,
            keys_in_memory: coordinator.keysInMemory,
            consumer: coordinator.consumerStatus(),
          }),
        });
  const port = http?.port ?? 0;
  log.info({ port, refOpenMax: config.refOpenMax }, 'coordinator started');
  return {
    name: 'coordinator',
    coordinator,
    port,
    async stop() {
      await http?.close();
      await coordinator.stop();
      setKeysSource(undefined);
      await admin.disconnect();
    },
  };
}

runIfMain(import.meta.url, 'coordinator', () => startCoordinator());
