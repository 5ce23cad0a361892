// Which partitions a consumer runner owns and where each one is: an assignment's bookkeeping (released
// partitions forgotten, added ones prepared), the external mode's seek to the handler's stored positions,
// the committed or stored positions the lag monitor asks for, the handler's preparation, the in-memory
// position, and repositioning after a failure whose outcome is unknown. Apart from the batch (batch.ts)
// because assignments, lag and recovery all change or read positions, not only the batches.
import type { TypedEvent } from '../registry/codec.js';
import { classifyError } from './classify.js';
import { keyOf, type TopicPartition } from './lag-monitor.js';
import type { Heartbeating } from './partition-backoff.js';
import type { RunnerState } from './state.js';

/** A new assignment (every group join): forget what was released, seek and prepare what is owned now. */
export function onAssignment<E extends TypedEvent>(s: RunnerState<E>, assignment: Record<string, number[]>): void {
  const next = new Map<string, TopicPartition>();
  for (const topic of s.opts.topics)
    for (const partition of assignment[topic] ?? []) next.set(keyOf(topic, partition), { topic, partition });
  const released = [...s.assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
  const added = [...next].filter(([k]) => !s.assigned.has(k)).map(([, tp]) => tp);
  for (const tp of released) {
    const key = keyOf(tp.topic, tp.partition);
    s.positions.delete(key);
    s.stored.delete(key);
    s.stopped.delete(key);
    s.backoff.reset(key);
    s.unprepared.delete(key);
    s.txProducers?.drop(tp.partition);
  }
  if (released.length > 0) s.handler.released?.(released);
  s.assigned = next;
  s.joined = true;
  s.crashed = undefined;
  s.log.info(
    { group: s.opts.groupId, partitions: [...next.keys()], added: added.length, released: released.length },
    'assignment',
  );
  if (s.opts.mode === 'external') {
    // Another instance may have advanced any checkpoint meanwhile: re-read and seek every partition.
    s.positioned.clear();
    s.stored.clear();
    const all = [...next.values()];
    s.positioning = seekToStored(s, all).catch((err: Error) =>
      s.log.error({ err: err.message }, 'seeking to stored positions failed; retried at the next batch'),
    );
  }
  if (s.handler.prepare || s.opts.mode === 'transactional') {
    for (const tp of added) s.unprepared.add(keyOf(tp.topic, tp.partition));
    // Prepare now, not at the first batch: an idle instance becomes ready (and fences the previous owners).
    void ensurePrepared(s).catch((err: Error) =>
      s.log.warn({ err: err.message }, 'preparing partitions failed; retried at the next batch'),
    );
  }
}

export async function seekToStored<E extends TypedEvent>(
  s: RunnerState<E>,
  partitions: TopicPartition[],
): Promise<void> {
  for (const tp of partitions) {
    const offset = await storedOrLow(s, tp);
    s.consumer!.seek({ topic: tp.topic, partition: tp.partition, offset: offset.toString() });
    s.positioned.add(keyOf(tp.topic, tp.partition));
  }
}

/** External mode: the handler's stored position, or the low watermark when none is stored. */
export async function storedOrLow<E extends TypedEvent>(s: RunnerState<E>, tp: TopicPartition): Promise<bigint> {
  const key = keyOf(tp.topic, tp.partition);
  if (!s.stored.has(key)) s.stored.set(key, await s.handler.position!(tp.topic, tp.partition));
  const stored = s.stored.get(key);
  if (stored !== null && stored !== undefined) return stored;
  const low = (await s.admin.fetchTopicOffsets(tp.topic)).find((o) => o.partition === tp.partition)?.low ?? '0';
  return BigInt(low);
}

/** For the lag monitor: the stored (external) or committed position of partitions with no in-memory one. */
export async function storedPositions<E extends TypedEvent>(
  s: RunnerState<E>,
  missing: TopicPartition[],
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (s.opts.mode === 'external') {
    for (const tp of missing) {
      const stored = s.stored.get(keyOf(tp.topic, tp.partition));
      if (stored !== null && stored !== undefined) out.set(keyOf(tp.topic, tp.partition), stored);
    }
    return out;
  }
  if (s.opts.mode === 'none') return out;
  for (const topic of new Set(missing.map((m) => m.topic))) {
    const fetched = await s.admin.fetchOffsets({ groupId: s.opts.groupId, topics: [topic] });
    for (const p of fetched[0]?.partitions ?? [])
      if (BigInt(p.offset) >= 0n) out.set(keyOf(topic, p.partition), BigInt(p.offset));
  }
  return out;
}

/** Prepares every partition waiting for it, once; concurrent batches share the same run. */
export function ensurePrepared<E extends TypedEvent>(s: RunnerState<E>): Promise<void> {
  if (s.unprepared.size === 0) return Promise.resolve();
  s.preparing ??= (async () => {
    try {
      while (s.unprepared.size > 0) {
        const keys = [...s.unprepared];
        const parts = keys.flatMap((k) => s.assigned.get(k) ?? []);
        if (s.txProducers) {
          await Promise.all(parts.map((tp) => s.txProducers!.of(tp.partition)));
          // Fenced: the committed offsets are final now. The consumer's own (read when it joined, or before a
          // failure) may predate a commit the fence completed; batches fetched from there become stale.
          for (const tp of parts) await seekToCommitted(s, tp);
        }
        await s.handler.prepare?.(parts);
        for (const k of keys) s.unprepared.delete(k);
      }
    } finally {
      s.preparing = undefined;
    }
  })();
  return s.preparing;
}

/** Seeks to the group's committed offset of a partition (the low watermark when none is committed). */
async function seekToCommitted<E extends TypedEvent>(s: RunnerState<E>, tp: TopicPartition): Promise<void> {
  const committed =
    (await s.admin.fetchOffsets({ groupId: s.opts.groupId, topics: [tp.topic] }))[0]?.partitions.find(
      (p) => p.partition === tp.partition,
    )?.offset ?? '-1';
  const offset =
    BigInt(committed) >= 0n
      ? BigInt(committed)
      : BigInt((await s.admin.fetchTopicOffsets(tp.topic)).find((o) => o.partition === tp.partition)?.low ?? '0');
  s.consumer!.seek({ topic: tp.topic, partition: tp.partition, offset: offset.toString() });
  s.positions.set(keyOf(tp.topic, tp.partition), offset);
}

/** Moves the in-memory position of a partition forward (never back). */
export function advance<E extends TypedEvent>(
  s: RunnerState<E>,
  topic: string,
  partition: number,
  position: bigint,
): void {
  const key = keyOf(topic, partition);
  if (position > (s.positions.get(key) ?? -1n)) s.positions.set(key, position);
}

/**
 * Re-reads where the partition really is and seeks there. Transactional: the partition is prepared again
 * (ensurePrepared: a new producer fencing and completing whatever was open, the committed offset, the
 * handler's state from what is committed). Commit mode: the committed offset. External: the sink's
 * stored position.
 */
export async function reposition<E extends TypedEvent>(
  s: RunnerState<E>,
  topic: string,
  partition: number,
  err: unknown,
  payload: Heartbeating,
): Promise<void> {
  const key = keyOf(topic, partition);
  for (let attempt = 1; ; attempt++) {
    if (s.stopping || !s.assigned.has(key)) return;
    try {
      if (s.opts.mode === 'external') {
        s.stored.delete(key);
        const offset = await storedOrLow(s, { topic, partition });
        s.consumer!.seek({ topic, partition, offset: offset.toString() });
        s.positions.set(key, offset);
      } else {
        // Transactional: ensurePrepared makes a new producer (fencing and completing whatever was open),
        // then seeks to the committed offset.
        if (s.txProducers) s.unprepared.add(key);
        else await seekToCommitted(s, { topic, partition });
      }
      // Restore now: if everything was committed after all, no batch comes to trigger it. Batches wait for it.
      if (s.unprepared.size > 0)
        void ensurePrepared(s).catch((e: Error) =>
          s.log.warn({ err: e.message }, 'preparing partitions failed; retried at the next batch'),
        );
      s.log.warn(
        { group: s.opts.groupId, topic, partition, err: (err as Error)?.message },
        'repositioned after a failure',
      );
      await s.backoff.again(key, { class: 'reposition', reason: 'reposition' }, payload);
      return;
    } catch (e) {
      const why = classifyError(e);
      s.log.warn(
        { group: s.opts.groupId, topic, partition, err: (e as Error).message, reason: why.reason },
        'repositioning failed; retrying',
      );
      if (!(await s.backoff.wait(key, attempt, why, payload))) return;
    }
  }
}
