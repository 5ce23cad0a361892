// Projector configuration (README "Projector"): environment variables with documented defaults.
import { intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';

export interface ProjectorConfig extends PlatformConfig {
  /** Projection name: its checkpoints and consumer group. A rebuild uses another name. */
  projection: string;
  /** Read-model version (schema rm_v<N>) to write; default: the active one. */
  version: number | null;
  concurrency: number;
  maxBytesPerPartition: number;
  sessionTimeoutMs: number;
  port: number;
  instanceId: string;
}

export function loadProjectorConfig(env: Record<string, string | undefined> = process.env): ProjectorConfig {
  return {
    ...loadConfig(env),
    projection: env.PROJECTOR_PROJECTION ?? 'pipelines',
    version: env.PROJECTOR_VERSION ? intFromEnv(env, 'PROJECTOR_VERSION', 1, 1, 999_999) : null,
    concurrency: intFromEnv(env, 'PROJECTOR_CONCURRENCY', 2, 1, 64),
    maxBytesPerPartition: intFromEnv(env, 'PROJECTOR_MAX_BYTES_PER_PARTITION', 1 << 20),
    sessionTimeoutMs: intFromEnv(env, 'PROJECTOR_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    port: intFromEnv(env, 'PROJECTOR_PORT', 8093, 0, 65535),
    instanceId: env.VERITY_INSTANCE_ID ?? `projector-${process.pid}`,
  };
}
