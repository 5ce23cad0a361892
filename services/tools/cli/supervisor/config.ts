// Settings of the `verity up` supervisor: VERITY_SUPERVISOR_* environment variables with documented
// defaults (docs/CONFIGURATION.md, "Supervisor"). Bad values fail at start-up with the variable's name.
import { join } from 'node:path';
import { ConfigError, readEnv, readVar } from '../../../lib/platform/config/index.js';
import { supervisorConfigSpec as spec } from './config-spec.js';
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
  return join(readVar('VERITY_DATA_DIR', spec.VERITY_DATA_DIR, env), 'verity', 'logs');
}

export function loadSupervisorConfig(env: Env = process.env): SupervisorConfig {
  const v = readEnv(spec, env);
  const baseMs = v.VERITY_SUPERVISOR_BACKOFF_BASE_MS;
  const maxMs = v.VERITY_SUPERVISOR_BACKOFF_MAX_MS;
  if (maxMs < baseMs) {
    throw new ConfigError(
      `VERITY_SUPERVISOR_BACKOFF_MAX_MS (${maxMs}) must be at least VERITY_SUPERVISOR_BACKOFF_BASE_MS (${baseMs})`,
    );
  }
  const stopTimeoutMs = v.VERITY_SUPERVISOR_STOP_TIMEOUT_MS;
  return {
    port: v.VERITY_SUPERVISOR_PORT,
    policy: {
      baseMs,
      maxMs,
      jitter: v.VERITY_SUPERVISOR_BACKOFF_JITTER_PCT / 100,
      stableMs: v.VERITY_SUPERVISOR_STABLE_MS,
      maxFastCrashes: v.VERITY_SUPERVISOR_MAX_CRASHES,
      windowMs: v.VERITY_SUPERVISOR_CRASH_WINDOW_MS,
    },
    logDir: v.VERITY_SUPERVISOR_LOG_DIR ?? defaultLogDir(env),
    logMaxBytes: v.VERITY_SUPERVISOR_LOG_MAX_BYTES,
    logFiles: v.VERITY_SUPERVISOR_LOG_FILES,
    stopTimeoutMs,
    hurryTimeoutMs: Math.min(stopTimeoutMs, v.VERITY_SUPERVISOR_HURRY_TIMEOUT_MS),
    readyTimeoutMs: v.VERITY_SUPERVISOR_READY_TIMEOUT_MS,
  };
}
