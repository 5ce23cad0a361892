// `verity rebuild`: zero-downtime rebuild of the pipelines read model. Builds version N+1 in its own
// schema with its own consumer group — the projector's window (projectWindow) from the earliest offsets
// to the end offsets taken at the start — while version N keeps serving; then the `rm` views are swapped
// in one transaction, the live projector service follows, and version N is dropped.
import type pg from 'pg';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import type { ProjectorConfig } from './config.js';
import { projectWindow } from './project-window.js';
import { versionTarget } from './projection.js';
import type { ProjectionWindow } from './window.js';
import {
  activateVersion,
  createVersion,
  ensureActiveVersion,
  PROJECTION,
  versionSchema,
  withoutWriters,
} from '../../lib/readmodel/versions.js';

export interface RebuildReport {
  from: number;
  to: number;
  events: number;
  ms: number;
  dropped: boolean;
}

/** Every partition of both topics, from its earliest offset to its end now. */
async function wholeTopics(config: ProjectorConfig): Promise<ProjectionWindow> {
  const admin = createKafka(config, 'verity-rebuild').admin();
  await admin.connect();
  try {
    const ranges = async (topic: string) =>
      (await admin.fetchTopicOffsets(topic)).map((o) => ({
        partition: o.partition,
        from: BigInt(o.low),
        to: BigInt(o.high),
      }));
    return {
      pipelineEvents: await ranges(TOPICS.pipelineEvents),
      remediationEvents: await ranges(TOPICS.remediationEvents),
    };
  } finally {
    await admin.disconnect();
  }
}

export async function rebuild(
  config: ProjectorConfig,
  pool: pg.Pool,
  log: Logger,
  opts: { progress?: Progress; keepOld?: boolean; timeoutMs?: number; handoverTimeoutMs?: number } = {},
): Promise<RebuildReport> {
  const from = await ensureActiveVersion(pool);
  const building =
    (
      await pool.query<{ building: number | null }>('SELECT building FROM read_model_versions WHERE projection = $1', [
        PROJECTION,
      ])
    ).rows[0]?.building ?? null;
  const to = Math.max(from, building ?? 0) + 1;
  const client = await pool.connect();
  try {
    await createVersion(client, to);
  } finally {
    client.release();
  }
  await pool.query('UPDATE read_model_versions SET building = $2, updated_at = now() WHERE projection = $1', [
    PROJECTION,
    to,
  ]);

  const started = Date.now();
  // The rebuild's writer of `to` stops at the end offsets before `to` goes live: the live projector takes
  // it over from its checkpoints, and two writers of one version never overlap (no checkpoint conflicts).
  const report = await projectWindow({
    config,
    pool,
    log,
    target: versionTarget(config, to),
    window: await wholeTopics(config),
    progress: opts.progress,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 6 * 60 * 60_000),
  });
  const switchClient = await pool.connect();
  try {
    await activateVersion(switchClient, to);
  } finally {
    switchClient.release();
  }
  log.info({ from, to }, 'read-model version swapped');
  let dropped = false;
  if (!opts.keepOld) {
    // Readers use the views, which now point at `to`. Writers of `from` (the live projector) follow the
    // swap within seconds and release their lease; the drop waits for that, so none of them ever writes a
    // dropped table. A query still running on the old tables holds a lock and the DROP waits for it too.
    await withoutWriters(pool, from, opts.handoverTimeoutMs ?? 120_000, async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(from)}" CASCADE`);
      const old = versionTarget(config, from).projection;
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [old]);
      await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [old]);
    });
    dropped = true;
  }
  return { from, to, events: report.events + report.deadLetters, ms: Date.now() - started, dropped };
}
