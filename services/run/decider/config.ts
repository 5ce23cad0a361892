// Decider configuration (docs/CONFIGURATION.md, "Decider"): environment variables with documented defaults.
import {
  bool,
  instanceIdVar,
  int,
  loadConfig,
  type PlatformConfig,
  readEnv,
  str,
} from '../../lib/platform/config/index.js';
import { DEFAULT_TXN_GAP_MS } from '../../lib/platform/consumer/tx-producers.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const deciderConfigSpec = {
  DECIDER_GROUP_ID: str('consumer group', {
    default: scopedId('verity-decider'),
    defaultText: '`verity-decider` (after `VERITY_TOPIC_PREFIX`)',
  }),
  VERITY_INSTANCE_ID: instanceIdVar('decider'),
  DECIDER_CONCURRENCY: int('partitions processed at once, each its own transaction', { default: 4, min: 1, max: 64 }),
  DECIDER_MAX_BYTES_PER_PARTITION: int('max bytes fetched per partition: bounds one transaction', { default: 1 << 20 }),
  DECIDER_RESTORE_TIMEOUT_MS: int('longest state restore of newly assigned partitions', { default: 120_000 }),
  DECIDER_TXN_GAP_MS: int(
    "least time between a partition's transactions: one begun while the coordinator still writes the last " +
      "one's markers is refused and retried (CONCURRENT_TRANSACTIONS); 0 turns pacing off",
    { default: DEFAULT_TXN_GAP_MS, min: 0, max: 1000 },
  ),
  DECIDER_TRANSACTIONAL: bool('`false` only for the benchmark baseline (not exactly-once)', { default: true }),
  DECIDER_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8091, min: 0, max: 65535 }),
  DECIDER_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  DECIDER_FINISHED_RETENTION_MS: int(
    'a finished pipeline idle this long (24 h) is dropped from memory and tombstoned in the changelog; ' +
      'later reports for it are rejected as `unknown_pipeline`',
    { default: 24 * 60 * 60 * 1000, min: 0 },
  ),
};

export interface DeciderConfig extends PlatformConfig {
  groupId: string;
  instanceId: string;
  /** Partitions processed at once, each in its own transaction. */
  concurrency: number;
  /** Max bytes fetched per partition: bounds one transaction. */
  maxBytesPerPartition: number;
  /** Longest wait for the state restore of newly assigned partitions. */
  restoreTimeoutMs: number;
  /** Least time between a partition's transactions (tx-producers.ts, "Pacing"). */
  transactionGapMs: number;
  /** Transactions disabled: only for the benchmark baseline (not exactly-once). */
  transactional: boolean;
  port: number;
  sessionTimeoutMs: number;
  /** How long a finished pipeline stays in memory and in the changelog after its last report. */
  finishedRetentionMs: number;
}

export function loadDeciderConfig(env: Record<string, string | undefined> = process.env): DeciderConfig {
  const v = readEnv(deciderConfigSpec, env);
  return {
    ...loadConfig(env),
    groupId: v.DECIDER_GROUP_ID,
    instanceId: v.VERITY_INSTANCE_ID,
    concurrency: v.DECIDER_CONCURRENCY,
    maxBytesPerPartition: v.DECIDER_MAX_BYTES_PER_PARTITION,
    restoreTimeoutMs: v.DECIDER_RESTORE_TIMEOUT_MS,
    transactionGapMs: v.DECIDER_TXN_GAP_MS,
    transactional: v.DECIDER_TRANSACTIONAL,
    port: v.DECIDER_PORT,
    sessionTimeoutMs: v.DECIDER_SESSION_TIMEOUT_MS,
    finishedRetentionMs: v.DECIDER_FINISHED_RETENTION_MS,
  };
}
