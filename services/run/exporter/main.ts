// The exporter service: Verity's canonical events as CDEvents, POSTed to a sink (issue 14). `verity exporter`.
// Optional: it is not in the default supervisor list, and without EXPORTER_SINK_URL it refuses to start.
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { loadExporterConfig, sinkForLog, type ExporterConfig } from './config.js';
import { Exporter } from './exporter.js';
import { HttpSink, type Sink } from './sink.js';

export interface RunningExporter extends Stoppable {
  exporter: Exporter;
  port: number;
}

export async function startExporter(
  config: ExporterConfig = loadExporterConfig(),
  opts: { http?: boolean; sink?: Sink } = {},
): Promise<RunningExporter> {
  initTracing('exporter');
  const log = createLogger('exporter');
  const kafka = createKafka(config, `verity-${config.instanceId}`);
  const exporter = new Exporter(
    kafka,
    await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents),
    opts.sink ?? new HttpSink(config),
    config,
    log,
  );
  await exporter.start();
  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'exporter',
          log,
          port: config.port,
          readiness: async () => exporter.readiness(),
          stats: () => ({ ...exporter.stats, consumer: exporter.consumerStatus() }),
        });
  const port = http?.port ?? 0;
  log.info(
    {
      port,
      sink: sinkForLog(config.sinkUrl),
      mode: config.mode,
      group: config.groupId,
      maxInFlight: config.maxInFlight,
    },
    'exporter started',
  );
  return {
    name: 'exporter',
    exporter,
    port,
    async stop() {
      await http?.close();
      await exporter.stop();
    },
  };
}

runIfMain(import.meta.url, 'exporter', () => startExporter());
