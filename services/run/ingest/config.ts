// Ingest configuration (docs/CONFIGURATION.md, "Ingest"): environment variables with documented defaults.
import {
  instanceIdVar,
  int,
  loadConfig,
  onOff,
  type PlatformConfig,
  readEnv,
  str,
} from '../../lib/platform/config/index.js';

export const ingestConfigSpec = {
  INGEST_PORT: int('where the API listens', { default: 8090, min: 0, max: 65535 }),
  INGEST_HOST: str('the address the API binds', { default: '127.0.0.1' }),
  INGEST_TOKENS: str('producer tokens: `name:token:project|project;…` (`*` = every project; tokens ≥ 16 characters)', {
    secret: true,
  }),
  INGEST_TOKENS_FILE: str('JSON file `[{"name","token","projects":[…]}]`, instead of `INGEST_TOKENS`'),
  INGEST_BODY_LIMIT_BYTES: int('largest JSON body of a single request', { default: 1 << 20 }),
  INGEST_BULK_LIMIT_BYTES: int('largest NDJSON body of `POST /v1/reports:bulk`', { default: 16 << 20 }),
  INGEST_BULK_MAX_LINES: int('most lines in one bulk request', { default: 10_000 }),
  INGEST_LOG_LIMIT_BYTES: int('largest job log (after gunzip)', { default: 32 << 20 }),
  INGEST_WAIT_MAX_MS: int('longest `?wait=`', { default: 30_000, min: 0 }),
  INGEST_MAX_WAITERS: int('most requests waiting for a verdict at once; more get `429`', { default: 1000 }),
  INGEST_MAX_QUEUED: int('most records queued for Kafka; past it requests get `503`', { default: 20_000 }),
  INGEST_IDEMPOTENCY_LEASE_MS: int('how long past its `?wait` a request in flight holds its Idempotency-Key', {
    default: 5000,
    min: 100,
    max: 600_000,
  }),
  INGEST_DIRECTORY_CACHE_SIZE: int('pipelines whose owner is kept in memory', {
    default: 100_000,
    min: 1,
    max: 10_000_000,
  }),
  INGEST_DIRECTORY_NEGATIVE_TTL_MS: int('how long an unknown pipeline id is remembered as unknown', {
    default: 1000,
    min: 0,
    max: 60_000,
  }),
  INGEST_DIRECTORY_FEED: onOff(
    'follow `ci.pipeline.events.v1` into the directory (group `verity-ingest-directory`); `off`: another instance must',
    { default: true },
  ),
  VERITY_INSTANCE_ID: instanceIdVar('ingest'),
};

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

export function loadIngestConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  const v = readEnv(ingestConfigSpec, env);
  return {
    ...loadConfig(env),
    port: v.INGEST_PORT,
    host: v.INGEST_HOST,
    bodyLimitBytes: v.INGEST_BODY_LIMIT_BYTES,
    bulkLimitBytes: v.INGEST_BULK_LIMIT_BYTES,
    bulkMaxLines: v.INGEST_BULK_MAX_LINES,
    logLimitBytes: v.INGEST_LOG_LIMIT_BYTES,
    waitMaxMs: v.INGEST_WAIT_MAX_MS,
    maxWaiters: v.INGEST_MAX_WAITERS,
    maxQueued: v.INGEST_MAX_QUEUED,
    idempotencyLeaseMs: v.INGEST_IDEMPOTENCY_LEASE_MS,
    directoryCacheSize: v.INGEST_DIRECTORY_CACHE_SIZE,
    directoryNegativeTtlMs: v.INGEST_DIRECTORY_NEGATIVE_TTL_MS,
    directoryFeed: v.INGEST_DIRECTORY_FEED,
    tokensSpec: v.INGEST_TOKENS,
    tokensFile: v.INGEST_TOKENS_FILE,
    instanceId: v.VERITY_INSTANCE_ID,
  };
}
