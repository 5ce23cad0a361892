// The variables of the `verity up` supervisor, read by config.ts beside it and documented in
// docs/CONFIGURATION.md (the generator reaches them through services/tools/cli/index.ts).
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';
import { int, str } from '../../../lib/platform/config/env-spec.js';

export const supervisorConfigSpec = {
  VERITY_SUPERVISOR_PORT: int("the supervisor's ops port on 127.0.0.1 (`0`: any free port, logged)", {
    default: 8089,
    min: 0,
    max: 65535,
  }),
  VERITY_SUPERVISOR_BACKOFF_BASE_MS: int('first restart delay', { default: 1000, min: 1, max: 3_600_000 }),
  VERITY_SUPERVISOR_BACKOFF_MAX_MS: int('cap of the restart delay; at least the first', {
    default: 30_000,
    min: 1,
    max: 3_600_000,
  }),
  VERITY_SUPERVISOR_BACKOFF_JITTER_PCT: int('up to this share of a restart delay is taken off at random', {
    default: 20,
    min: 0,
    max: 100,
  }),
  VERITY_SUPERVISOR_STABLE_MS: int('a child up this long was stable: backoff and crash history start over', {
    default: 30_000,
    min: 1,
    max: 86_400_000,
  }),
  VERITY_SUPERVISOR_MAX_CRASHES: int('fast crashes within the window that give a service up', {
    default: 5,
    min: 1,
    max: 1000,
  }),
  VERITY_SUPERVISOR_CRASH_WINDOW_MS: int('the window of those crashes', { default: 120_000, min: 1, max: 86_400_000 }),
  VERITY_SUPERVISOR_STOP_TIMEOUT_MS: int('after SIGTERM to the children, SIGKILL to those still running', {
    default: 40_000,
    min: 1,
    max: 3_600_000,
  }),
  VERITY_SUPERVISOR_HURRY_TIMEOUT_MS: int('the same after a second signal (at most the stop timeout)', {
    default: 5000,
    min: 1,
    max: 3_600_000,
  }),
  VERITY_SUPERVISOR_READY_TIMEOUT_MS: int("how long the supervisor waits for a child's `/readyz` answer", {
    default: 2000,
    min: 1,
    max: 60_000,
  }),
  VERITY_SUPERVISOR_LOG_DIR: str("where the children's logs go (`<service>.log`)", {
    defaultText: '`$VERITY_DATA_DIR/verity/logs`',
  }),
  VERITY_SUPERVISOR_LOG_MAX_BYTES: int("a child's log is rotated once it passed this size (checked every 5 s)", {
    default: 10 * 1024 * 1024,
    min: 1024,
  }),
  VERITY_SUPERVISOR_LOG_FILES: int('rotated files kept per service (`0`: the file starts over)', {
    default: 3,
    min: 0,
    max: 100,
  }),
  VERITY_DATA_DIR: str('where the local stack keeps data, pids and logs', {
    default: join(REPO_ROOT, '.data'),
    defaultText: '`.data` in the repository',
  }),
};
