// Write-side benchmark (issue 3, QUALITY.md): raw kafkajs produce/consume on the same broker vs ingest
// (bulk and single) vs the decider with and without transactions, all in one run, same message mix.
//   npx tsx load-tests/write-side/run.ts          (BENCH_PIPELINES=3000 → 21,000 reports per phase)
// Writes load-tests/results/write-side-<date>.json and .md (ratios to the baselines measured here).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/platform/schemas/catalog.js';

type Row = { what: string; per_s: number; [k: string]: unknown };

function phase(name: string, env: Record<string, string>): Row[] {
  const prefix = `bench-${Date.now()}-${name}.`;
  const r = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'load-tests/write-side/phase.ts'), name], {
    cwd: REPO_ROOT,
    env: { ...process.env, VERITY_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
    timeout: 15 * 60_000,
  });
  if (r.status !== 0) throw new Error(`phase ${name} failed (${r.status ?? r.signal})`);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => ({ ...(JSON.parse(l) as Row), phase: name }));
  for (const row of rows) console.log(JSON.stringify(row));
  return rows;
}

const eos = phase('decider', { DECIDER_TRANSACTIONAL: 'true' });
const plain = phase('decider', { DECIDER_TRANSACTIONAL: 'false' });
const ingest = phase('ingest', {});
const get = (rows: Row[], what: string) => rows.find((r) => r.what === what)!.per_s;

const rawProduce = get(eos, 'raw_produce');
const rawConsume = get(eos, 'raw_consume');
const results = [
  { metric: 'raw kafkajs produce (msgs/s)', value: rawProduce, baseline: '—', ratio: '—', target: 'baseline' },
  { metric: 'raw kafkajs consume (msgs/s)', value: rawConsume, baseline: '—', ratio: '—', target: 'baseline' },
  { metric: 'consume + registry decode + Ajv (msgs/s)', value: get(eos, 'consume_decode'), baseline: `raw consume ${rawConsume}`, ratio: get(eos, 'consume_decode') / rawConsume, target: 'context: the floor of any consumer of ours' },
  { metric: 'ingest bulk NDJSON (reports/s)', value: get(ingest, 'ingest_bulk'), baseline: `raw produce ${get(ingest, 'raw_produce')}`, ratio: get(ingest, 'ingest_bulk') / get(ingest, 'raw_produce'), target: '≥ 0.50' },
  { metric: 'ingest single POST, 32 concurrent (reports/s)', value: get(ingest, 'ingest_single'), baseline: `raw produce ${get(ingest, 'raw_produce')}`, ratio: get(ingest, 'ingest_single') / get(ingest, 'raw_produce'), target: 'context' },
  { metric: 'decider EOS (reports/s)', value: get(eos, 'decider_eos'), baseline: `raw consume ${rawConsume}`, ratio: get(eos, 'decider_eos') / rawConsume, target: '≥ 0.40' },
  { metric: 'decider EOS vs consume + decode', value: get(eos, 'decider_eos'), baseline: `consume+decode ${get(eos, 'consume_decode')}`, ratio: get(eos, 'decider_eos') / get(eos, 'consume_decode'), target: 'context' },
  { metric: 'decider EOS vs without transactions', value: get(eos, 'decider_eos'), baseline: `no-txn ${get(plain, 'decider_no_txn')}`, ratio: get(eos, 'decider_eos') / get(plain, 'decider_no_txn'), target: '≥ 0.80' },
];
const date = new Date().toISOString();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Kafka, registry, Postgres and the benchmark on the same machine`;
const md = [
  `# Write-side benchmark — ${date}`,
  '',
  `Machine: ${machine}. Traffic: ${process.env.BENCH_PIPELINES ?? 3000} pipelines × 7 reports (one job in five pipelines fails with a 4 KiB excerpt). Command: \`npx tsx load-tests/write-side/run.ts\`.`,
  '',
  '| metric | value | baseline (same run) | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...results.map((r) => `| ${r.metric} | ${r.value} | ${r.baseline} | ${typeof r.ratio === 'number' ? r.ratio.toFixed(2) : r.ratio} | ${r.target} |`),
  '',
].join('\n');
mkdirSync(join(REPO_ROOT, 'load-tests/results'), { recursive: true });
const stamp = date.slice(0, 19).replace(/:/g, '');
writeFileSync(join(REPO_ROOT, `load-tests/results/write-side-${stamp}.json`), JSON.stringify({ date, machine, rows: [...eos, ...plain, ...ingest], results }, null, 2) + '\n');
writeFileSync(join(REPO_ROOT, `load-tests/results/write-side-${stamp}.md`), md);
console.log(`\n${md}`);
