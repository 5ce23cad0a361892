// Ingest configuration (README "Ingest API"): environment variables with documented defaults.
import { ConfigError, intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';

export interface IngestConfig extends PlatformConfig {
  port: number;
  host: string;
  /** Largest JSON body of a single request. */
  bodyLimitBytes: number;
  /** Largest NDJSON body of POST /v1/reports:bulk. */
  bulkLimitBytes: number;
  /** Most lines in one bulk request. */
  bulkMaxLines: number;
  /** Largest job log (after gunzip) for PUT .../log. */
  logLimitBytes: number;
  /** Longest ?wait=. */
  waitMaxMs: number;
  /** Most requests waiting for a verdict at once; more get 429. */
  maxWaiters: number;
  /** Most intake records queued for Kafka; past it requests get 503. */
  maxQueued: number;
  /** How long a request holds its Idempotency-Key beyond its ?wait; a crashed request's key is free after it. */
  idempotencyLeaseMs: number;
  /** Most pipelines whose owner the directory keeps in memory. */
  directoryCacheSize: number;
  /** How long the directory remembers that a pipeline id is unknown. */
  directoryNegativeTtlMs: number;
  /** Follow ci.pipeline.events.v1 into the directory (directory-consumer.ts); off: another instance must. */
  directoryFeed: boolean;
  /** Producer tokens: INGEST_TOKENS or the JSON file INGEST_TOKENS_FILE (see tokens.ts). */
  tokensSpec: string | undefined;
  tokensFile: string | undefined;
  instanceId: string;
}

function onOff(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

export function loadIngestConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  return {
    ...loadConfig(env),
    port: intFromEnv(env, 'INGEST_PORT', 8090, 0, 65535),
    host: env.INGEST_HOST ?? '127.0.0.1',
    bodyLimitBytes: intFromEnv(env, 'INGEST_BODY_LIMIT_BYTES', 1 << 20),
    bulkLimitBytes: intFromEnv(env, 'INGEST_BULK_LIMIT_BYTES', 16 << 20),
    bulkMaxLines: intFromEnv(env, 'INGEST_BULK_MAX_LINES', 10_000),
    logLimitBytes: intFromEnv(env, 'INGEST_LOG_LIMIT_BYTES', 32 << 20),
    waitMaxMs: intFromEnv(env, 'INGEST_WAIT_MAX_MS', 30_000, 0),
    maxWaiters: intFromEnv(env, 'INGEST_MAX_WAITERS', 1000),
    maxQueued: intFromEnv(env, 'INGEST_MAX_QUEUED', 20_000),
    idempotencyLeaseMs: intFromEnv(env, 'INGEST_IDEMPOTENCY_LEASE_MS', 5000, 100, 600_000),
    directoryCacheSize: intFromEnv(env, 'INGEST_DIRECTORY_CACHE_SIZE', 100_000, 1, 10_000_000),
    directoryNegativeTtlMs: intFromEnv(env, 'INGEST_DIRECTORY_NEGATIVE_TTL_MS', 1000, 0, 60_000),
    directoryFeed: onOff(env, 'INGEST_DIRECTORY_FEED', true),
    tokensSpec: env.INGEST_TOKENS,
    tokensFile: env.INGEST_TOKENS_FILE,
    instanceId: env.VERITY_INSTANCE_ID ?? `ingest-${process.pid}`,
  };
}
