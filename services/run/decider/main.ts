// The decider service: the single writer of ci.pipeline.events.v1. `tsx services/run/decider/main.ts`.
import type {
  CoordinationEvent,
  IntakeEvent,
  IntakeRejectedEvent,
  PipelineDue,
  PipelineEvent,
  PipelineSnapshot,
} from '../../lib/core/events/generated.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { loadDeciderConfig, type DeciderConfig } from './config.js';
import { Decider } from './decider.js';

export interface RunningDecider extends Stoppable {
  decider: Decider;
  port: number;
}

export async function startDecider(
  config: DeciderConfig = loadDeciderConfig(),
  opts: { http?: boolean } = {},
): Promise<RunningDecider> {
  initTracing('decider');
  const log = createLogger('decider');
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const admin = kafka.admin();
  await admin.connect();
  const url = config.schemaRegistryUrl;
  const decider = new Decider(
    kafka,
    admin,
    {
      intake: await EventCodec.forTopic<IntakeEvent>(url, TOPICS.intake),
      events: await EventCodec.forTopic<PipelineEvent>(url, TOPICS.pipelineEvents),
      rejected: await EventCodec.forTopic<IntakeRejectedEvent>(url, TOPICS.intakeRejected),
      state: await EventCodec.forTopic<PipelineSnapshot>(url, TOPICS.pipelineState),
      due: await EventCodec.forTopic<PipelineDue>(url, TOPICS.pipelineDue),
      coordination: await EventCodec.forTopic<CoordinationEvent>(url, TOPICS.coordination),
    },
    config,
    log,
  );
  await decider.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'decider',
          log,
          readiness: async () => decider.readiness(),
          port: config.port,
          stats: () => ({
            ...decider.stats,
            pipelines_in_memory: decider.pipelinesInMemory,
            consumer: decider.consumerStatus(),
          }),
        });
  const port = http?.port ?? 0;
  log.info({ port, transactional: config.transactional }, 'decider started');
  return {
    name: 'decider',
    decider,
    port,
    async stop() {
      await http?.close();
      await decider.stop();
      await admin.disconnect();
    },
  };
}

runIfMain(import.meta.url, 'decider', () => startDecider());
