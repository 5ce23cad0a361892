// Coordinator configuration (docs/CONFIGURATION.md, "Coordinator"): environment variables with documented
// defaults. Bad values fail at start-up with the variable's name.
import { instanceIdVar, int, loadConfig, type PlatformConfig, readEnv, str } from '../../lib/platform/config/index.js';
import { REF_OPEN_MAX } from '../../lib/core/coordination/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const coordinatorConfigSpec = {
  COORDINATOR_GROUP_ID: str('consumer group', {
    default: scopedId('verity-coordinator'),
    defaultText: '`verity-coordinator` (after `VERITY_TOPIC_PREFIX`)',
  }),
  VERITY_INSTANCE_ID: instanceIdVar('coordinator'),
  COORDINATOR_CONCURRENCY: int('partitions processed at once, each its own transaction', {
    default: 4,
    min: 1,
    max: 64,
  }),
  COORDINATOR_MAX_BYTES_PER_PARTITION: int('max bytes fetched per partition: bounds one transaction', {
    default: 1 << 20,
  }),
  COORDINATOR_RESTORE_TIMEOUT_MS: int('longest state restore of newly assigned partitions', { default: 120_000 }),
  COORDINATOR_REF_OPEN_MAX: int(
    'pipelines alive on one ref the coordinator keeps for auto-cancel; past it the oldest are dropped ' +
      '(`verity_coordination_ref_dropped_total`, a warning in the log) and never auto-canceled',
    { default: REF_OPEN_MAX, min: 1, max: 100_000 },
  ),
  COORDINATOR_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', {
    default: 8097,
    min: 0,
    max: 65535,
  }),
  COORDINATOR_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
};

export interface CoordinatorConfig extends PlatformConfig {
  groupId: string;
  instanceId: string;
  /** Partitions processed at once, each in its own transaction. */
  concurrency: number;
  /** Max bytes fetched per partition: bounds one transaction. */
  maxBytesPerPartition: number;
  /** Longest wait for the state restore of newly assigned partitions. */
  restoreTimeoutMs: number;
  /** Bound of a ref's open set. */
  refOpenMax: number;
  port: number;
  sessionTimeoutMs: number;
}

export function loadCoordinatorConfig(env: Record<string, string | undefined> = process.env): CoordinatorConfig {
  const v = readEnv(coordinatorConfigSpec, env);
  return {
    ...loadConfig(env),
    groupId: v.COORDINATOR_GROUP_ID,
    instanceId: v.VERITY_INSTANCE_ID,
    concurrency: v.COORDINATOR_CONCURRENCY,
    maxBytesPerPartition: v.COORDINATOR_MAX_BYTES_PER_PARTITION,
    restoreTimeoutMs: v.COORDINATOR_RESTORE_TIMEOUT_MS,
    refOpenMax: v.COORDINATOR_REF_OPEN_MAX,
    port: v.COORDINATOR_PORT,
    sessionTimeoutMs: v.COORDINATOR_SESSION_TIMEOUT_MS,
  };
}
