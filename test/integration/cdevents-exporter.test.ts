// The CDEvents exporter against the real Kafka and registry, with an HTTP sink in this process: canonical events
// written to ci.pipeline.events.v1 arrive at the sink as valid CloudEvents (CDEvents that Verity's own CDEvents
// intake reads back) through a sink that first answers 503 with Retry-After, which is honoured; nothing is lost,
// one pipeline's events arrive in order; and offsets are committed only after the sink took the events: an
// exporter stopped while the sink fails leaves them to the next one, which sends them all.
// Other suites share the topic: the exporter's group (its own) starts at the topic's end as the suite found it,
// the pipelines are new ids, and the sink keeps only what is the suite's.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP, type CloudEvent } from 'cloudevents';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { loadExporterConfig, startExporter, type RunningExporter } from '../../services/run/exporter/index.js';
import { toCdevent } from '../../services/run/exporter/to-cdevents.js';
import { mapCdevent, parseCloudEvent } from '../../services/run/ingest/hooks/cdevents-mapping.js';
import { pipelineEvents } from '../support/pipeline-events.js';
import { until } from '../support/wait.js';

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  event: CloudEvent<{ context: { id: string; type: string }; subject: { id: string } }>;
}

/** A CDEvents sink: records every request it reads as a CloudEvent, answers as `respond` says. */
class TestSink {
  readonly received: Received[] = [];
  respond: (n: number, id: string | undefined) => { status: number; headers?: Record<string, string> } = () => ({
    status: 200,
  });
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    let n = 0;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let event: Received['event'] | undefined;
        try {
          event = HTTP.toEvent({ headers: req.headers as Record<string, string>, body }) as Received['event'];
        } catch {
          event = undefined; // not a CloudEvent: answered 400, never the suite's
        }
        const answer = event ? this.respond(n++, event.id) : { status: 400 };
        if (event) this.received.push({ at: Date.now(), headers: req.headers, body, status: answer.status, event });
        res.writeHead(answer.status, answer.headers ?? {}).end();
      });
    });
    const server = this.server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cdevents`;
  }

  /** The requests for these event ids, in arrival order. */
  of(ids: Set<string>): Received[] {
    return this.received.filter((r) => ids.has(r.event.id));
  }

  /** The ids the sink took (answered 2xx), first arrival of each. */
  taken(ids: Set<string>): string[] {
    return [
      ...new Set(
        this.of(ids)
          .filter((r) => r.status < 300)
          .map((r) => r.event.id),
      ),
    ];
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  }
}

describe('CDEvents exporter: canonical events → an HTTP sink (real Kafka and registry)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  const tag = randomUUID().slice(0, 8);
  const groupId = scopedId(`test-exporter-${tag}`);
  const project = `test/exporter-${tag}`;
  const sink = new TestSink();
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let codec: EventCodec<PipelineEvent>;
  let running: RunningExporter | undefined;

  const start = async (env: Record<string, string> = {}) => {
    running = await startExporter(
      loadExporterConfig({
        ...process.env,
        LOG_LEVEL: 'warn',
        EXPORTER_SINK_URL: sink.url,
        EXPORTER_GROUP_ID: groupId,
        EXPORTER_PORT: '0',
        EXPORTER_SESSION_TIMEOUT_MS: '10000',
        EXPORTER_BATCH_BUDGET_MS: '3000',
        EXPORTER_BACKOFF_BASE_MS: '50',
        EXPORTER_BACKOFF_MAX_MS: '2000',
        ...env,
      }),
    );
    const r = running;
    await until('the exporter ready', () => (r.exporter.readiness() === true ? true : undefined), 60_000);
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };

  /** Writes the events (keyed by pipeline: one partition each); returns each pipeline's partition and first offset. */
  async function write(events: PipelineEvent[]): Promise<Map<number, bigint>> {
    const messages = await Promise.all(events.map((e) => codec.toMessage(e, 'test')));
    const sent = await producer.send({ topic: TOPICS.pipelineEvents, acks: -1, messages });
    return new Map(sent.map((m) => [m.partition, BigInt(m.baseOffset!)]));
  }

  /** A pipeline whose job fails: created, its job started, failed, the pipeline failed. */
  function failingPipeline(pipelineId: string): PipelineEvent[] {
    const jobId = randomUUID();
    return (['PipelineCreated', 'JobStarted', 'JobFailed', 'PipelineFinished'] as const).map((type, i) => {
      const base = exampleEvents.find((e) => e.type === type)!;
      const job = 'job_id' in base ? { job_id: jobId } : {};
      const status = type === 'PipelineFinished' ? { status: 'failed' } : {};
      return {
        ...base,
        ...job,
        ...status,
        pipeline_id: pipelineId,
        project_id: project,
        event_id: randomUUID(),
        seq: i + 1,
      };
    }) as PipelineEvent[];
  }

  before(async () => {
    kafka = createKafka(config, 'test-exporter');
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    await sink.start();
    // The group starts where the topic ends now: whatever comes after is sent to the sink.
    const ends = await admin.fetchTopicOffsets(TOPICS.pipelineEvents);
    await admin.setOffsets({
      groupId,
      topic: TOPICS.pipelineEvents,
      partitions: ends.map((o) => ({ partition: o.partition, offset: o.high })),
    });
  });

  after(async () => {
    await stop();
    await sink.close();
    await producer?.disconnect();
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.disconnect();
  });

  it('every event arrives as a valid CloudEvent, through 503s with Retry-After, in order per pipeline, offsets committed', async () => {
    // The first three requests are refused for a second; every one after is taken.
    sink.respond = (n) => (n < 3 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 });
    await start();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const failing = randomUUID();
    const events = [...ids.flatMap((id) => pipelineEvents(id, { project_id: project })), ...failingPipeline(failing)];
    const expected = new Map(
      events.flatMap((e): [string, string][] => {
        const type = cdeventOf(e);
        return type ? [[e.event_id, type]] : [];
      }),
    );
    expect(expected.size, '5 CDEvents of each passing pipeline, 4 of the failing one').to.equal(19);
    const wanted = new Set(expected.keys());
    const firsts = await write(events);
    const ends = new Map(
      (await admin.fetchTopicOffsets(TOPICS.pipelineEvents)).map((o) => [o.partition, BigInt(o.high)]),
    );

    await until(
      'every CDEvent taken by the sink',
      () => (sink.taken(wanted).length === wanted.size ? true : undefined),
      90_000,
    );

    const requests = sink.of(wanted);
    for (const r of requests) {
      expect(r.event.validate(), 'a valid CloudEvent').to.equal(true);
      expect(r.headers['ce-specversion'], 'binary mode').to.equal('1.0');
      expect(r.event.type).to.equal(expected.get(r.event.id));
      expect(r.event.source).to.equal(`/verity/test/exporter-${tag}`);
      const data = typeof r.event.data === 'string' ? JSON.parse(r.event.data) : r.event.data;
      expect(data.context).to.include({ id: r.event.id, type: r.event.type, version: '0.4.1' });
      // Verity's own CDEvents intake reads what the exporter sends.
      const parsed = parseCloudEvent(r.headers as Record<string, string>, r.body);
      expect(parsed, JSON.stringify(parsed)).to.have.property('event');
      const mapped = mapCdevent((parsed as { event: CloudEvent<unknown> }).event, {
        instance: 'https://verity.example.com',
        externalProject: '*',
        receivedAt: new Date().toISOString(),
      });
      expect(mapped.kind, JSON.stringify(mapped)).to.equal('observations');
    }

    // The refusals were honoured: nothing was sent again before the second they asked for had passed.
    const refused = sink.received.filter((r) => r.status === 503);
    expect(refused.length).to.be.at.least(1);
    const firstRefusal = refused[0]!.at;
    const nextTaken = sink.received.find((r) => r.status === 200)!;
    expect(nextTaken.at - firstRefusal, 'Retry-After: 1 honoured').to.be.at.least(900);

    // One pipeline's events were taken in the order they were written.
    const order = sink.taken(wanted);
    for (const pipeline of [...ids, failing]) {
      const mine = events.filter((e) => e.pipeline_id === pipeline && expected.has(e.event_id)).map((e) => e.event_id);
      expect(
        order.filter((id) => mine.includes(id)),
        `order of ${pipeline}`,
      ).to.deep.equal(mine);
    }

    // The offsets of the group reach past the events once the sink took them.
    await until(
      'the group committed past the events',
      async () => {
        const committed = await committedOffsets();
        return [...firsts.keys()].every((p) => (committed.get(p) ?? -1n) >= ends.get(p)!) ? true : undefined;
      },
      30_000,
    );

    const metrics = await (await fetch(`http://127.0.0.1:${running!.port}/metrics`)).text();
    expect(metrics).to.match(/verity_exporter_delivered_total\{cdevent="taskrun.finished"\} \d+/);
    expect(metrics).to.match(/verity_exporter_requests_total\{result="retry"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${running!.port}/readyz`)).status).to.equal(200);
    await stop();
  });

  it('offsets are committed only after the sink took the events: a stopped exporter leaves them to the next', async () => {
    const id = randomUUID();
    const events = pipelineEvents(id, { project_id: project });
    const wanted = new Set(events.filter((e) => cdeventOf(e) !== null).map((e) => e.event_id));
    // The sink refuses the suite's events (and takes the others': they must not hold the partition up).
    sink.respond = (_n, eventId) => ({ status: eventId && wanted.has(eventId) ? 503 : 200 });
    await start({ EXPORTER_MODE: 'structured' });
    const [[partition, first]] = [...(await write(events))] as [[number, bigint]];
    await until('the sink refused some', () => (sink.of(wanted).length >= 3 ? true : undefined), 60_000);
    await stop();
    const committed = (await committedOffsets()).get(partition) ?? -1n;
    expect(committed <= first, `committed ${committed} is not past the first event at ${first}`).to.equal(true);
    expect(sink.taken(wanted)).to.deep.equal([]);

    sink.respond = () => ({ status: 202 });
    await start({ EXPORTER_MODE: 'structured' });
    await until(
      'every CDEvent taken after the restart',
      () => (sink.taken(wanted).length === wanted.size ? true : undefined),
      60_000,
    );
    const taken = sink.of(wanted).filter((r) => r.status === 202);
    expect(taken.every((r) => String(r.headers['content-type']).startsWith('application/cloudevents+json'))).to.equal(
      true,
    );
    expect(taken.every((r) => r.event.validate())).to.equal(true);
    await stop();
  });

  async function committedOffsets(): Promise<Map<number, bigint>> {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPICS.pipelineEvents] });
    return new Map((topic?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  }
});

/** The CDEvent type of a canonical event (null: none), as the exporter's unit-tested table says. */
const cdeventOf = (e: PipelineEvent): string | null => toCdevent(e, { sourcePrefix: '/verity' })?.type ?? null;
