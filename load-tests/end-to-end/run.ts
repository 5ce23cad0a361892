// End-to-end benchmark (QUALITY.md "end-to-end lag" and "headline"): report accepted by ingest →
// visible in the read model, with every hop real (ingest and decider as processes, the projector here).
//   npx tsx load-tests/end-to-end/run.ts      (BENCH_PIPELINES=2000 for the maximum, BENCH_SECONDS=20 per load)
// Writes load-tests/results/end-to-end-<date>.json and .md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/platform/schemas/catalog.js';

type Row = Record<string, number | string | null>;
const r = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'load-tests/end-to-end/phase.ts')], {
  cwd: REPO_ROOT,
  env: { ...process.env, VERITY_TOPIC_PREFIX: `bench-${Date.now()}-e2e.`, LOG_LEVEL: 'warn' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 64 << 20,
  timeout: 40 * 60_000,
});
if (r.status !== 0) throw new Error(`end-to-end phase failed (${r.status ?? r.signal})`);
const rows = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
for (const row of rows) console.log(JSON.stringify(row));
const get = (what: string) => rows.find((x) => x.what === what)!;
const max = get('max');
const low = get('open_loop_25');
const high = get('open_loop_75');
const ratio = Number(high.lag_p99_ms) / Number(low.lag_p99_ms);
const date = new Date().toISOString();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Kafka, registry, Postgres, ingest, decider, projector and the load driver on the same machine`;
const md = [
  `# End-to-end benchmark — ${date}`,
  '',
  `Machine: ${machine}. Command: \`npx tsx load-tests/end-to-end/run.ts\`. Lag = read-model commit − ingest receipt of the report.`,
  '',
  '| measurement | value | target |',
  '| --- | ---: | --- |',
  `| sustained end-to-end (bulk ingest → decider EOS → projector EOS), reports/s | ${max.reports_per_s} | context |`,
  `| sustained end-to-end, canonical events/s | ${max.events_per_s} | ≥ 5,000 (headline) |`,
  `| lag p50 / p99 at 25% load (${low.target_reports_per_s} reports/s) | ${low.lag_p50_ms} / ${low.lag_p99_ms} ms | report |`,
  `| lag p50 / p99 at 75% load (${high.target_reports_per_s} reports/s) | ${high.lag_p50_ms} / ${high.lag_p99_ms} ms | report |`,
  `| p99 at 75% / p99 at 25% | ${ratio.toFixed(2)} | ≤ 3 |`,
  '',
].join('\n');
mkdirSync(join(REPO_ROOT, 'load-tests/results'), { recursive: true });
const stamp = date.slice(0, 19).replace(/:/g, '');
writeFileSync(join(REPO_ROOT, `load-tests/results/end-to-end-${stamp}.json`), JSON.stringify({ date, machine, rows }, null, 2) + '\n');
writeFileSync(join(REPO_ROOT, `load-tests/results/end-to-end-${stamp}.md`), md);
console.log(`\n${md}`);
