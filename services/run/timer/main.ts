// The timer service: due times → Tick reports. `verity timer`.
import type { IntakeEvent, PipelineDueEvent } from '../../lib/core/events/generated.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { loadTimerConfig, type TimerConfig } from './config.js';
import { Timer } from './timer.js';

export interface RunningTimer extends Stoppable {
  timer: Timer;
  port: number;
}

export async function startTimer(
  config: TimerConfig = loadTimerConfig(),
  opts: { http?: boolean } = {},
): Promise<RunningTimer> {
  initTracing('timer');
  const log = createLogger('timer');
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const url = config.schemaRegistryUrl;
  const timer = new Timer(
    kafka,
    {
      due: await EventCodec.forTopic<PipelineDueEvent>(url, TOPICS.pipelineDue),
      intake: await EventCodec.forTopic<IntakeEvent>(url, TOPICS.intake),
    },
    config,
    log,
  );
  await timer.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'timer',
          log,
          port: config.port,
          readiness: async () => timer.readiness(),
          stats: () => ({
            ...timer.stats,
            pipelines: timer.book.size,
            oldest_overdue_s: timer.book.oldestOverdueMs(Date.now()) / 1000,
            partitions: timer.partitions,
            consumer: timer.consumerStatus(),
          }),
        });
  const port = http?.port ?? 0;
  log.info(
    { port, intervalMs: config.intervalMs, resendMs: config.resendMs, maxPipelines: config.maxPipelines },
    'timer started',
  );
  return {
    name: 'timer',
    timer,
    port,
    async stop() {
      await http?.close();
      await timer.stop();
    },
  };
}

runIfMain(import.meta.url, 'timer', () => startTimer());
