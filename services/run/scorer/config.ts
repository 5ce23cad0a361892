// Scorer configuration (docs/CONFIGURATION.md, "Scorer"): environment variables with documented defaults.
import { instanceIdVar, int, loadConfig, type PlatformConfig, readEnv } from '../../lib/platform/config/index.js';

export const scorerConfigSpec = {
  SCORER_INTERVAL_MS: int('how often unscored proposals are checked against outcomes', {
    default: 2_000,
    min: 100,
    max: 600_000,
  }),
  SCORER_BATCH: int('unscored proposals checked per round (oldest first)', { default: 500, min: 1, max: 10_000 }),
  SCORER_EXPIRE_AFTER_MS: int('a proposal with no decisive outcome after this long (24 h) is scored `expired`', {
    default: 24 * 3_600_000,
    min: 1_000,
    max: 90 * 24 * 3_600_000,
  }),
  SCORER_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8095, min: 0, max: 65535 }),
  VERITY_INSTANCE_ID: instanceIdVar('scorer'),
};

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
  const v = readEnv(scorerConfigSpec, env);
  return {
    ...loadConfig(env),
    intervalMs: v.SCORER_INTERVAL_MS,
    batch: v.SCORER_BATCH,
    expireAfterMs: v.SCORER_EXPIRE_AFTER_MS,
    port: v.SCORER_PORT,
    instanceId: v.VERITY_INSTANCE_ID,
  };
}
