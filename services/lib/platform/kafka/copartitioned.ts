// A single writer's topics must be co-partitioned: partition p of its input, its changelog and its other
// per-key outputs hold the same keys. Checked at start, with the fix in the error (verity topics apply).
import type { Admin } from 'kafkajs';

/**
 * Throws unless every topic of `copartitioned` has as many partitions as the first, and every topic of
 * `present` exists (any partition count: keyed by something else).
 */
export async function requireTopics(
  admin: Admin,
  copartitioned: readonly [string, ...string[]],
  present: readonly string[] = [],
): Promise<void> {
  const all = [...copartitioned, ...present];
  // Asked for by name, a missing topic is an error kafkajs retries, then reports without naming the topic.
  const existing = new Set(await admin.listTopics());
  const missing = all.filter((t) => !existing.has(t));
  if (missing.length > 0)
    throw new Error(
      `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist (run verity topics apply)`,
    );
  const meta = await admin.fetchTopicMetadata({ topics: all });
  const count = (t: string) => meta.topics.find((x) => x.name === t)?.partitions.length ?? 0;
  const [first, ...others] = copartitioned;
  for (const t of others) {
    if (count(t) !== count(first))
      throw new Error(
        `${first} has ${count(first)} partitions but ${t} has ${count(t)}: they must match (run verity topics apply)`,
      );
  }
}
