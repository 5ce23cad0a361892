// Query API configuration (docs/CONFIGURATION.md, "Query API"): environment variables with documented defaults.
import {
  ConfigError,
  int,
  loadConfig,
  onOff,
  type PlatformConfig,
  readEnv,
  str,
} from '../../lib/platform/config/index.js';

export const queryConfigSpec = {
  QUERY_PORT: int('where the API listens', { default: 8092, min: 0, max: 65535 }),
  QUERY_HOST: str('the address the API binds', { default: '127.0.0.1' }),
  QUERY_TOKENS: str("read tokens, in the format of ingest's producer tokens (`INGEST_TOKENS`)", { secret: true }),
  QUERY_TOKENS_FILE: str('JSON file of read tokens, instead of `QUERY_TOKENS`'),
  QUERY_PAGE_SIZE: int('items per page when `?limit` is absent; at most `QUERY_PAGE_SIZE_MAX`', {
    default: 50,
    min: 1,
    max: 10_000,
  }),
  QUERY_PAGE_SIZE_MAX: int('largest `?limit`', { default: 200, min: 1, max: 10_000 }),
  QUERY_STREAM: onOff('`GET /v1/stream` (needs Kafka); `off` answers it with `503`', { default: true }),
  QUERY_FEEDBACK: onOff('`POST /v1/remediations/{id}/feedback` (publishes to Kafka); `off` answers it with `503`', {
    default: true,
  }),
};

export interface QueryConfig extends PlatformConfig {
  port: number;
  host: string;
  /** Read tokens: QUERY_TOKENS or the JSON file QUERY_TOKENS_FILE, in the format of ingest's producer tokens. */
  tokensSpec: string | undefined;
  tokensFile: string | undefined;
  /** Items per page when ?limit is absent. */
  pageSizeDefault: number;
  /** Largest ?limit. */
  pageSizeMax: number;
  /** GET /v1/stream (needs Kafka); QUERY_STREAM=off disables it. */
  stream: boolean;
  /** POST /v1/remediations/{id}/feedback (publishes to Kafka); QUERY_FEEDBACK=off disables it. */
  feedback: boolean;
}

export function loadQueryConfig(env: Record<string, string | undefined> = process.env): QueryConfig {
  const v = readEnv(queryConfigSpec, env);
  const { QUERY_PAGE_SIZE: pageSizeDefault, QUERY_PAGE_SIZE_MAX: pageSizeMax } = v;
  if (pageSizeDefault > pageSizeMax) {
    throw new ConfigError(`QUERY_PAGE_SIZE (${pageSizeDefault}) must not exceed QUERY_PAGE_SIZE_MAX (${pageSizeMax})`);
  }
  return {
    ...loadConfig(env),
    port: v.QUERY_PORT,
    host: v.QUERY_HOST,
    tokensSpec: v.QUERY_TOKENS,
    tokensFile: v.QUERY_TOKENS_FILE,
    pageSizeDefault,
    pageSizeMax,
    stream: v.QUERY_STREAM,
    feedback: v.QUERY_FEEDBACK,
  };
}
