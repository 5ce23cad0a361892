// `verity rebuild`: zero-downtime rebuild of the pipelines read model. Builds version N+1 in its own
// schema from offset 0 with its own consumer group, while version N keeps serving; when N+1 has caught
// up with the end offsets taken at the start, the `rm` views are swapped in one transaction, the live
// projector service follows, and version N is dropped.
import type pg from 'pg';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import type { ProjectorConfig } from './config.js';
import { runProjection } from './main.js';
import { activateVersion, createVersion, ensureActiveVersion, PROJECTION, versionSchema, withoutWriters } from '../../lib/readmodel/versions.js';

export interface RebuildReport {
  from: number;
  to: number;
  events: number;
  ms: number;
  dropped: boolean;
}


export async function rebuild(config: ProjectorConfig, pool: pg.Pool, log: Logger, opts: { progress?: Progress; keepOld?: boolean; timeoutMs?: number; handoverTimeoutMs?: number } = {}): Promise<RebuildReport> {
  const from = await ensureActiveVersion(pool);
  const building = (await pool.query<{ building: number | null }>('SELECT building FROM read_model_versions WHERE projection = $1', [PROJECTION])).rows[0]?.building ?? null;
  const to = Math.max(from, building ?? 0) + 1;
  const client = await pool.connect();
  try {
    await createVersion(client, to);
  } finally {
    client.release();
  }
  await pool.query('UPDATE read_model_versions SET building = $2, updated_at = now() WHERE projection = $1', [PROJECTION, to]);

  const admin = createKafka(config, 'verity-rebuild').admin();
  await admin.connect();
  const targetsOf = async (topic: string) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return { targets: new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }])), total: offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0) };
  };
  const pipelines = await targetsOf(TOPICS.pipelineEvents);
  const remediations = await targetsOf(TOPICS.remediationEvents);
  await admin.disconnect();
  const total = pipelines.total + remediations.total;

  const started = Date.now();
  const run = await runProjection({ ...config, version: to }, pool, to, log);
  const done = () => run.projector.stats.events + run.remediations.stats.events;
  try {
    const deadline = started + (opts.timeoutMs ?? 6 * 60 * 60_000);
    while (!run.projector.caughtUp(pipelines.targets) || !run.remediations.caughtUp(remediations.targets)) {
      const stalled = run.stalled();
      if (stalled.length > 0) throw new Error(`rebuild stopped: stalled: ${stalled.join('; ')}`);
      if (Date.now() > deadline) throw new Error('rebuild did not catch up before its deadline');
      opts.progress?.(done(), total, Date.now() - started);
      await new Promise((r) => setTimeout(r, 250));
    }
    opts.progress?.(done(), total, Date.now() - started);
  } finally {
    // Stop writing `to` before it goes live: the live projector takes it over from its checkpoints, and
    // two writers of one version never overlap (no checkpoint conflicts at the handover).
    await run.stop();
  }
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
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [`${config.projection}@v${from}`]);
      await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [`${config.projection}@v${from}`]);
    });
    dropped = true;
  }
  return { from, to, events: done(), ms: Date.now() - started, dropped };
}
