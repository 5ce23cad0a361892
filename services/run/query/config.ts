// Query API configuration (README "Query API"): environment variables with documented defaults.
import { ConfigError, intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';

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
  const pageSizeMax = intFromEnv(env, 'QUERY_PAGE_SIZE_MAX', 200, 1, 10_000);
  const pageSizeDefault = intFromEnv(env, 'QUERY_PAGE_SIZE', 50, 1, 10_000);
  if (pageSizeDefault > pageSizeMax) throw new ConfigError(`QUERY_PAGE_SIZE (${pageSizeDefault}) must not exceed QUERY_PAGE_SIZE_MAX (${pageSizeMax})`);
  return {
    ...loadConfig(env),
    port: intFromEnv(env, 'QUERY_PORT', 8092, 0, 65535),
    host: env.QUERY_HOST ?? '127.0.0.1',
    tokensSpec: env.QUERY_TOKENS,
    tokensFile: env.QUERY_TOKENS_FILE,
    pageSizeDefault,
    pageSizeMax,
    stream: env.QUERY_STREAM !== 'off',
    feedback: env.QUERY_FEEDBACK !== 'off',
  };
}
