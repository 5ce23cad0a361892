// A bounded map that forgets the least recently used entry first (Map keeps insertion order; a hit
// re-inserts). Entries may expire: `set(key, value, ttlMs)` with a clock injected for tests.

export class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Entries dropped to stay within the bound (not counting expired or deleted ones). */
  evicted = 0;

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`an LRU holds at least one entry, not ${max}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, or undefined when absent or expired (an expired entry is dropped). */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.until <= this.now()) return undefined;
    this.entries.set(key, e);
    return e.value;
  }

  set(key: K, value: V, ttlMs = Infinity): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + ttlMs });
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value as K);
      this.evicted++;
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
