// Exporter configuration: environment variables with documented defaults. The exporter is optional (not in the
// default supervisor list): without EXPORTER_SINK_URL it refuses to start, saying so. Bad values fail at start-up
// with the variable's name.
import {
  bool,
  ConfigError,
  instanceIdVar,
  int,
  loadConfig,
  oneOf,
  type PlatformConfig,
  readEnv,
  str,
} from '../../lib/platform/config/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const exporterConfigSpec = {
  EXPORTER_SINK_URL: str('HTTP endpoint every CDEvent is POSTed to (required: unset, the exporter does not start)'),
  EXPORTER_SINK_TOKEN: str('sent as `Authorization: Bearer <token>` when set', { secret: true }),
  EXPORTER_MODE: oneOf('CloudEvents HTTP content mode: `binary` (ce-* headers) or `structured` (one JSON document)', {
    values: ['binary', 'structured'] as const,
    default: 'binary',
  }),
  EXPORTER_SOURCE_PREFIX: str('CloudEvent source of a project: `<prefix>/<project_id>`', { default: '/verity' }),
  EXPORTER_MAX_IN_FLIGHT: int('requests to the sink at once (one pipeline’s events are sent in order)', {
    default: 8,
    min: 1,
    max: 256,
  }),
  EXPORTER_TIMEOUT_MS: int('per request to the sink', { default: 5_000, min: 100, max: 60_000 }),
  EXPORTER_BACKOFF_BASE_MS: int('first retry delay ceiling (doubles per retry, with jitter)', {
    default: 250,
    min: 1,
    max: 60_000,
  }),
  EXPORTER_BACKOFF_MAX_MS: int('longest wait before a retry, and the longest Retry-After honoured at once', {
    default: 30_000,
    min: 1,
    max: 3_600_000,
  }),
  EXPORTER_BATCH_BUDGET_MS: int(
    'how long one batch may take (requests and their retries) before the consumer takes over: it waits, keeping ' +
      'its partitions, and gives the batch another try (what the sink took is not sent again); with ' +
      '`EXPORTER_TIMEOUT_MS`, below `EXPORTER_SESSION_TIMEOUT_MS`',
    { default: 10_000, min: 0, max: 300_000 },
  ),
  EXPORTER_GROUP_ID: str('consumer group of ci.pipeline.events.v1 (instances share its partitions)', {
    default: scopedId('verity-exporter'),
    defaultText: '`verity-exporter` (after `VERITY_TOPIC_PREFIX`)',
  }),
  EXPORTER_FROM_BEGINNING: bool('a new consumer group exports the whole history (default: from the end)', {
    default: false,
  }),
  EXPORTER_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  EXPORTER_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8098, min: 0, max: 65535 }),
  VERITY_INSTANCE_ID: instanceIdVar('exporter'),
};

export interface ExporterConfig extends PlatformConfig {
  sinkUrl: string;
  sinkToken: string | undefined;
  mode: 'binary' | 'structured';
  sourcePrefix: string;
  maxInFlight: number;
  timeoutMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** How long one batch may take before the slice fails as transient (kafkajs heartbeats only between tries). */
  batchBudgetMs: number;
  groupId: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  port: number;
  instanceId: string;
}

export function loadExporterConfig(env: Record<string, string | undefined> = process.env): ExporterConfig {
  const v = readEnv(exporterConfigSpec, env);
  const sink = v.EXPORTER_SINK_URL;
  if (sink === undefined)
    throw new ConfigError(
      'EXPORTER_SINK_URL is not set: the exporter has nowhere to send CDEvents. Set it to the HTTP endpoint of ' +
        'the CDEvents sink (e.g. https://events.example.com/cdevents), or do not run the exporter.',
    );
  if (!URL.canParse(sink) || !/^https?:$/.test(new URL(sink).protocol))
    throw new ConfigError(`EXPORTER_SINK_URL must be an http(s) URL, got "${sink}"`);
  if (v.EXPORTER_BATCH_BUDGET_MS + v.EXPORTER_TIMEOUT_MS >= v.EXPORTER_SESSION_TIMEOUT_MS)
    throw new ConfigError(
      'EXPORTER_BATCH_BUDGET_MS + EXPORTER_TIMEOUT_MS must stay below EXPORTER_SESSION_TIMEOUT_MS: a batch ' +
        'taking longer would lose the consumer its partitions',
    );
  return {
    ...loadConfig(env),
    sinkUrl: sink,
    sinkToken: v.EXPORTER_SINK_TOKEN,
    mode: v.EXPORTER_MODE,
    sourcePrefix: v.EXPORTER_SOURCE_PREFIX,
    maxInFlight: v.EXPORTER_MAX_IN_FLIGHT,
    timeoutMs: v.EXPORTER_TIMEOUT_MS,
    backoff: { baseMs: v.EXPORTER_BACKOFF_BASE_MS, maxMs: v.EXPORTER_BACKOFF_MAX_MS },
    batchBudgetMs: v.EXPORTER_BATCH_BUDGET_MS,
    groupId: v.EXPORTER_GROUP_ID,
    fromBeginning: v.EXPORTER_FROM_BEGINNING,
    sessionTimeoutMs: v.EXPORTER_SESSION_TIMEOUT_MS,
    port: v.EXPORTER_PORT,
    instanceId: v.VERITY_INSTANCE_ID,
  };
}

/** The sink for logs: scheme, host and path, never credentials or a query. */
export function sinkForLog(sinkUrl: string): string {
  const u = new URL(sinkUrl);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
