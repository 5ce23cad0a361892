// Trace context on Kafka records (W3C `traceparent`/`tracestate` headers) and the messaging spans of
// the OpenTelemetry semantic conventions: a PRODUCER span `send <topic>` around a send, a CONSUMER span
// `process <topic>` per record (parent: the record's context), and, for a batch applied at once, one
// `process <topic>` span with a LINK to each record's context.
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { tracer } from './tracing.js';

// Messaging semantic conventions (still "development" in @opentelemetry/semantic-conventions, whose
// incubating entry point is not meant to be imported: the names are copied here).
export const MESSAGING = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  key: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  group: 'messaging.consumer.group.name',
  partition: 'messaging.destination.partition.id',
  batchCount: 'messaging.batch.message_count',
  messageId: 'messaging.message.id',
} as const;

/** At most this many links on a batch span (the SDK's default link limit is 128 as well). */
export const MAX_LINKS = 128;

/** The active (or given) context as record headers: `traceparent`, and `tracestate` when there is one. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? undefined : one.toString();
  },
};

/** The context a record's headers carry (on top of `base`, the root context by default). */
export function contextOf(headers: IHeaders | undefined, base: Context = ROOT_CONTEXT): Context {
  return headers ? propagation.extract(base, headers, headerGetter) : base;
}

const keyOf = (m: Pick<KafkaMessage, 'key'>): string | undefined =>
  m.key === null || m.key === undefined ? undefined : m.key.toString();

export interface RecordSpanInfo {
  topic: string;
  partition: number;
  /** Consumer group name. */
  group: string;
  message: Pick<KafkaMessage, 'key' | 'offset' | 'headers'>;
  /** Start time of the span (ms since the epoch), when processing began earlier. */
  startTime?: number;
}

/** The attributes every `process` span carries, for one record or a batch of one partition. */
function processAttributes(info: { topic: string; group: string; partition: number }): Attributes {
  return {
    [MESSAGING.system]: 'kafka',
    [MESSAGING.destination]: info.topic,
    [MESSAGING.operationType]: 'process',
    [MESSAGING.operationName]: 'process',
    [MESSAGING.group]: info.group,
    [MESSAGING.partition]: String(info.partition),
  };
}

function recordAttributes(info: RecordSpanInfo): Attributes {
  const key = keyOf(info.message);
  const id = info.message.headers?.['event-id'];
  return {
    ...processAttributes(info),
    [MESSAGING.offset]: Number(info.message.offset),
    ...(key === undefined ? {} : { [MESSAGING.key]: key }),
    ...(id === undefined ? {} : { [MESSAGING.messageId]: (Array.isArray(id) ? id[0] : id)?.toString() ?? '' }),
  };
}

/** Starts the CONSUMER span `process <topic>` of one record, child of the record's context; the caller ends it. */
export function startRecordSpan(info: RecordSpanInfo): Span {
  return tracer().startSpan(
    `process ${info.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: recordAttributes(info),
      ...(info.startTime === undefined ? {} : { startTime: info.startTime }),
    },
    contextOf(info.message.headers),
  );
}

/** Runs `fn` as the processing of one record: in its `process <topic>` span, which is active meanwhile. */
export async function withRecordSpan<T>(
  info: RecordSpanInfo,
  fn: (span: Span, ctx: Context) => Promise<T>,
): Promise<T> {
  const span = startRecordSpan(info);
  const ctx = trace.setSpan(contextOf(info.message.headers), span);
  try {
    const out = await context.with(ctx, () => fn(span, ctx));
    span.end();
    return out;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}

export interface BatchSpanInfo {
  topic: string;
  partition: number;
  group: string;
  messages: Pick<KafkaMessage, 'headers'>[];
}

/** The links of a batch span: one per record with a valid trace context, at most MAX_LINKS. */
function linksOf(messages: Pick<KafkaMessage, 'headers'>[]): Link[] {
  const links: Link[] = [];
  for (const m of messages) {
    if (links.length >= MAX_LINKS) break;
    if (!m.headers?.traceparent) continue;
    const sc = trace.getSpanContext(contextOf(m.headers));
    if (sc && isSpanContextValid(sc)) links.push({ context: sc });
  }
  return links;
}

/**
 * Starts the CONSUMER span `process <topic>` of a batch applied at once: a root span with a link to each
 * record's context (semantic conventions for batch processing); the caller ends it.
 */
export function startBatchSpan(info: BatchSpanInfo): Span {
  return tracer().startSpan(
    `process ${info.topic}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: linksOf(info.messages),
      attributes: { ...processAttributes(info), [MESSAGING.batchCount]: info.messages.length },
    },
    ROOT_CONTEXT,
  );
}

export interface SendSpanInfo {
  /** The destination; a send to several topics names none (span `send`). */
  topic?: string;
  /** Record key, for a send of one record. */
  key?: string;
  /** Records sent. */
  count: number;
  /** Contexts of the records' creators (a batch send from several traces links them instead of a parent). */
  links?: Link[];
}

function sendSpan(info: SendSpanInfo, parent: Context): Span {
  return tracer().startSpan(
    info.topic ? `send ${info.topic}` : 'send',
    {
      kind: SpanKind.PRODUCER,
      ...(info.links ? { links: info.links.slice(0, MAX_LINKS) } : {}),
      attributes: {
        [MESSAGING.system]: 'kafka',
        [MESSAGING.operationType]: 'send',
        [MESSAGING.operationName]: 'send',
        ...(info.topic ? { [MESSAGING.destination]: info.topic } : {}),
        ...(info.key === undefined ? {} : { [MESSAGING.key]: info.key }),
        ...(info.count === 1 ? {} : { [MESSAGING.batchCount]: info.count }),
      },
    },
    parent,
  );
}

/**
 * Runs `fn` (which builds the records and sends them) in a PRODUCER span `send <topic>`, child of the
 * active context: records built inside (EventCodec.toMessage) carry this span's traceparent.
 */
export async function withSendSpan<T>(info: SendSpanInfo, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = context.active();
  const span = sendSpan(info, parent);
  try {
    const out = await context.with(trace.setSpan(parent, span), () => fn(span));
    span.end();
    return out;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}

/** Starts a PRODUCER span without making it active (the caller ends it): for sends inside a transaction. */
export function startSendSpan(info: SendSpanInfo, parent: Context = ROOT_CONTEXT): Span {
  return sendSpan(info, parent);
}

/**
 * The spans of one batch handler call, ended together when the handler returns (or with its error when
 * it throws): `runBatch(fn)` gives the handler a group to add its spans to.
 */
export class SpanGroup {
  private readonly spans: Span[] = [];

  add(span: Span): Span {
    this.spans.push(span);
    return span;
  }

  end(err?: unknown): void {
    for (const s of this.spans) endSpan(s, err);
    this.spans.length = 0;
  }
}

export async function runBatch<T>(fn: (spans: SpanGroup) => Promise<T>): Promise<T> {
  const spans = new SpanGroup();
  try {
    const out = await fn(spans);
    spans.end();
    return out;
  } catch (err) {
    spans.end(err);
    throw err;
  }
}

/** Ends a span; with an error, records it and sets the status to ERROR. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    const e = err instanceof Error ? err : new Error(String(err));
    span.recordException(e);
    span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  }
  span.end();
}
