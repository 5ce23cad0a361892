// Settings of the `verity up` supervisor: VERITY_SUPERVISOR_* environment variables with documented
// defaults (docs/operations.md). Bad values fail at start-up with the variable's name.
import { join } from 'node:path';
import { ConfigError, intFromEnv } from '../../../lib/platform/config/index.js';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';
import type { RestartPolicy } from './policy.js';

type Env = Record<string, string | undefined>;

export interface SupervisorConfig {
  /** The ops port on 127.0.0.1 (/healthz, /readyz, /metrics, /status); 0: any free port (logged). */
  port: number;
  policy: RestartPolicy;
  /** Where each child's log goes: <logDir>/<service>.log. */
  logDir: string;
  /** A child's log is rotated once it passed this size (checked every few seconds) ... */
  logMaxBytes: number;
  /** ... keeping this many rotated files (<service>.log.1 is the newest). */
  logFiles: number;
  /** After SIGTERM to the children, how long before SIGKILL. */
  stopTimeoutMs: number;
  /** After a second signal, how long before SIGKILL. */
  hurryTimeoutMs: number;
  /** How long the supervisor waits for a child's /readyz answer. */
  readyTimeoutMs: number;
}

/** Where `verity up` keeps logs by default: $VERITY_DATA_DIR/verity/logs (.data/verity/logs). */
export function defaultLogDir(env: Env = process.env): string {
  return join(env.VERITY_DATA_DIR || join(REPO_ROOT, '.data'), 'verity', 'logs');
}

export function loadSupervisorConfig(env: Env = process.env): SupervisorConfig {
  const jitterPct = intFromEnv(env, 'VERITY_SUPERVISOR_BACKOFF_JITTER_PCT', 20, 0, 100);
  const baseMs = intFromEnv(env, 'VERITY_SUPERVISOR_BACKOFF_BASE_MS', 1000, 1, 3_600_000);
  const maxMs = intFromEnv(env, 'VERITY_SUPERVISOR_BACKOFF_MAX_MS', 30_000, 1, 3_600_000);
  if (maxMs < baseMs) throw new ConfigError(`VERITY_SUPERVISOR_BACKOFF_MAX_MS (${maxMs}) must be at least VERITY_SUPERVISOR_BACKOFF_BASE_MS (${baseMs})`);
  const stopTimeoutMs = intFromEnv(env, 'VERITY_SUPERVISOR_STOP_TIMEOUT_MS', 40_000, 1, 3_600_000);
  return {
    port: intFromEnv(env, 'VERITY_SUPERVISOR_PORT', 8089, 0, 65535),
    policy: {
      baseMs,
      maxMs,
      jitter: jitterPct / 100,
      stableMs: intFromEnv(env, 'VERITY_SUPERVISOR_STABLE_MS', 30_000, 1, 86_400_000),
      maxFastCrashes: intFromEnv(env, 'VERITY_SUPERVISOR_MAX_CRASHES', 5, 1, 1000),
      windowMs: intFromEnv(env, 'VERITY_SUPERVISOR_CRASH_WINDOW_MS', 120_000, 1, 86_400_000),
    },
    logDir: env.VERITY_SUPERVISOR_LOG_DIR || defaultLogDir(env),
    logMaxBytes: intFromEnv(env, 'VERITY_SUPERVISOR_LOG_MAX_BYTES', 10 * 1024 * 1024, 1024),
    logFiles: intFromEnv(env, 'VERITY_SUPERVISOR_LOG_FILES', 3, 0, 100),
    stopTimeoutMs,
    hurryTimeoutMs: Math.min(stopTimeoutMs, intFromEnv(env, 'VERITY_SUPERVISOR_HURRY_TIMEOUT_MS', 5000, 1, 3_600_000)),
    readyTimeoutMs: intFromEnv(env, 'VERITY_SUPERVISOR_READY_TIMEOUT_MS', 2000, 1, 60_000),
  };
}
