// The timer's due book, pure (the time is an argument): pipeline → its earliest due time, as the decider last wrote
// it to ci.pipeline.due.v1. It answers what to tick at a given instant — due, and not ticked for that same due time
// within resendMs (the decider may lag: a new due time, or a tombstone, is what tells the timer a Tick took
// effect) — and it is bounded: past maxPipelines a new pipeline is refused, never an old one
// dropped. A tombstone removes a pipeline; a partition given up removes its pipelines.

export interface Due {
  pipelineId: string;
  projectId: string;
  /** The partition of ci.pipeline.due.v1 it was read from. */
  partition: number;
  /** The due time, ms since the epoch. */
  dueAt: number;
}

/** A due pipeline to tick now; `resend`: a Tick for this due time was sent before. */
export type Tickable = Due & { resend: boolean };

/** What set() did: a new pipeline, a changed one, the same again, or refused (the book is full). */
export type SetResult = 'added' | 'updated' | 'unchanged' | 'full';

interface Entry extends Due {
  /** When a Tick for this due time was last sent (null: never). */
  sentAt: number | null;
}

export class DueBook {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: { maxPipelines: number; resendMs: number }) {}

  get size(): number {
    return this.entries.size;
  }

  get full(): boolean {
    return this.entries.size >= this.opts.maxPipelines;
  }

  /** The pipeline's due time now. The same due time again keeps when it was last ticked. */
  set(due: Due): SetResult {
    const cur = this.entries.get(due.pipelineId);
    if (cur) {
      if (cur.dueAt === due.dueAt && cur.partition === due.partition && cur.projectId === due.projectId)
        return 'unchanged';
      this.entries.set(due.pipelineId, { ...due, sentAt: cur.dueAt === due.dueAt ? cur.sentAt : null });
      return 'updated';
    }
    if (this.full) return 'full';
    this.entries.set(due.pipelineId, { ...due, sentAt: null });
    return 'added';
  }

  /** The pipeline has nothing due (a tombstone). */
  remove(pipelineId: string): boolean {
    return this.entries.delete(pipelineId);
  }

  /** Forgets the pipelines of these partitions (no longer read by this instance); returns how many. */
  dropPartitions(partitions: ReadonlySet<number>): number {
    let n = 0;
    for (const [id, e] of this.entries)
      if (partitions.has(e.partition)) {
        this.entries.delete(id);
        n++;
      }
    return n;
  }

  /**
   * What to tick at `now`: due at or before it, not ticked for this due time within resendMs, of a partition
   * `live` accepts (one read up to date); earliest due first, at most `limit`.
   */
  due(now: number, limit: number, live: (partition: number) => boolean = () => true): Tickable[] {
    const out: Entry[] = [];
    for (const e of this.entries.values())
      if (e.dueAt <= now && (e.sentAt === null || now - e.sentAt >= this.opts.resendMs) && live(e.partition))
        out.push(e);
    out.sort((a, b) => a.dueAt - b.dueAt);
    return out.slice(0, limit).map((e) => ({
      pipelineId: e.pipelineId,
      projectId: e.projectId,
      partition: e.partition,
      dueAt: e.dueAt,
      resend: e.sentAt !== null,
    }));
  }

  /** Ticks for these were sent at `now`; an entry whose due time changed meanwhile is left as it is. */
  sent(dues: readonly Due[], now: number): void {
    for (const d of dues) {
      const e = this.entries.get(d.pipelineId);
      if (e && e.dueAt === d.dueAt) e.sentAt = now;
    }
  }

  /** How long ago the earliest due time held passed, at `now` (0: nothing is overdue). */
  oldestOverdueMs(now: number): number {
    let min = Infinity;
    for (const e of this.entries.values()) if (e.dueAt < min) min = e.dueAt;
    return min <= now ? now - min : 0;
  }
}
