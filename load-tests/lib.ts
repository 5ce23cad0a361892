// What every benchmark shares: running a phase in its own process under a topic prefix (so it never
// touches production topics), the raw kafkajs consume baseline, cleanup; results: result-files.ts.
import pg from 'pg';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { scopedId, TOPIC_PREFIX } from '../services/lib/platform/kafka/topics.js';
import { REPO_ROOT } from '../services/lib/platform/schemas/catalog.js';

export type Row = { what: string; [k: string]: unknown };

/** Runs `load-tests/<script>` in a child process under a fresh VERITY_TOPIC_PREFIX; its JSON lines, echoed. */
export function runPhase(
  script: string,
  prefixName: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Row[] {
  const r = spawnSync(
    process.execPath,
    ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'load-tests', script), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, VERITY_TOPIC_PREFIX: `bench-${Date.now()}-${prefixName}.`, LOG_LEVEL: 'warn', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 << 20,
      timeout: 40 * 60_000,
    },
  );
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  const rows = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Row);
  for (const row of rows) console.log(JSON.stringify(row));
  return rows;
}

export const machine = (what = 'Kafka, registry, Postgres and the benchmark'): string =>
  `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; ${what} on the same machine`;

/** The raw baseline: a kafkajs consumer reading `expected` records of `topic` (optionally decoding each); ms. */
export async function rawConsume(
  kafka: Kafka,
  topic: string,
  expected: number,
  decode?: (v: Buffer | null) => Promise<unknown>,
  groupId = scopedId(`bench-raw-${randomUUID()}`),
): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1 << 20 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let n = 0;
    let t0 = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (t0 === 0) t0 = performance.now();
        if (decode) for (const m of batch.messages) await decode(m.value);
        n += batch.messages.length;
        if (n >= expected) done();
      },
    });
    await finished;
    return performance.now() - t0;
  } finally {
    await consumer.disconnect();
  }
}

/** `callers` workers taking the next item until none is left. */
export async function pool<T>(items: T[], callers: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Deletes the topics and consumer groups of this process's prefix. */
export async function dropPrefixed(admin: Admin): Promise<void> {
  if (!TOPIC_PREFIX) return;
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(TOPIC_PREFIX));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(TOPIC_PREFIX));
  if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
}

export interface Ratio {
  metric: string;
  value: number;
  baseline: string;
  ratio: number | '—';
  target: string;
}

/** The Markdown table of measurements with their baselines measured in the same run. */
export const ratioTable = (results: Ratio[]): string[] => [
  '| metric | value | baseline (same run) | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...results.map(
    (r) =>
      `| ${r.metric} | ${r.value} | ${r.baseline} | ${typeof r.ratio === 'number' ? r.ratio.toFixed(2) : r.ratio} | ${r.target} |`,
  ),
];

/** The same Postgres URL, naming another database (benchmarks' scratch databases on the same server). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One statement on its own connection (CREATE / DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A non-negative integer command-line option (`--name N` or `--name=N`), else `fallback`. */
export function intOption(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const at = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return fallback;
  const arg = argv[at]!;
  const value = Number(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`bad ${name}`);
  return value;
}
