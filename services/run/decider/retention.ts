// Bounded decider memory: a finished pipeline stays in memory (and in the compacted changelog) for
// DECIDER_FINISHED_RETENTION_MS after it was last touched; then it is archived: dropped from memory and
// tombstoned in ci.pipeline.state.v1 in the same transaction as a batch, so restores stay bounded too.
// Its events stay in ci.pipeline.events.v1 forever; a later report for it is rejected as unknown.
import type { PipelineState } from '../../lib/core/pipeline/index.js';

export class FinishedRetention {
  /** pipeline id → last time a report touched it (this process's clock; restored ones count from restore). */
  private readonly touched = new Map<string, number>();

  constructor(private readonly retentionMs: number) {}

  touch(pipelineId: string, now = Date.now()): void {
    this.touched.delete(pipelineId); // re-insert: the map stays ordered by last touch
    this.touched.set(pipelineId, now);
  }

  forget(pipelineId: string): void {
    this.touched.delete(pipelineId);
  }

  /** Finished pipelines of `states` idle past the retention, oldest first, at most `max`. */
  expired(states: ReadonlyMap<string, PipelineState>, now = Date.now(), max = 1000): string[] {
    const out: string[] = [];
    for (const [id, at] of this.touched) {
      if (now - at < this.retentionMs || out.length >= max) break;
      const s = states.get(id);
      if (s?.finished) out.push(id);
    }
    return out;
  }
}
