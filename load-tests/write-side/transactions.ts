// What one Kafka transaction costs a kafkajs producer on this broker (issue 17): the same records sent
// in transactions of 1, 10, 50 and 500 records, back to back, with the client's retry backoff Verity used
// before issue 17 (initialRetryTime 200 ms), a short one (10 ms), and the short one with the next
// transaction begun no sooner than 5 ms after the last one ended (what the decider does since:
// services/lib/platform/consumer/tx-producers.ts, "Pacing"), against the same records sent by an idempotent
// producer without transactions. A transaction begun while the coordinator still writes the last one's
// markers is refused (CONCURRENT_TRANSACTIONS) and retried after the backoff (kafkajs#304; KAFKA-5477
// lowered the Java client's backoff to 20 ms for this); kafkajs logs each retry, which is how they are
// counted here (transactionConflict, services/lib/platform/kafka/client.ts).
//
//   npx tsx load-tests/write-side/transactions.ts [--records 2000]
//
// Needs the stack (`make up`). Its own topic under a fresh prefix, deleted afterwards. Writes
// load-tests/results/kafka-transactions.{json,md} and a row of HISTORY.md (result-files.ts).

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { transactionConflict } from '../../services/lib/platform/kafka/client.js';
import { intOption, machine } from '../lib.js';
import { writeResults } from '../result-files.js';

const SIZES = [1, 10, 50, 500];
/** initialRetryTime and the least time between transactions (ms). */
const VARIANTS = [
  { backoff: 200, gap: 0 },
  { backoff: 10, gap: 0 },
  { backoff: 10, gap: 5 },
];
const PARTITIONS = 4;

interface Row {
  mode: string;
  records_per_txn: number | null;
  initial_retry_ms: number;
  gap_ms: number;
  /** CONCURRENT_TRANSACTIONS refusals kafkajs retried during the measured run. */
  retries: number;
  records: number;
  seconds: number;
  records_per_s: number;
  ms_per_txn: number | null;
}

let retries = 0;
const kafkaWith = (brokers: string[], initialRetryTime: number) =>
  new Kafka({
    clientId: 'bench-txn',
    brokers,
    retry: { retries: 8, initialRetryTime, maxRetryTime: 5000 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => {
      const conflict = transactionConflict(entry.log.message, entry.log.error);
      if (conflict === 'refusal') retries++;
      else if (!conflict) console.error(entry.log.message);
    },
  });

const message = (i: number) => ({ key: `k${i % 64}`, value: JSON.stringify({ i, pad: 'x'.repeat(400) }) });

async function run(
  producer: Producer,
  topic: string,
  records: number,
  perTxn: number | null,
  gapMs = 0,
): Promise<number> {
  const started = performance.now();
  const batch = perTxn ?? 500;
  let ended = -Infinity;
  for (let sent = 0; sent < records; sent += batch) {
    const messages = Array.from({ length: Math.min(batch, records - sent) }, (_, k) => message(sent + k));
    if (perTxn === null) {
      await producer.send({ topic, messages });
      continue;
    }
    const wait = ended + gapMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const txn = await producer.transaction();
    await txn.send({ topic, messages });
    await txn.commit();
    ended = performance.now();
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const records = intOption('--records', 2000);
  const config = loadConfig();
  const topic = `bench-txn-${Date.now()}`;
  const admin = kafkaWith(config.kafkaBrokers, 200).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const rows: Row[] = [];
  try {
    for (const { backoff: initialRetryTime, gap } of VARIANTS) {
      const kafka = kafkaWith(config.kafkaBrokers, initialRetryTime);
      const plain = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await plain.connect();
      await run(plain, topic, records, null); // warm-up: metadata, connections, the broker's caches
      const seconds = await run(plain, topic, records, null);
      rows.push({
        mode: 'idempotent, no transactions',
        records_per_txn: null,
        initial_retry_ms: initialRetryTime,
        gap_ms: gap,
        retries: 0,
        records,
        seconds,
        records_per_s: records / seconds,
        ms_per_txn: null,
      });
      await plain.disconnect();
      for (const size of SIZES) {
        const n = Math.min(records, size * 200);
        const producer = kafka.producer({
          transactionalId: `bench-txn-${randomUUID()}`,
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
        await run(producer, topic, size * 2, size, gap); // warm-up: the coordinator, the first transaction
        retries = 0;
        const seconds = await run(producer, topic, n, size, gap);
        rows.push({
          mode: 'transactions',
          records_per_txn: size,
          initial_retry_ms: initialRetryTime,
          gap_ms: gap,
          retries,
          records: n,
          seconds,
          records_per_s: n / seconds,
          ms_per_txn: (seconds * 1000) / Math.ceil(n / size),
        });
        await producer.disconnect();
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }

  const baseline = (r: Row) =>
    rows.find((b) => b.records_per_txn === null && b.initial_retry_ms === r.initial_retry_ms && b.gap_ms === r.gap_ms)!;
  const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const md = [
    `Per-transaction cost of a kafkajs producer (${records} records of ~420 bytes a run, ${PARTITIONS} partitions; records/s of each run against the idempotent producer without transactions, same backoff, same run). Gap: the least time between the end of a transaction and the next one's first request. Retries: CONCURRENT_TRANSACTIONS refusals kafkajs retried.`,
    '',
    '| initialRetryTime | gap | records per transaction | records/s | ms per transaction | retries per transaction | ratio to no transactions |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.initial_retry_ms} ms | ${r.gap_ms} ms | ${r.records_per_txn ?? 'none (idempotent)'} | ${f(r.records_per_s)} | ${r.ms_per_txn === null ? '—' : f(r.ms_per_txn, 1)} | ${r.records_per_txn === null ? '—' : f(r.retries / Math.ceil(r.records / r.records_per_txn), 2)} | ${f(r.records_per_s / baseline(r).records_per_s, 2)} |`,
    ),
    '',
    'Command: `npx tsx load-tests/write-side/transactions.ts` (needs `make up`).',
  ].join('\n');
  writeResults(
    'kafka-transactions',
    new Date().toISOString(),
    {
      machine: machine('Kafka, the registry, Postgres and the benchmark'),
      command: ['npx tsx load-tests/write-side/transactions.ts', ...process.argv.slice(2)].join(' '),
      records,
      partitions: PARTITIONS,
      rows,
    },
    `${md}\n`,
  );
  console.log(md);
}

await main();
