// Fetcher configuration: environment variables with documented defaults (to be rendered into
// docs/CONFIGURATION.md, "Fetcher"). Bad values fail at start-up with the variable's name.
import {
  ConfigError,
  instanceIdVar,
  int,
  loadConfig,
  num,
  type PlatformConfig,
  readEnv,
  str,
} from '../../lib/platform/config/index.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';

export const fetcherConfigSpec = {
  FETCHER_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8099, min: 0, max: 65535 }),
  FETCHER_CONCURRENCY: int('log fetches at once (every connection together)', { default: 8, min: 1, max: 1000 }),
  FETCHER_RATE_PER_S: num("requests per second to one connection's API, at most (a burst of as many)", {
    default: 5,
    unit: 'requests/s',
  }),
  FETCHER_MAX_ATTEMPTS: int('attempts of one request (network errors, timeouts, 5xx, 429) before `fetch_error`', {
    default: 5,
    min: 1,
    max: 20,
  }),
  FETCHER_TIMEOUT_MS: int('one request, headers and body', { default: 60_000, min: 100, max: 600_000 }),
  FETCHER_MAX_WAIT_MS: int(
    'longest wait before a retry honoured (`Retry-After`, rate-limit reset); longer: `fetch_error`',
    {
      default: 120_000,
      min: 10,
      max: 3_600_000,
    },
  ),
  FETCHER_LOG_LIMIT_BYTES: int('largest log kept; a longer one is cut to its last bytes, which say so', {
    default: 32 << 20,
    min: 1024,
  }),
  FETCHER_LOOKBACK_HOURS: int(
    'on assignment, a partition is read from this long ago (or from its committed offset, if older) to know ' +
      "the observed pipelines again; failed jobs are acted on from the committed offset only (0: from the topic's start)",
    { default: 24, min: 0, max: 100_000 },
  ),
  FETCHER_MAX_PIPELINES: int('observed pipelines remembered (least recently used out)', {
    default: 50_000,
    min: 1,
    max: 10_000_000,
  }),
  FETCHER_MAX_JOBS: int('observed job attempts remembered (least recently used out)', {
    default: 200_000,
    min: 1,
    max: 10_000_000,
  }),
  FETCHER_PARK_MS: int('how long a failed job waits for the JobObserved of its decision', {
    default: 5000,
    min: 0,
    max: 600_000,
  }),
  FETCHER_GROUP_ID: str('consumer group (instances share the partitions of `ci.pipeline.events.v1`)', {
    default: scopedId('verity-fetcher'),
    defaultText: '`verity-fetcher` (after `VERITY_TOPIC_PREFIX`)',
  }),
  FETCHER_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  INGEST_TOKENS_FILE: str('the producer tokens file whose `connections` hold the API tokens (re-read on change)'),
  VERITY_INSTANCE_ID: instanceIdVar('fetcher'),
};

export interface FetcherConfig extends PlatformConfig {
  port: number;
  concurrency: number;
  ratePerS: number;
  maxAttempts: number;
  timeoutMs: number;
  maxWaitMs: number;
  logLimitBytes: number;
  lookbackMs: number;
  maxPipelines: number;
  maxJobs: number;
  parkMs: number;
  groupId: string;
  sessionTimeoutMs: number;
  tokensFile: string | undefined;
  instanceId: string;
  /** The topics read and written (a test gives scratch ones). */
  eventsTopic: string;
  intakeTopic: string;
}

export function loadFetcherConfig(env: Record<string, string | undefined> = process.env): FetcherConfig {
  const v = readEnv(fetcherConfigSpec, env);
  if (v.FETCHER_RATE_PER_S <= 0) throw new ConfigError('FETCHER_RATE_PER_S must be greater than 0');
  return {
    ...loadConfig(env),
    port: v.FETCHER_PORT,
    concurrency: v.FETCHER_CONCURRENCY,
    ratePerS: v.FETCHER_RATE_PER_S,
    maxAttempts: v.FETCHER_MAX_ATTEMPTS,
    timeoutMs: v.FETCHER_TIMEOUT_MS,
    maxWaitMs: v.FETCHER_MAX_WAIT_MS,
    logLimitBytes: v.FETCHER_LOG_LIMIT_BYTES,
    lookbackMs: v.FETCHER_LOOKBACK_HOURS * 3_600_000,
    maxPipelines: v.FETCHER_MAX_PIPELINES,
    maxJobs: v.FETCHER_MAX_JOBS,
    parkMs: v.FETCHER_PARK_MS,
    groupId: v.FETCHER_GROUP_ID,
    sessionTimeoutMs: v.FETCHER_SESSION_TIMEOUT_MS,
    tokensFile: v.INGEST_TOKENS_FILE,
    instanceId: v.VERITY_INSTANCE_ID,
    eventsTopic: TOPICS.pipelineEvents,
    intakeTopic: TOPICS.intake,
  };
}
