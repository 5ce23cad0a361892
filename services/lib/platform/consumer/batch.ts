// One batch of one partition, from kafkajs' eachBatch to its outcome: wait for the partition's seek
// (external) and preparation, cut a bounded read at its end, leave out what the stored position already
// covers, decode once (registry outages waited out), settle the records slice by slice (settle.ts, each
// slice applied by apply-slice.ts) inside the batch's spans, then act on how it ended — positions
// resolved and advanced, the partition stopped (stall), or repositioned (partitions.ts).
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { TypedEvent } from '../registry/codec.js';
import { SpanGroup, startRecordSpan } from '../telemetry/kafka-context.js';
import { countEvents, metrics } from '../telemetry/metrics.js';
import { applySlice } from './apply-slice.js';
import { classifyError } from './classify.js';
import { deadLetterOf } from './dead-letter.js';
import { decodeItems, type Item } from './items.js';
import { keyOf } from './lag-monitor.js';
import { advance, ensurePrepared, reposition, seekToStored, storedOrLow } from './partitions.js';
import { settle } from './settle.js';
import type { RunnerState } from './state.js';

/** kafkajs' eachBatch: handles one batch of one partition. */
export async function onBatch<E extends TypedEvent>(s: RunnerState<E>, payload: EachBatchPayload): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  const { topic, partition } = batch;
  const key = keyOf(topic, partition);
  if (batch.messages.length === 0 || !isRunning() || isStale() || s.stopping || s.stopped.has(key)) return;
  if (s.opts.mode === 'external') {
    await s.positioning;
    if (!s.positioned.has(key)) {
      // The seek failed or has not happened: retry it and refetch.
      s.positioning = seekToStored(s, [{ topic, partition }]).catch((err: Error) =>
        s.log.warn({ err: err.message }, 'seeking failed'),
      );
      await s.backoff.again(key, { class: 'transient', reason: 'positioning' }, payload);
      return;
    }
    // Fetched before the seek landed: kafkajs fetches again from the sought offset.
    if (isStale()) return;
  }
  if (s.unprepared.has(key)) {
    try {
      await ensurePrepared(s);
    } catch (err) {
      await s.backoff.again(key, classifyError(err), payload);
      return;
    }
    if (isStale() || !isRunning()) return;
  }

  let messages = batch.messages;
  const end = s.opts.endAt?.(topic, partition);
  if (end !== undefined) {
    messages = messages.filter((m) => BigInt(m.offset) < end);
    if (messages.length === 0) {
      payload.pause();
      return;
    }
  }
  if (s.opts.mode === 'external') {
    const start = await storedOrLow(s, { topic, partition });
    messages = messages.filter((m) => BigInt(m.offset) >= start);
    if (messages.length === 0) {
      // Only records the sink already holds: a batch fetched before the seek to its checkpoint took effect.
      // The position is where the sink stands, not this batch's end, which may lie far behind it (the
      // lag monitor would report a partition at its end as behind, and stalled, until a new record came).
      payload.resolveOffset(batch.lastOffset());
      const after = BigInt(batch.lastOffset()) + 1n;
      advance(s, topic, partition, after > start ? after : start);
      return;
    }
  }
  const spans = new SpanGroup();
  let items: Item<E>[];
  try {
    items = await decode(s, topic, partition, messages, spans, payload);
  } catch {
    spans.end();
    return; // stopping or stale during a retry of the registry
  }
  if (items.length === 0) {
    spans.end();
    return;
  }
  const started = Date.now();
  /**
   * Offsets whose dead letter this batch already wrote (external mode writes them before the sink: not again on a
   * retry or split).
   */
  const dlqSent = new Set<bigint>();
  const result = await settle<Item<E>>(items, {
    apply: (slice) => applySlice(s, topic, partition, slice, spans, dlqSent),
    toDead: (item, err, why) => {
      const dead = deadLetterOf(topic, partition, item.offset, item.message, err, why);
      if (item.kind === 'record') item.span?.setAttribute('verity.dead_letter', why.reason);
      return { kind: 'dead', offset: item.offset, message: item.message, dead };
    },
    wait: (attempt, why) => s.backoff.wait(key, attempt, why, payload),
    abandoned: () => s.stopping || !payload.isRunning() || payload.isStale() || !s.assigned.has(key),
    onFailure: (slice, err, why, attempt) => {
      metrics.consumerFailures.inc({ group: s.opts.groupId, class: why.class });
      const level = why.class === 'transient' && attempt < 3 ? 'warn' : 'error';
      s.log[level](
        {
          group: s.opts.groupId,
          topic,
          partition,
          from: slice[0]!.offset.toString(),
          to: slice.at(-1)!.offset.toString(),
          records: slice.length,
          class: why.class,
          reason: why.reason,
          err: (err as Error)?.message ?? String(err),
          attempt,
        },
        'processing a slice failed',
      );
    },
  });
  spans.end();
  if (result.kind === 'done') {
    s.backoff.reset(key);
    if (end !== undefined && messages.length < batch.messages.length) {
      // The bounded read ends inside this batch: everything before its end is handled (transaction
      // markers included), nothing past it.
      payload.resolveOffset(messages.at(-1)!.offset);
      advance(s, topic, partition, end);
      payload.pause();
    } else {
      payload.resolveOffset(batch.lastOffset());
      advance(s, topic, partition, BigInt(batch.lastOffset()) + 1n);
    }
    metrics.batchSize.observe({ service: s.opts.service }, messages.length);
    countEvents(
      s.opts.service,
      topic,
      items.flatMap((i) => (i.kind === 'record' ? [i.event.type] : [])),
    );
    if (s.opts.mode === 'external' && s.opts.commitForMonitoring) {
      await s
        .consumer!.commitOffsets([{ topic, partition, offset: (BigInt(items.at(-1)!.offset) + 1n).toString() }])
        .catch((e: Error) => s.log.debug({ err: e.message }, 'offset commit for monitoring failed'));
    }
    await payload.heartbeat().catch(() => undefined);
    s.log.debug({ topic, partition, records: messages.length, ms: Date.now() - started }, 'batch');
    return;
  }
  if (result.kind === 'stall') {
    const why = (result.err as Error).message;
    s.stopped.set(key, why);
    s.log.error(
      { group: s.opts.groupId, topic, partition, err: why },
      'partition stopped: nothing of the batch was applied; see /readyz',
    );
    payload.pause();
    return;
  }
  if (result.kind === 'reposition') await reposition(s, topic, partition, result.err, payload);
}

/** Decodes the batch once: filtered by header, poison as dead letters; a registry outage is waited out. */
async function decode<E extends TypedEvent>(
  s: RunnerState<E>,
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  spans: SpanGroup,
  payload: EachBatchPayload,
): Promise<Item<E>[]> {
  const codec = s.opts.codecs.get(topic);
  if (!codec) throw new Error(`no codec for ${topic}`);
  const key = keyOf(topic, partition);
  for (let attempt = 1; ; attempt++) {
    let items: Item<E>[];
    try {
      items = await decodeItems(codec, topic, partition, messages, s.opts.accept);
    } catch (err) {
      const why = classifyError(err);
      metrics.consumerFailures.inc({ group: s.opts.groupId, class: why.class });
      s.log.warn(
        { group: s.opts.groupId, topic, partition, err: (err as Error).message, reason: why.reason },
        'decoding a batch failed; retrying',
      );
      if (!(await s.backoff.wait(key, attempt, why, payload))) throw err;
      continue;
    }
    const mode = s.opts.spans ?? 'none';
    if (mode === 'record') {
      for (const i of items)
        if (i.kind === 'record')
          i.span = spans.add(startRecordSpan({ topic, partition, group: s.opts.groupId, message: i.message }));
    }
    return items;
  }
}
