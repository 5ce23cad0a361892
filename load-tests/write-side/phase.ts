// One benchmark phase in its own process (VERITY_TOPIC_PREFIX isolates its topics); prints one JSON
// line per measurement on stdout. Run by run.ts:  tsx load-tests/write-side/phase.ts raw|decider|ingest
import { Worker } from 'node:worker_threads';
import type { Kafka, Message } from 'kafkajs';
import type { IntakeEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPIC_PREFIX, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { setupPlatform } from '../../services/lib/platform/setup.js';
import { dropPrefixed, pool, rawConsume } from '../lib.js';
import { fixedMix } from '../../services/tools/generator/index.js';

const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 3000);
const config = loadConfig();
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify({ ...o, prefix: TOPIC_PREFIX }));
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function rawProduce(kafka: Kafka, topic: string, messages: Message[]): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 2000)
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
  const ms = performance.now() - t0;
  await producer.disconnect();
  return ms;
}

/** Each message sent on its own by `callers` concurrent callers sharing one producer (webhooks, runners). */
async function rawProduceSingles(kafka: Kafka, topic: string, messages: Message[], callers: number): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  await pool(messages, callers, (m) => producer.send({ topic, acks: -1, messages: [m] }));
  const ms = performance.now() - t0;
  await producer.disconnect();
  return ms;
}

interface PostJob {
  url: string;
  token: string;
  requests: { path: string; body: string }[];
  concurrency: number;
}

/** Runs the requests from a worker thread (post-worker.ts): the client off the ingest's event loop. */
function postFromWorker(job: PostJob): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./post-worker.mjs', import.meta.url), { workerData: job });
    worker.once('message', (m: { ms?: number; error?: string }) => {
      void worker.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.ms!);
    });
    worker.once('error', reject);
  });
}

/** Transactional requests refused with CONCURRENT_TRANSACTIONS and retried, in this process so far. */
async function transactionConflicts(): Promise<number> {
  const { metrics } = await import('../../services/lib/platform/telemetry/metrics.js');
  return (await metrics.transactionConflicts.get()).values.reduce((n, v) => n + v.value, 0);
}

async function encoded(records: IntakeEvent[]): Promise<Message[]> {
  const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
  return Promise.all(records.map((r) => codec.toMessage(r, 'bench')));
}

async function main(phase: string): Promise<void> {
  if (!TOPIC_PREFIX) throw new Error('set VERITY_TOPIC_PREFIX: a benchmark never writes production topics');
  await setupPlatform(config);
  const kafka = createKafka(config, 'verity-bench');
  const { records, lines } = fixedMix(PIPELINES);
  const bytes = (ms: Message[]) => ms.reduce((n, m) => n + (m.value as Buffer).length, 0);
  try {
    if (phase === 'decider') {
      const messages = await encoded(records);
      const produceMs = await rawProduce(kafka, TOPICS.intake, messages);
      emit({
        what: 'raw_produce',
        msgs: messages.length,
        avg_bytes: Math.round(bytes(messages) / messages.length),
        ms: Math.round(produceMs),
        per_s: rate(messages.length, produceMs),
      });
      const consumeMs = await rawConsume(kafka, TOPICS.intake, messages.length);
      emit({
        what: 'raw_consume',
        msgs: messages.length,
        ms: Math.round(consumeMs),
        per_s: rate(messages.length, consumeMs),
      });
      const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
      const decodeMs = await rawConsume(kafka, TOPICS.intake, messages.length, (v) => codec.decode(v));
      emit({
        what: 'consume_decode',
        msgs: messages.length,
        ms: Math.round(decodeMs),
        per_s: rate(messages.length, decodeMs),
      });
      const { loadDeciderConfig } = await import('../../services/run/decider/index.js');
      const { startDecider } = await import('../../services/run/decider/index.js');
      const transactional = process.env.DECIDER_TRANSACTIONAL !== 'false';
      const running = await startDecider(loadDeciderConfig({ ...process.env, LOG_LEVEL: 'warn' }), { http: false });
      const stats = running.decider.stats;
      let t0 = 0;
      const deadline = Date.now() + 10 * 60_000;
      while (stats.reports < messages.length) {
        if (t0 === 0 && stats.reports > 0) t0 = performance.now();
        if (Date.now() > deadline) throw new Error(`decider stalled at ${stats.reports}/${messages.length} reports`);
        await new Promise((r) => setTimeout(r, 5));
      }
      const ms = performance.now() - t0;
      emit({
        what: transactional ? 'decider_eos' : 'decider_no_txn',
        reports: stats.reports,
        events: stats.events,
        rejections: stats.rejections,
        batches: stats.batches,
        // One transaction per batch (slice) in transactional mode; the refusals kafkajs retried.
        ms_per_batch: Math.round((ms / Math.max(1, stats.batches)) * 10) / 10,
        transaction_conflicts: transactional ? await transactionConflicts() : null,
        ms: Math.round(ms),
        per_s: rate(stats.reports, ms),
        events_per_s: rate(stats.events, ms),
      });
      await running.stop();
    } else if (phase === 'ingest') {
      const messages = await encoded(records);
      const produceMs = await rawProduce(kafka, `${TOPICS.intake}`, messages);
      emit({
        what: 'raw_produce',
        msgs: messages.length,
        ms: Math.round(produceMs),
        per_s: rate(messages.length, produceMs),
      });
      const singlesOf = messages.slice(0, Math.min(messages.length, 6000));
      const singleMs = await rawProduceSingles(kafka, TOPICS.intake, singlesOf, 32);
      emit({
        what: 'raw_produce_single',
        msgs: singlesOf.length,
        concurrency: 32,
        ms: Math.round(singleMs),
        per_s: rate(singlesOf.length, singleMs),
      });
      const { loadIngestConfig } = await import('../../services/run/ingest/index.js');
      const { startIngest } = await import('../../services/run/ingest/index.js');
      const token = 'bench-token-0123456789abcdef';
      const ingest = await startIngest(
        loadIngestConfig({ ...process.env, INGEST_PORT: '0', INGEST_TOKENS: `bench:${token}:*`, LOG_LEVEL: 'warn' }),
      );
      const url = `http://127.0.0.1:${ingest.port}`;
      const post = async (path: string, body: string, type = 'application/json') => {
        const res = await fetch(url + path, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body,
        });
        const text = await res.text();
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
        return text;
      };
      const chunks: string[] = [];
      for (let i = 0; i < lines.length; i += 1000) chunks.push(lines.slice(i, i + 1000).join('\n'));
      const t0 = performance.now();
      await pool(chunks, 4, (c) => post('/v1/reports:bulk', c, 'application/x-ndjson'));
      let ms = performance.now() - t0;
      emit({
        what: 'ingest_bulk',
        reports: lines.length,
        lines_per_request: 1000,
        concurrency: 4,
        ms: Math.round(ms),
        per_s: rate(lines.length, ms),
      });
      const singles = lines
        .slice(0, Math.min(lines.length, 6000))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.op === 'report');
      ms = await postFromWorker({
        url,
        token,
        concurrency: 32,
        requests: singles.map(({ op: _op, pipeline_id, job, ...body }) => ({
          path: `/v1/pipelines/${String(pipeline_id)}/jobs/${String(job)}/reports`,
          body: JSON.stringify(body),
        })),
      });
      emit({
        what: 'ingest_single',
        reports: singles.length,
        concurrency: 32,
        ms: Math.round(ms),
        per_s: rate(singles.length, ms),
      });
      await ingest.stop();
    } else throw new Error(`unknown phase ${phase}`);
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await dropPrefixed(admin);
    await admin.disconnect();
  }
}

main(process.argv[2] ?? '').then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
