// Trace context on Kafka records: inject/extract round trip (string and Buffer headers, as kafkajs
// delivers them), the messaging spans and their semantic-convention attributes, batch links, and the
// trace ids in log records.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { expect } from 'chai';
import type { IHeaders } from 'kafkajs';
import { finishedSpans, recordSpans, stopRecordingSpans, tracing } from '../../../../test/support/tracing.js';
import { traceFields } from '../log.js';
import {
  contextOf,
  MAX_LINKS,
  MESSAGING,
  runBatch,
  startBatchSpan,
  startRecordSpan,
  traceHeaders,
  withRecordSpan,
  withSendSpan,
} from './kafka-context.js';
import { tracer } from './tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const asKafka = (h: Record<string, string>): IHeaders =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v)]));

describe('telemetry: trace context on Kafka records', () => {
  before(function () {
    if (!tracing.enabled) this.skip(); // VERITY_TRACING=off
  });
  beforeEach(recordSpans);
  afterEach(stopRecordingSpans);

  it('injects the active span as traceparent and extracts the same context from Buffer headers', () => {
    const span = tracer().startSpan('parent');
    const headers = context.with(trace.setSpan(ROOT_CONTEXT, span), () => traceHeaders());
    span.end();
    const sc = span.spanContext();
    expect(headers.traceparent).to.equal(`00-${sc.traceId}-${sc.spanId}-01`);
    const extracted = trace.getSpanContext(contextOf(asKafka(headers)))!;
    expect(extracted).to.include({ traceId: sc.traceId, spanId: sc.spanId, traceFlags: 1, isRemote: true });
  });

  it('carries tracestate along and reads the first value of a repeated header', () => {
    const ctx = contextOf({ traceparent: [Buffer.from(PARENT), Buffer.from('garbage')], tracestate: 'vendor=opaque' });
    expect(trace.getSpanContext(ctx)?.traceId).to.equal(TRACE_ID);
    expect(traceHeaders(ctx)).to.deep.equal({ traceparent: PARENT, tracestate: 'vendor=opaque' });
  });

  it('writes no header without an active span, and extracts the root context from none', () => {
    expect(traceHeaders()).to.deep.equal({});
    expect(trace.getSpanContext(contextOf(undefined))).to.equal(undefined);
    expect(trace.getSpanContext(contextOf({ traceparent: 'not-a-traceparent' }))).to.equal(undefined);
  });

  it('a record span continues the record’s trace, with the messaging attributes', () => {
    const span = startRecordSpan({
      topic: 'ci.intake.v1',
      partition: 3,
      group: 'verity-decider',
      message: {
        key: Buffer.from('pipe-1'),
        offset: '42',
        headers: asKafka({ traceparent: PARENT, 'event-id': 'r-1' }),
      },
    });
    span.end();
    const [s] = finishedSpans();
    expect(s!.name).to.equal('process ci.intake.v1');
    expect(s!.kind).to.equal(SpanKind.CONSUMER);
    expect(s!.spanContext().traceId).to.equal(TRACE_ID);
    expect(s!.parentSpanContext?.spanId).to.equal('00f067aa0ba902b7');
    expect(s!.attributes).to.deep.include({
      [MESSAGING.system]: 'kafka',
      [MESSAGING.destination]: 'ci.intake.v1',
      [MESSAGING.operationType]: 'process',
      [MESSAGING.group]: 'verity-decider',
      [MESSAGING.partition]: '3',
      [MESSAGING.offset]: 42,
      [MESSAGING.key]: 'pipe-1',
      [MESSAGING.messageId]: 'r-1',
    });
  });

  it('a send span is the parent of the records built inside it, and a child of the active span', async () => {
    const parent = tracer().startSpan('request');
    const headers = await context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
      withSendSpan({ topic: 'ci.intake.v1', key: 'pipe-1', count: 1 }, async () => traceHeaders()),
    );
    parent.end();
    const send = finishedSpans().find((s) => s.name === 'send ci.intake.v1')!;
    expect(send.kind).to.equal(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).to.equal(parent.spanContext().spanId);
    expect(send.attributes).to.deep.include({
      [MESSAGING.operationType]: 'send',
      [MESSAGING.destination]: 'ci.intake.v1',
      [MESSAGING.key]: 'pipe-1',
    });
    expect(headers.traceparent).to.equal(`00-${parent.spanContext().traceId}-${send.spanContext().spanId}-01`);
  });

  it('withRecordSpan makes the span active (logs carry its ids) and records a failure', async () => {
    const message = { key: null, offset: '7', headers: asKafka({ traceparent: PARENT }) };
    const fields = await withRecordSpan({ topic: 't', partition: 0, group: 'g', message }, async () => traceFields());
    const ok = finishedSpans()[0]!;
    expect(fields).to.deep.equal({ trace_id: TRACE_ID, span_id: ok.spanContext().spanId });
    let thrown: unknown;
    await withRecordSpan({ topic: 't', partition: 0, group: 'g', message }, async () => {
      throw new Error('boom');
    }).catch((err: unknown) => (thrown = err));
    expect((thrown as Error).message).to.equal('boom');
    const failed = finishedSpans()[1]!;
    expect(failed.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(failed.events.map((e) => e.name)).to.include('exception');
    expect(traceFields()).to.deep.equal({});
  });

  it('a batch span is a new trace linked to each record’s context (bounded)', () => {
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const span = startBatchSpan({
      topic: 'ci.pipeline.events.v1',
      partition: 1,
      group: 'g',
      messages: [
        { headers: asKafka({ traceparent: PARENT }) },
        { headers: {} },
        { headers: asKafka({ traceparent: other }) },
      ],
    });
    span.end();
    const s = finishedSpans()[0]!;
    expect(s.kind).to.equal(SpanKind.CONSUMER);
    expect(s.parentSpanContext).to.equal(undefined);
    expect(s.spanContext().traceId).to.not.equal(TRACE_ID);
    expect(s.links.map((l) => l.context.traceId)).to.deep.equal([TRACE_ID, '1'.repeat(32)]);
    expect(s.attributes[MESSAGING.batchCount]).to.equal(3);
    const many = startBatchSpan({
      topic: 't',
      partition: 0,
      group: 'g',
      messages: Array.from({ length: MAX_LINKS + 50 }, () => ({ headers: { traceparent: PARENT } })),
    });
    many.end();
    expect(finishedSpans()[1]!.links).to.have.length(MAX_LINKS);
  });

  it('runBatch ends every span of the batch, with the error when the handler throws', async () => {
    await runBatch(async (spans) => {
      spans.add(tracer().startSpan('a'));
      spans.add(tracer().startSpan('b'));
    });
    expect(finishedSpans().map((s) => [s.name, s.status.code])).to.deep.equal([
      ['a', SpanStatusCode.UNSET],
      ['b', SpanStatusCode.UNSET],
    ]);
    await runBatch(async (spans) => {
      spans.add(tracer().startSpan('c'));
      throw new Error('transient');
    }).catch(() => undefined);
    expect(finishedSpans()[2]!.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'transient' });
  });
});
