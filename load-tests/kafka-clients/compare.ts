// kafkajs against @platformatic/kafka 1.35.0 on this broker, measured in the same run (issue 17: switch
// the default only if the new client passes every test and wins by ≥ 1.5× on the headline). For each
// client, ROUNDS rounds, the clients' order alternating per round (each measurement runs for one client,
// then the other): (1) produce in batches of 500, acks all, idempotent; (2) one message per call from 32
// concurrent callers sharing one idempotent producer; (3) consume a topic from its beginning to its end
// in a fresh consumer group (from the first record received); (4) transactions of 1, 50 and 500 records
// back to back, the next begun no sooner than 5 ms after the last ended (Verity's pacing,
// services/lib/platform/consumer/tx-producers.ts). The same records for both: ~600-byte JSON values over
// 64 keys, pre-encoded. Each client is warmed up once (connections, metadata, a transaction, a consume)
// before the first round. Produced counts are checked against the topic's end offsets after (1) and (2).
// Client settings: drivers.ts.
//
//   npx tsx load-tests/kafka-clients/compare.ts [--records 20000] [--rounds 3] [--singles 5000]
//
// Needs the broker (`make up`). Its topics (4 partitions each) and consumer groups are named
// bench-clients-<timestamp>…, created here and deleted in the end. Writes
// load-tests/results/kafka-clients.{json,md} and a row of HISTORY.md (result-files.ts).

import { createHash } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { intOption, machine, pool } from '../lib.js';
import { writeResults } from '../result-files.js';
import { KafkajsDriver, PlatformaticDriver, warmUp, type Driver, type Rec } from './drivers.js';
import { describe, markdown, measurementRows, type Measurement, type Side } from './report.js';

const RECORDS = intOption('--records', 20000);
const ROUNDS = intOption('--rounds', 3);
const SINGLES = intOption('--singles', Math.min(RECORDS, 5000));
const PARTITIONS = 4;
const BATCH = 500;
const CALLERS = 32;
const SIZES = [1, 50, 500];
const GAP_MS = 5;
/** Transactions per size: at most 200 (and RECORDS records). */
const txnRecords = (size: number) => Math.min(RECORDS, size * 200);
const STEP_TIMEOUT_MS = 180_000;

/** A job-finished event of a CI pipeline, ~600 bytes of JSON; keys spread over 64 pipelines. */
export function recordsOf(n: number): Rec[] {
  return Array.from({ length: n }, (_, i) => {
    const p = i % 64;
    const event = {
      type: 'ci.job.finished',
      schema_version: 3,
      event_id: `evt-${i.toString(16).padStart(12, '0')}`,
      occurred_at: new Date(Date.UTC(2026, 11, 7, 12) + i * 37).toISOString(),
      pipeline: {
        id: `pl-${p}`,
        project: `group-${p % 8}/service-${p}`,
        ref: 'refs/heads/main',
        sha: createHash('sha1').update(`${p}`).digest('hex'),
      },
      job: {
        id: 100000 + i,
        name: `test-shard-${i % 12}`,
        stage: ['build', 'test', 'deploy'][i % 3],
        status: i % 17 === 0 ? 'failed' : 'success',
        attempt: 1 + (i % 5 === 0 ? 1 : 0),
        duration_ms: 1000 + ((i * 7919) % 60000),
        runner: { id: `runner-${i % 9}`, tags: ['linux', 'docker', 'x86_64'], version: '17.6.0' },
      },
    };
    const json = JSON.stringify(event);
    const pad = 'step 4/7: npm test -- --reporter dot; '.repeat(12).slice(0, Math.max(0, 600 - json.length - 18));
    return { key: Buffer.from(`pl-${p}`), value: Buffer.from(JSON.stringify({ ...event, log_tail: pad })) };
  });
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result in ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Records in the topic (sum of its partitions' end offsets). */
async function endOffsets(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rate = (n: number, ms: number) => (n / ms) * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const prefix = `bench-clients-${Date.now()}`;
  const topics = { produce: `${prefix}.produce`, consume: `${prefix}.consume`, txn: `${prefix}.txn` };
  const recs = recordsOf(RECORDS);
  const admin = new Kafka({
    clientId: 'bench-clients-admin',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
  }).admin();
  const kjs = new KafkajsDriver(config.kafkaBrokers, `${prefix}.txn-kafkajs`);
  const plt = new PlatformaticDriver(config.kafkaBrokers, `${prefix}.txn-platformatic`);
  const drivers: Driver[] = [kjs, plt];
  const measurements: Measurement[] = [];
  const rounds: Record<string, unknown>[] = [];
  const errors: string[] = [];
  const values = new Map<string, Side>();
  const record = (id: string, client: string, value: number | null) => {
    const key = `${id}|${client}`;
    if (!values.has(key)) values.set(key, { median: null, rounds: [] });
    values.get(key)!.rounds.push(value === null ? null : Math.round(value * 1000) / 1000);
  };
  const started = performance.now();

  await admin.connect();
  try {
    await admin.createTopics({
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await kjs.connect();
    await kjs.produceBatches(topics.consume, recs, BATCH); // the consume topic: RECORDS records (not measured)
    for (const d of drivers) {
      const t0 = performance.now();
      await withTimeout(warmUp(d, topics.produce, topics.txn, topics.consume, RECORDS, recs), `${d.name} warm-up`);
      console.error(`${d.name} warmed up in ${Math.round(performance.now() - t0)} ms`);
    }

    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? drivers : [...drivers].reverse();
      const detail: Record<string, unknown>[] = [];
      rounds.push({ round: round + 1, order: order.map((d) => d.name), steps: detail });
      const step = async (id: string, d: Driver, run: () => Promise<Record<string, number>>) => {
        try {
          const out = await withTimeout(run(), `${d.name} ${id}`);
          detail.push({ id, client: d.name, ...out });
          console.error(JSON.stringify({ round: round + 1, id, client: d.name, ...out }));
          return out;
        } catch (err) {
          const message = `round ${round + 1}, ${d.name}, ${id}: ${describe(err)}`;
          errors.push(message);
          detail.push({ id, client: d.name, error: message });
          console.error(message);
          return null;
        }
      };
      const checkedProduce = async (id: string, d: Driver, n: number, send: () => Promise<number>) => {
        const before = await endOffsets(admin, topics.produce);
        const out = await step(id, d, async () => {
          const ms = await send().catch(async (err: unknown) => {
            await sleep(1000); // sends still in flight
            const landed = (await endOffsets(admin, topics.produce)) - before;
            throw new Error(`${describe(err)}; ${landed} of ${n} records landed`);
          });
          const landed = (await endOffsets(admin, topics.produce)) - before;
          return { ms: Math.round(ms), records: n, landed, per_s: Math.round(rate(n, ms)) };
        });
        if (out && out.landed !== n)
          errors.push(`round ${round + 1}, ${d.name}, ${id}: ${out.landed} of ${n} records landed`);
        record(id, d.name, out && out.landed === n ? out.per_s! : null);
      };
      for (const d of order) {
        await checkedProduce('produce_batch', d, RECORDS, () => d.produceBatches(topics.produce, recs, BATCH));
      }
      for (const idempotent of [true, false]) {
        for (const d of order) {
          const id = idempotent ? 'produce_single' : 'produce_single_plain';
          const producer = await d.singlesProducer(idempotent);
          try {
            await producer.send(topics.produce, recs[0]!); // connections, metadata, producer id
            const singles = recs.slice(0, SINGLES);
            await checkedProduce(id, d, SINGLES, async () => {
              const t0 = performance.now();
              await pool(singles, CALLERS, (r) => producer.send(topics.produce, r));
              return performance.now() - t0;
            });
          } finally {
            await producer.close().catch(() => undefined);
          }
        }
      }
      for (const d of order) {
        const group = `${prefix}.group-${round + 1}-${d === kjs ? 'kafkajs' : 'platformatic'}`;
        const out = await step('consume', d, async () => {
          const ms = await d.consume(topics.consume, group, RECORDS);
          return { ms: Math.round(ms), records: RECORDS, per_s: Math.round(rate(RECORDS, ms)) };
        });
        record('consume', d.name, out?.per_s ?? null);
      }
      for (const size of SIZES) {
        for (const d of order) {
          const n = txnRecords(size);
          const out = await step(`txn_${size}`, d, async () => {
            const r = await d.transactions(topics.txn, recs.slice(0, n), size, GAP_MS);
            return { ms: Math.round(r.ms), records: n, transactions: r.transactions, retries: r.retries };
          });
          record(`txn_${size}_ms`, d.name, out ? out.ms! / out.transactions! : null);
          record(`txn_${size}_rate`, d.name, out ? rate(n, out.ms!) : null);
          record(`txn_${size}_retries`, d.name, out ? out.retries! / out.transactions! : null);
        }
      }
    }
  } finally {
    await Promise.all(
      drivers.map((d) => d.close().catch((err: unknown) => errors.push(`${d.name} close: ${String(err)}`))),
    );
    const leftovers = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: leftovers }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }

  for (const [key, side] of values) {
    const ok = side.rounds.filter((v): v is number => v !== null).sort((a, b) => a - b);
    const mid = Math.floor(ok.length / 2);
    side.median = ok.length === 0 ? null : ok.length % 2 ? ok[mid]! : (ok[mid - 1]! + ok[mid]!) / 2;
    values.set(key, side);
  }
  measurements.push(...measurementRows(values, { batch: BATCH, callers: CALLERS, sizes: SIZES, txnRecords }));
  const seconds = Math.round((performance.now() - started) / 1000);
  const valueBytes = Math.round(recs.reduce((s, r) => s + r.value.length, 0) / recs.length);
  const command = ['npx tsx load-tests/kafka-clients/compare.ts', ...process.argv.slice(2)].join(' ');
  const json = {
    machine: machine('Kafka, the registry, Postgres and the benchmark'),
    command,
    versions: { kafkajs: '2.2.4', platformatic: '1.35.0' },
    records: RECORDS,
    singles: SINGLES,
    rounds_run: ROUNDS,
    partitions: PARTITIONS,
    value_bytes_mean: valueBytes,
    keys: 64,
    gap_ms: GAP_MS,
    seconds,
    measurements,
    rounds,
    platformatic_retries: { idempotent: plt.retries, transactional: plt.txnRetries },
    errors,
  };
  writeResults('kafka-clients', new Date().toISOString(), json, markdown(json));
}

await main();
