// Variables read outside the config loaders: by modules that take them from process.env themselves, by the
// OpenTelemetry SDK, by the shell scripts of the local stack and by tools. They are declared here for
// docs/CONFIGURATION.md only — nothing reads them through these declarations — so config-doc.test.ts
// checks that each is still named in one of the files said to read it.
import { int, type Spec, str } from '../../lib/platform/config/index.js';

export interface ReadElsewhere {
  /** Files (from the repository root) that read these variables. */
  readBy: string[];
  spec: Spec;
}

export const runtime: ReadElsewhere = {
  readBy: ['services/lib/platform/kafka/topics.ts', 'services/lib/platform/lifecycle.ts'],
  spec: {
    VERITY_TOPIC_PREFIX: str(
      'prefix of every topic, consumer group and transactional id: isolates a Verity (benchmarks, experiments) ' +
        'on a shared cluster; schema subjects keep the logical names',
    ),
    VERITY_SHUTDOWN_TIMEOUT_MS: int('graceful shutdown deadline: past it a service exits at once', { default: 30_000 }),
  },
};

export const tracing: ReadElsewhere = {
  readBy: [
    'services/lib/platform/telemetry/tracing.ts',
    'node_modules/@opentelemetry/sdk-trace-base/build/src/config.js',
    'node_modules/@opentelemetry/otlp-exporter-base/build/src/configuration/otlp-node-http-env-configuration.js',
  ],
  spec: {
    VERITY_TRACING: str('`off` (or `false`, `0`) installs no tracing: every span is a no-op, no trace headers'),
    OTEL_SDK_DISABLED: str('`true`: as `VERITY_TRACING=off`'),
    OTEL_SERVICE_NAME: str("the resource's `service.name`", { defaultText: '`verity-<service>`' }),
    OTEL_EXPORTER_OTLP_ENDPOINT: str('OTLP/HTTP collector: spans are exported only when this or the next is set'),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: str('OTLP/HTTP traces endpoint, instead of `OTEL_EXPORTER_OTLP_ENDPOINT`'),
    OTEL_EXPORTER_OTLP_HEADERS: str('headers of the export requests (`key=value,…`)', { secret: true }),
    OTEL_TRACES_SAMPLER: str('sampler, as the OpenTelemetry SDK reads it', { defaultText: '`parentbased_always_on`' }),
  },
};

export const localStack: ReadElsewhere = {
  readBy: [
    'infra/stack/lib.sh',
    'infra/stack/kafka.sh',
    'infra/stack/registry.sh',
    'infra/stack/postgres.sh',
    'infra/stack/verity.sh',
  ],
  spec: {
    VERITY_PG_PORT: int('port of the local Postgres', { default: 54329, max: 65535 }),
    VERITY_PG_OS_USER: str('OS user that runs Postgres when `make up` runs as root', { default: 'postgres' }),
    KAFKA_HEAP: str("Kafka's JVM heap flags", { default: '-Xmx768m -Xms768m' }),
    REGISTRY_HEAP: str("the schema registry's JVM heap flags", { default: '-Xmx384m -Xms128m' }),
    JAVA: str('the java binary of Kafka and the registry', { default: 'java' }),
    VERITY_START_TIMEOUT_S: int('how long `make demo` (`infra/stack/verity.sh start`) waits for the services', {
      default: 120,
    }),
  },
};

export const tools: ReadElsewhere = {
  readBy: ['services/tools/generator/main.ts', 'services/run/decider/faults.ts', 'services/run/projector/store.ts'],
  spec: {
    LOADGEN_URL: str('where the load generator sends reports', { defaultText: '`http://127.0.0.1:<INGEST_PORT>`' }),
    LOADGEN_TOKEN: str("the load generator's producer token (default: the first of `INGEST_TOKENS`)", { secret: true }),
    LOGCHUNKS_PATH: str('labelled CI logs (LogChunks, gzipped JSONL) for the generator and the benchmarks', {
      defaultText: '`../shared/data/logchunks/dev.jsonl.gz` (from the repository)',
    }),
    VERITY_FAULT: str('test-only fault injection: `decider.kill-before-commit:N`, `projector.kill-mid-batch:N`'),
  },
};
