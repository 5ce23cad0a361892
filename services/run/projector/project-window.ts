// The projector's fold run over a window of offsets into a target: the service's projectors, stores and
// consumer runner (projection.ts), each partition read from its checkpoint in the target — set to the
// window's start where the target has none — and paused at the window's end; done when every partition
// is there. `verity rebuild` runs it over the whole topics into the next read-model version, `verity
// replay` over a chosen window into replay_<name>.
import type pg from 'pg';
import { keyOf } from '../../lib/platform/consumer/lag-monitor.js';
import { createDb } from '../../lib/platform/db/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import type { ProjectorConfig } from './config.js';
import { openProjection, type ProjectionTarget } from './projection.js';
import type { ProjectorStats } from './projector.js';
import { startCheckpoints } from './store.js';
import { handledIn, recordsIn, totals, unfinished, type Position, type ProjectionWindow } from './window.js';

export interface WindowRun {
  config: ProjectorConfig;
  pool: pg.Pool;
  log: Logger;
  target: ProjectionTarget;
  /** Per partition of each topic: where it starts (unless the target has a checkpoint) and ends, exclusive. */
  window: ProjectionWindow;
  /** The fold accepts pipelines begun before the window (placeholder rows: FoldOptions.startMidStream). */
  startMidStream?: boolean;
  progress?: Progress;
  /** Aborting it stops the run with an error (e.g. AbortSignal.timeout). */
  signal?: AbortSignal;
}

export interface WindowReport {
  /** Offsets in the window (transaction markers included). */
  records: number;
  /** Events decoded and folded in this run, and what the fold did with them. */
  events: number;
  applied: number;
  ignored: number;
  /** Poison records skipped, recorded in projection_dead_letters under the target's projection. */
  deadLetters: number;
  ms: number;
}

const POLL_MS = 250;

/** Projects `window` into `target` and stops when every partition reached the window's end. */
export async function projectWindow(run: WindowRun): Promise<WindowReport> {
  const { config, pool, log, target, window, progress, signal } = run;
  const started = Date.now();
  const lanes = [
    { topic: TOPICS.pipelineEvents, ranges: window.pipelineEvents },
    { topic: TOPICS.remediationEvents, ranges: window.remediationEvents },
  ];
  const db = createDb(pool);
  const start = await Promise.all(lanes.map((l) => startCheckpoints(db, target.projection, l.topic, l.ranges)));
  const records = lanes.reduce((n, l) => n + recordsIn(l.ranges), 0);
  const report = (stats: ProjectorStats[]): WindowReport => ({ records, ...totals(stats), ms: Date.now() - started });
  if (lanes.every((l, i) => unfinished(l.ranges, (p) => start[i]!.get(p)).length === 0)) {
    progress?.(records, records, Date.now() - started);
    return report([]);
  }

  const ends = new Map(lanes.map((l) => [l.topic, new Map(l.ranges.map((r) => [r.partition, r.to]))]));
  // A partition that is not in the window (added since it was taken) is not read.
  const endAt = (topic: string, partition: number) => ends.get(topic)?.get(partition) ?? 0n;
  const projection = await openProjection(config, pool, log, target, { startMidStream: run.startMidStream, endAt });
  try {
    const projectors = [projection.projector, projection.remediations];
    const at =
      (i: number): Position =>
      (p) =>
        projectors[i]!.position(p) ?? start[i]!.get(p);
    const open = () => lanes.flatMap((l, i) => unfinished(l.ranges, at(i)).map((r) => keyOf(l.topic, r.partition)));
    const handled = () => lanes.reduce((n, l, i) => n + handledIn(l.ranges, at(i)), 0);
    for (let left = open(); left.length > 0; left = open()) {
      const stalled = projection.stalled();
      const into = `projecting into ${target.schema}`;
      if (stalled.length > 0) {
        throw new Error(`${into} stopped (nothing of the failing batch was applied): stalled: ${stalled.join('; ')}`);
      }
      if (signal?.aborted) {
        const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
        throw new Error(`${into} did not reach the end of its window (${handled()}/${records} records): ${why}`);
      }
      progress?.(handled(), records, Date.now() - started);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    progress?.(records, records, Date.now() - started);
    return report([projection.projector.stats, projection.remediations.stats]);
  } finally {
    // Lets the slices in flight finish their transactions; a version's writer lease is released.
    await projection.stop();
  }
}
