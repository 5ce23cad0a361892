// Read-side benchmark (issue 4, QUALITY.md): projector events/s vs raw kafkajs consume of the same
// topic vs a naive row-per-event projector vs a set-based upsert ceiling, in one run.
//   npx tsx load-tests/read-side/run.ts     (BENCH_PIPELINES=3000 → 51,000 events; =20000 → 340,000)
// Writes load-tests/results/read-side-<date>.json and .md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/platform/schemas/catalog.js';

type Row = { what: string; per_s: number; [k: string]: unknown };
const r = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'load-tests/read-side/phase.ts')], {
  cwd: REPO_ROOT,
  env: { ...process.env, VERITY_TOPIC_PREFIX: `bench-${Date.now()}-read.`, LOG_LEVEL: 'warn' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 64 << 20,
  timeout: 30 * 60_000,
});
if (r.status !== 0) throw new Error(`read-side phase failed (${r.status ?? r.signal})`);
const rows = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
for (const row of rows) console.log(JSON.stringify(row));
const get = (what: string) => rows.find((x) => x.what === what)!.per_s;
const events = rows.find((x) => x.what === 'events')!.events;
const results = [
  { metric: 'raw kafkajs consume (events/s)', value: get('raw_consume'), baseline: '—', ratio: '—', target: 'baseline' },
  { metric: 'projector, exactly once (events/s)', value: get('projector'), baseline: `raw consume ${get('raw_consume')}`, ratio: get('projector') / get('raw_consume'), target: '≥ 0.50' },
  { metric: 'projector vs set-based upsert ceiling', value: get('projector'), baseline: `ceiling ${get('set_based_ceiling')}`, ratio: get('projector') / get('set_based_ceiling'), target: '≥ 0.25' },
  { metric: 'projector vs naive row-per-event projector', value: get('projector'), baseline: `naive ${get('naive_row_per_event')}`, ratio: get('projector') / get('naive_row_per_event'), target: '≥ 10' },
];
const date = new Date().toISOString();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Kafka, registry, Postgres and the benchmark on the same machine`;
const md = [
  `# Read-side benchmark — ${date}`,
  '',
  `Machine: ${machine}. ${events} canonical events from ${process.env.BENCH_PIPELINES ?? 3000} pipelines (decided by the real core). Command: \`npx tsx load-tests/read-side/run.ts\`. The projector run starts at offset 0: it is also the rebuild rate.`,
  '',
  '| metric | value | baseline (same run) | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...results.map((x) => `| ${x.metric} | ${x.value} | ${x.baseline} | ${typeof x.ratio === 'number' ? x.ratio.toFixed(2) : x.ratio} | ${x.target} |`),
  '',
].join('\n');
mkdirSync(join(REPO_ROOT, 'load-tests/results'), { recursive: true });
const stamp = date.slice(0, 19).replace(/:/g, '');
writeFileSync(join(REPO_ROOT, `load-tests/results/read-side-${stamp}.json`), JSON.stringify({ date, machine, rows, results }, null, 2) + '\n');
writeFileSync(join(REPO_ROOT, `load-tests/results/read-side-${stamp}.md`), md);
console.log(`\n${md}`);
