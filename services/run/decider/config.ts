// Decider configuration (README "Decider"): environment variables with documented defaults.
import { intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export interface DeciderConfig extends PlatformConfig {
  groupId: string;
  instanceId: string;
  /** Partitions processed at once, each in its own transaction. */
  concurrency: number;
  /** Max bytes fetched per partition: bounds one transaction. */
  maxBytesPerPartition: number;
  /** Longest wait for the state restore of newly assigned partitions. */
  restoreTimeoutMs: number;
  /** Transactions disabled: only for the benchmark baseline (not exactly-once). */
  transactional: boolean;
  port: number;
  sessionTimeoutMs: number;
  /** How long a finished pipeline stays in memory and in the changelog after its last report. */
  finishedRetentionMs: number;
}

export function loadDeciderConfig(env: Record<string, string | undefined> = process.env): DeciderConfig {
  return {
    ...loadConfig(env),
    groupId: env.DECIDER_GROUP_ID ?? scopedId('verity-decider'),
    instanceId: env.VERITY_INSTANCE_ID ?? `decider-${process.pid}`,
    concurrency: intFromEnv(env, 'DECIDER_CONCURRENCY', 4, 1, 64),
    maxBytesPerPartition: intFromEnv(env, 'DECIDER_MAX_BYTES_PER_PARTITION', 1 << 20),
    restoreTimeoutMs: intFromEnv(env, 'DECIDER_RESTORE_TIMEOUT_MS', 120_000),
    transactional: env.DECIDER_TRANSACTIONAL !== 'false',
    port: intFromEnv(env, 'DECIDER_PORT', 8091, 0, 65535),
    sessionTimeoutMs: intFromEnv(env, 'DECIDER_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    finishedRetentionMs: intFromEnv(env, 'DECIDER_FINISHED_RETENTION_MS', 24 * 60 * 60 * 1000, 0),
  };
}
