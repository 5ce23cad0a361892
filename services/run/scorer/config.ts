// Scorer configuration (README "Scorer"): environment variables with documented defaults.
import { intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';

export interface ScorerConfig extends PlatformConfig {
  /** How often unscored proposals are checked against outcomes. */
  intervalMs: number;
  /** Unscored proposals checked per round (oldest first). */
  batch: number;
  /** A proposal with no decisive outcome after this long is scored `expired`. */
  expireAfterMs: number;
  port: number;
  instanceId: string;
}

export function loadScorerConfig(env: Record<string, string | undefined> = process.env): ScorerConfig {
  return {
    ...loadConfig(env),
    intervalMs: intFromEnv(env, 'SCORER_INTERVAL_MS', 2_000, 100, 600_000),
    batch: intFromEnv(env, 'SCORER_BATCH', 500, 1, 10_000),
    expireAfterMs: intFromEnv(env, 'SCORER_EXPIRE_AFTER_MS', 24 * 3_600_000, 1_000, 90 * 24 * 3_600_000),
    port: intFromEnv(env, 'SCORER_PORT', 8095, 0, 65535),
    instanceId: env.VERITY_INSTANCE_ID ?? `scorer-${process.pid}`,
  };
}
