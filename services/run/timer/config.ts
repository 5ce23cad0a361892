// Timer configuration (docs/CONFIGURATION.md, "Timer"): environment variables with documented defaults. Bad values
// fail at start-up with the variable's name.
import { instanceIdVar, int, loadConfig, type PlatformConfig, readEnv, str } from '../../lib/platform/config/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const timerConfigSpec = {
  TIMER_INTERVAL_MS: int(
    'how often the due book is checked and a `Tick` sent for each pipeline whose due time passed',
    {
      default: 1000,
      min: 10,
      max: 60_000,
    },
  ),
  TIMER_RESEND_MS: int(
    'a `Tick` for the same pipeline and due time is sent again only after this long (the decider may lag)',
    { default: 30_000, min: 100, max: 3_600_000 },
  ),
  TIMER_MAX_PIPELINES: int(
    'pipelines whose due time is held in memory; past it, new ones get no `Tick` ' +
      '(`verity_timer_untracked_total`, an error in the log)',
    { default: 100_000, min: 1, max: 10_000_000 },
  ),
  TIMER_MAX_TICKS_PER_ROUND: int('`Tick`s sent per round at most, earliest due first (the rest go next round)', {
    default: 5000,
    min: 1,
    max: 100_000,
  }),
  TIMER_GROUP_ID: str('consumer group (instances share the partitions of `ci.pipeline.due.v1`)', {
    default: scopedId('verity-timer'),
    defaultText: '`verity-timer` (after `VERITY_TOPIC_PREFIX`)',
  }),
  TIMER_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  TIMER_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8096, min: 0, max: 65535 }),
  VERITY_INSTANCE_ID: instanceIdVar('timer'),
};

export interface TimerConfig extends PlatformConfig {
  /** How often due times are checked. */
  intervalMs: number;
  /** A Tick for the same (pipeline, due time) is not sent again before this long. */
  resendMs: number;
  /** Pipelines held in the due book at most. */
  maxPipelines: number;
  /** Ticks sent per round at most, earliest due first. */
  maxTicksPerRound: number;
  groupId: string;
  sessionTimeoutMs: number;
  port: number;
  instanceId: string;
}

export function loadTimerConfig(env: Record<string, string | undefined> = process.env): TimerConfig {
  const v = readEnv(timerConfigSpec, env);
  return {
    ...loadConfig(env),
    intervalMs: v.TIMER_INTERVAL_MS,
    resendMs: v.TIMER_RESEND_MS,
    maxPipelines: v.TIMER_MAX_PIPELINES,
    maxTicksPerRound: v.TIMER_MAX_TICKS_PER_ROUND,
    groupId: v.TIMER_GROUP_ID,
    sessionTimeoutMs: v.TIMER_SESSION_TIMEOUT_MS,
    port: v.TIMER_PORT,
    instanceId: v.VERITY_INSTANCE_ID,
  };
}
