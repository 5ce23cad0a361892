// Pure: how far one partition of ci.pipeline.events.v1 is done, so that its offset is committed only past
// failed jobs whose AttachJobLog was written. Failed jobs are held by their offset from the moment they are
// read until their record is written; fetches finish in any order. The offset
// to commit is the lowest one still held without a record ready, else the read position — never lower than
// what is committed. Ready records go out with that offset in one transaction (committer.ts); a crash before
// it leaves both unwritten, and the next owner fetches those jobs again from the committed offset.

export interface Batch<T> {
  records: T[];
  /** Offsets of the records (to forget once written). */
  offsets: bigint[];
  /** The offset committed with them. */
  commit: bigint;
}

export class PartitionProgress<T> {
  /** The last offset committed (by this owner or before it). */
  committed: bigint;
  /** The offset after the last record read. */
  readTo: bigint;
  private readonly held = new Set<bigint>();
  private readonly ready = new Map<bigint, T>();

  constructor(
    /** The committed offset at assignment: failed jobs before it were done by an earlier owner. */
    readonly actFrom: bigint,
    /** Where reading starts (earlier than actFrom: the book is filled from there). */
    start: bigint,
  ) {
    this.committed = actFrom;
    this.readTo = start;
  }

  /** Failed jobs held (waiting for a fetch, or for the end of their decision), ready records included. */
  get pending(): number {
    return this.held.size;
  }

  get readyCount(): number {
    return this.ready.size;
  }

  hold(offset: bigint): void {
    this.held.add(offset);
  }

  /** The record for the job at `offset` is ready to be written. */
  done(offset: bigint, record: T): void {
    if (this.held.has(offset)) this.ready.set(offset, record);
  }

  read(next: bigint): void {
    if (next > this.readTo) this.readTo = next;
  }

  /** The records to write now and the offset to commit with them; null when there is nothing to do. */
  next(): Batch<T> | null {
    let commit = this.readTo;
    for (const o of this.held) if (!this.ready.has(o) && o < commit) commit = o;
    if (commit < this.committed) commit = this.committed;
    if (this.ready.size === 0 && commit <= this.committed) return null;
    const offsets = [...this.ready.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { records: offsets.map((o) => this.ready.get(o)!), offsets, commit };
  }

  /** The batch was written and its offset committed. */
  written(batch: Batch<T>): void {
    for (const o of batch.offsets) {
      this.ready.delete(o);
      this.held.delete(o);
    }
    if (batch.commit > this.committed) this.committed = batch.commit;
  }
}
