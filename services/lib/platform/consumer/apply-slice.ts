// Applying one slice of a batch the way the mode makes progress durable: the handler's call (in the
// slice's span), then its output records, the dead letters and the position — one Kafka transaction
// (transactional), the handler's own store after the dead letters (external), records then offsets
// (commit), or nothing (none). settle() (settle.ts) calls it for every slice it tries; a throw is its
// to retry, split or dead-letter. A failed transaction becomes a RepositionError, for batch.ts.
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { Message } from 'kafkajs';
import { dlqOf } from '../kafka/topics.js';
import type { TypedEvent } from '../registry/codec.js';
import { startBatchSpan, type SpanGroup } from '../telemetry/kafka-context.js';
import { metrics } from '../telemetry/metrics.js';
import { chunked } from './chunked.js';
import { classifyError } from './classify.js';
import type { Output, Slice } from './contract.js';
import { deadLetterMessage } from './dead-letter.js';
import { RepositionError } from './errors.js';
import type { Item } from './items.js';
import { keyOf } from './lag-monitor.js';
import { advance } from './partitions.js';
import type { RunnerState } from './state.js';

/** The handler's output records and the slice's dead letters, as one list of non-empty topic batches. */
function withDeadLetters(out: Output, topic: string, dlqMessages: Message[]): { topic: string; messages: Message[] }[] {
  return [...(out.messages ?? []), { topic: dlqOf(topic), messages: dlqMessages }].filter((t) => t.messages.length > 0);
}

/**
 * Applies one slice according to the mode; throws to let settle() retry, split or dead-letter. `dlqSent`: offsets
 * whose dead letter the batch already wrote (external mode).
 */
export async function applySlice<E extends TypedEvent>(
  s: RunnerState<E>,
  topic: string,
  partition: number,
  slice: Item<E>[],
  spans: SpanGroup,
  dlqSent: Set<bigint>,
): Promise<void> {
  const key = keyOf(topic, partition);
  const records = slice.flatMap((i) =>
    i.kind === 'record'
      ? [
          {
            topic,
            partition,
            offset: i.offset,
            message: i.message,
            event: i.event,
            ...(i.span ? { span: i.span } : {}),
          },
        ]
      : [],
  );
  const deadLetters = slice.flatMap((i) => (i.kind === 'dead' ? [i.dead] : []));
  const next = slice.at(-1)!.offset + 1n;
  const from = s.opts.mode === 'external' ? (s.stored.get(key) ?? null) : null;
  let span: Span | undefined;
  if ((s.opts.spans ?? 'none') === 'batch' && records.length > 0)
    span = startBatchSpan({ topic, partition, group: s.opts.groupId, messages: records.map((r) => r.message) });
  const input: Slice<E> = { topic, partition, records, deadLetters, from, next, spans, ...(span ? { span } : {}) };
  const dlqMessages = s.opts.deadLetters === false ? [] : deadLetters.map((d) => deadLetterMessage(d, s.opts.groupId));
  try {
    switch (s.opts.mode) {
      case 'transactional':
        await applyTransactional(s, input, dlqMessages);
        break;
      case 'external': {
        const unsent = deadLetters.flatMap((d, i) => (dlqSent.has(d.offset) ? [] : [dlqMessages[i]!]));
        if (unsent.length > 0) await s.producer!.send({ topic: dlqOf(topic), acks: -1, messages: unsent });
        for (const d of deadLetters) dlqSent.add(d.offset);
        const run = () => s.handler.process(input);
        await (span ? context.with(trace.setSpan(ROOT_CONTEXT, span), run) : run());
        s.stored.set(key, next);
        break;
      }
      case 'commit': {
        const out = (await s.handler.process(input)) ?? {};
        for (const chunk of chunked(withDeadLetters(out, topic, dlqMessages)))
          await s.producer!.sendBatch({ topicMessages: chunk, acks: -1 });
        await s.consumer!.commitOffsets([{ topic, partition, offset: next.toString() }]);
        out.onCommitted?.();
        break;
      }
      case 'none': {
        const out = (await s.handler.process(input)) ?? {};
        out.onCommitted?.();
        break;
      }
    }
    span?.end();
  } catch (err) {
    span?.recordException(err as Error);
    span?.end();
    throw err;
  }
  advance(s, topic, partition, next);
  if (deadLetters.length > 0) {
    const written = s.opts.mode !== 'none' && s.opts.deadLetters !== false;
    if (written) metrics.dlq.inc({ topic: dlqOf(topic) }, deadLetters.length);
    const msg = written
      ? 'poison record dead-lettered; the partition goes on'
      : 'poison record skipped (this consumer writes no dead letters); the partition goes on';
    for (const d of deadLetters)
      s.log.warn(
        {
          group: s.opts.groupId,
          topic,
          partition,
          offset: d.offset.toString(),
          reason: d.why.reason,
          err: d.error,
        },
        msg,
      );
  }
}

/** One transaction of the partition's producer: the handler's records, the dead letters, the consumed offset. */
async function applyTransactional<E extends TypedEvent>(
  s: RunnerState<E>,
  input: Slice<E>,
  dlqMessages: Message[],
): Promise<void> {
  const out = (await s.handler.process(input)) ?? {};
  const topicMessages = withDeadLetters(out, input.topic, dlqMessages);
  const producer = await s.txProducers!.of(input.partition);
  const txn = await producer.transaction().catch((err: unknown) => {
    throw transactionFailed(s, input.partition, err);
  });
  try {
    await s.txProducers!.pace(input.partition);
    for (const chunk of chunked(topicMessages)) await txn.sendBatch({ topicMessages: chunk, acks: -1 });
    out.beforeCommit?.();
    await txn.sendOffsets({
      consumerGroupId: s.opts.groupId,
      topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset: input.next.toString() }] }],
    });
    await txn.commit();
    s.txProducers!.endedTransaction(input.partition);
  } catch (err) {
    const aborted = await txn.abort().then(
      () => true,
      () => false,
    );
    if (aborted) s.txProducers!.endedTransaction(input.partition);
    // Records too large are the slice's fault: split it (the aborted producer is still usable).
    if (aborted && classifyError(err).class === 'poison') throw err;
    throw transactionFailed(s, input.partition, err);
  }
  out.onCommitted?.();
}

/** The outcome of the transaction is unknown or its producer broken: recover by repositioning. */
function transactionFailed<E extends TypedEvent>(s: RunnerState<E>, partition: number, err: unknown): RepositionError {
  s.txProducers!.drop(partition);
  return new RepositionError(`transaction failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
