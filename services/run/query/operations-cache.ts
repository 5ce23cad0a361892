// A few seconds' memory of the operations routes' reads (admin requests to the broker, a bounded consumer of
// the dead-letter topics, a few SQL queries), so that dashboards left open, or a refresh loop, cost the broker
// one read per key every `ttlMs` however many ask: concurrent requests share the read in flight, a failed read
// is not kept. Bounded: at most `max` keys (the oldest forgotten first).
export class ReadCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 32,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    this.entries.delete(key);
    const value = read();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Forgets every key starting with `prefix` (after a write that changes what they read). */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
