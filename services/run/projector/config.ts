// Projector configuration (docs/CONFIGURATION.md, "Projector"): environment variables with documented defaults.
import { instanceIdVar, int, loadConfig, type PlatformConfig, readEnv, str } from '../../lib/platform/config/index.js';

export const projectorConfigSpec = {
  PROJECTOR_PROJECTION: str(
    'projection name: checkpoints `<name>@v<version>`, group `verity-projector-<name>@v<version>`',
    { default: 'pipelines' },
  ),
  PROJECTOR_VERSION: int('read-model version (schema `rm_v<N>`) to write instead of following the active one', {
    max: 999_999,
    defaultText: 'the active one',
  }),
  PROJECTOR_CONCURRENCY: int('partitions applied at once', { default: 2, min: 1, max: 64 }),
  PROJECTOR_MAX_BYTES_PER_PARTITION: int('max bytes fetched per partition: bounds one batch', { default: 1 << 20 }),
  PROJECTOR_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  PROJECTOR_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8093, min: 0, max: 65535 }),
  VERITY_INSTANCE_ID: instanceIdVar('projector'),
};

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
  const v = readEnv(projectorConfigSpec, env);
  return {
    ...loadConfig(env),
    projection: v.PROJECTOR_PROJECTION,
    version: v.PROJECTOR_VERSION ?? null,
    concurrency: v.PROJECTOR_CONCURRENCY,
    maxBytesPerPartition: v.PROJECTOR_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: v.PROJECTOR_SESSION_TIMEOUT_MS,
    port: v.PROJECTOR_PORT,
    instanceId: v.VERITY_INSTANCE_ID,
  };
}
