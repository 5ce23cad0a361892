// End-to-end benchmark (QUALITY.md "end-to-end lag" and "headline"): report accepted by ingest →
// visible in the read model, with every hop real (ingest and decider as processes, the projector here).
//   npx tsx load-tests/end-to-end/run.ts      (BENCH_PIPELINES=2000 for the maximum, BENCH_SECONDS=20 per load)
// Writes load-tests/results/end-to-end.json and .md (the current result) and a row of HISTORY.md.
import { machine, runPhase } from '../lib.js';
import { writeResults } from '../result-files.js';

const rows = runPhase('end-to-end/phase.ts', 'e2e');
const get = (what: string) => rows.find((x) => x.what === what)!;
const max = get('max');
const low = get('open_loop_25');
const high = get('open_loop_75');
const ratio = Number(high.lag_p99_ms) / Number(low.lag_p99_ms);
const date = new Date().toISOString();
const where = machine('Kafka, registry, Postgres, ingest, decider, projector and the load driver');
const md = [
  `# End-to-end benchmark — ${date}`,
  '',
  `Machine: ${where}. Command: \`npx tsx load-tests/end-to-end/run.ts\`. Lag = read-model commit − ingest receipt of the report.`,
  '',
  '| measurement | value | target |',
  '| --- | ---: | --- |',
  `| sustained end-to-end (bulk ingest → decider EOS → projector EOS), reports/s | ${max.reports_per_s} | context |`,
  `| sustained end-to-end, canonical events/s | ${max.events_per_s} | ≥ 10,000 (headline, issue 17) |`,
  `| lag p50 / p99 at 25% load (${low.target_reports_per_s} reports/s) | ${low.lag_p50_ms} / ${low.lag_p99_ms} ms | report |`,
  `| lag p50 / p99 at 75% load (${high.target_reports_per_s} reports/s) | ${high.lag_p50_ms} / ${high.lag_p99_ms} ms | report |`,
  `| p99 at 75% / p99 at 25% | ${ratio.toFixed(2)} | ≤ 3 |`,
  `| decider CONCURRENT_TRANSACTIONS retries: maximum / 25% / 75% load | ${[max, low, high].map((r) => r.transaction_conflicts ?? 'not counted').join(' / ')} | 0 |`,
  '',
].join('\n');
writeResults('end-to-end', date, { machine: where, rows }, md);
