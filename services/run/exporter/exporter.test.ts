// The exporter's handling of one slice against a fake sink (no broker: the consumer is built, never started):
// one pipeline's events in order, at most EXPORTER_MAX_IN_FLIGHT requests at once, retries after the sink's
// Retry-After, a slice past its budget failing as transient without sending again what the sink took, a
// rejected event not retried, events without a CDEvent not sent.
import { expect } from 'chai';
import type { CloudEvent } from 'cloudevents';
import type { KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { Output, Slice } from '../../lib/platform/consumer/runner.js';
import { TransientError } from '../../lib/platform/consumer/errors.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { createLogger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import type { SpanGroup } from '../../lib/platform/telemetry/kafka-context.js';
import { loadExporterConfig } from './config.js';
import { Exporter } from './exporter.js';
import type { Sink, SinkAnswer } from './sink.js';

/** A sink answering from a script (per event id: the answers of its successive requests; then ok). */
class FakeSink implements Sink {
  readonly posts: { id: string; at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  script = new Map<string, SinkAnswer[]>();

  async post(event: CloudEvent<unknown>): Promise<SinkAnswer> {
    this.posts.push({ id: event.id, at: Date.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    return this.script.get(event.id)?.shift() ?? { kind: 'ok', status: 200 };
  }
}

const example = (type: PipelineEvent['type']) => exampleEvents.find((e) => e.type === type)!;
function pipeline(): PipelineEvent[] {
  const pipeline_id = randomUUID();
  const types = ['PipelineCreated', 'JobCreated', 'JobStarted', 'JobSucceeded', 'PipelineFinished'] as const;
  return types.map((t, i) => ({ ...example(t), pipeline_id, event_id: randomUUID(), seq: i + 1 }) as PipelineEvent);
}
const exported = (events: PipelineEvent[]) => events.filter((e) => e.type !== 'JobCreated').map((e) => e.event_id);

function sliceOf(events: PipelineEvent[]): Slice<PipelineEvent> {
  return {
    topic: 'ci.pipeline.events.v1',
    partition: 0,
    records: events.map((event, i) => ({
      topic: 'ci.pipeline.events.v1',
      partition: 0,
      offset: BigInt(i),
      message: {} as KafkaMessage,
      event,
    })),
    deadLetters: [],
    from: null,
    next: BigInt(events.length),
    spans: {} as SpanGroup,
  };
}

function exporterWith(sink: Sink, env: Record<string, string> = {}) {
  const config = loadExporterConfig({
    EXPORTER_SINK_URL: 'http://127.0.0.1:9/cdevents',
    EXPORTER_MAX_IN_FLIGHT: '2',
    EXPORTER_BACKOFF_BASE_MS: '10',
    EXPORTER_BACKOFF_MAX_MS: '1000',
    ...env,
  });
  const exporter = new Exporter(
    createKafka(config),
    {} as EventCodec<PipelineEvent>,
    sink,
    config,
    createLogger('exporter-test', 'silent'),
  );
  const handler = exporter as unknown as { onSlice(s: Slice<PipelineEvent>): Promise<Output> };
  return { exporter, onSlice: (events: PipelineEvent[]) => handler.onSlice(sliceOf(events)) };
}

describe('exporter: one slice to the sink', () => {
  it('sends one pipeline’s CDEvents in order, pipelines in parallel, at most EXPORTER_MAX_IN_FLIGHT at once', async () => {
    const sink = new FakeSink();
    const { exporter, onSlice } = exporterWith(sink);
    const pipelines = [pipeline(), pipeline(), pipeline(), pipeline()];
    // Interleaved as a partition holds them.
    const events = pipelines[0]!.flatMap((_, i) => pipelines.map((p) => p[i]!));
    const out = await onSlice(events);
    const sent = sink.posts.map((p) => p.id);
    expect(sent).to.have.members(pipelines.flatMap(exported));
    for (const p of pipelines) expect(sent.filter((id) => exported(p).includes(id))).to.deep.equal(exported(p));
    expect(sink.maxInFlight).to.equal(2);
    out.onCommitted?.();
    expect(exporter.stats).to.include({ delivered: 16, rejected: 0, retries: 0, batches: 1 });
  });

  it('sends an event again after the sink’s Retry-After, and waits it out for every other request too', async () => {
    const sink = new FakeSink();
    const { exporter, onSlice } = exporterWith(sink);
    const [a, b] = [pipeline(), pipeline()];
    const first = exported(a!)[0]!;
    sink.script.set(first, [{ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 200 }]);
    await onSlice([...a!, ...b!]);
    const tries = sink.posts.filter((p) => p.id === first);
    expect(tries).to.have.length(2);
    expect(tries[1]!.at - tries[0]!.at).to.be.at.least(195);
    // The other pipeline's first request was under way already; its next waited for the Retry-After too.
    const other = sink.posts.find((p) => p.id === exported(b!)[1]);
    expect(other!.at - tries[0]!.at).to.be.at.least(195);
    expect(exporter.stats).to.include({ delivered: 8, retries: 1 });
  });

  it('past its budget the slice fails as transient; the next try sends only what the sink did not take', async () => {
    const sink = new FakeSink();
    const { onSlice } = exporterWith(sink, { EXPORTER_BATCH_BUDGET_MS: '100', EXPORTER_MAX_IN_FLIGHT: '1' });
    const p = pipeline();
    const [queued, started] = exported(p);
    sink.script.set(started!, [{ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 500 }]);
    let failure: unknown;
    await onSlice(p).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(TransientError);
    expect(sink.posts.map((x) => x.id)).to.deep.equal([queued, started]);
    await new Promise((r) => setTimeout(r, 500)); // the runner's backoff; the Retry-After passes meanwhile
    sink.posts.length = 0;
    await onSlice(p);
    expect(sink.posts.map((x) => x.id)).to.deep.equal(exported(p).slice(1));
  });

  it('an event the sink rejects as malformed is not sent again; the slice goes on', async () => {
    const sink = new FakeSink();
    const { exporter, onSlice } = exporterWith(sink);
    const p = pipeline();
    sink.script.set(exported(p)[1]!, [{ kind: 'rejected', status: 422, reason: 'HTTP 422' }]);
    await onSlice(p);
    expect(sink.posts.map((x) => x.id)).to.deep.equal(exported(p));
    expect(exporter.stats).to.include({ delivered: 3, rejected: 1 });
  });

  it('a slice without a CDEvent sends nothing', async () => {
    const sink = new FakeSink();
    const { onSlice } = exporterWith(sink);
    await onSlice([example('JobCreated'), example('JobEnqueued'), example('JobRetried')]);
    expect(sink.posts).to.deep.equal([]);
  });
});
