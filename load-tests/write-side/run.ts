// Write-side benchmark (issue 3, QUALITY.md): raw kafkajs produce/consume on the same broker vs ingest
// (bulk and single) vs the decider with and without transactions, all in one run, same message mix.
//   npx tsx load-tests/write-side/run.ts          (BENCH_PIPELINES=3000 → 21,000 reports per phase)
// Writes load-tests/results/write-side.json and .md (the current result; ratios to the baselines measured
// here) and a row of HISTORY.md.
import { machine, ratioTable, runPhase, type Ratio, type Row } from '../lib.js';
import { writeResults } from '../result-files.js';

const phase = (name: string, env: Record<string, string>) =>
  runPhase('write-side/phase.ts', name, env, [name]).map((r) => ({ ...r, phase: name }));
const get = (rows: Row[], what: string) => rows.find((r) => r.what === what)!.per_s as number;

const eos = phase('decider', { DECIDER_TRANSACTIONAL: 'true' });
const plain = phase('decider', { DECIDER_TRANSACTIONAL: 'false' });
const ingest = phase('ingest', {});

const rawProduce = get(eos, 'raw_produce');
const eosRow = eos.find((r) => r.what === 'decider_eos')! as Record<string, unknown>;
const rawConsume = get(eos, 'raw_consume');
const results: Ratio[] = [
  { metric: 'raw kafkajs produce (msgs/s)', value: rawProduce, baseline: '—', ratio: '—', target: 'baseline' },
  { metric: 'raw kafkajs consume (msgs/s)', value: rawConsume, baseline: '—', ratio: '—', target: 'baseline' },
  {
    metric: 'consume + registry decode + Ajv (msgs/s)',
    value: get(eos, 'consume_decode'),
    baseline: `raw consume ${rawConsume}`,
    ratio: get(eos, 'consume_decode') / rawConsume,
    target: 'context: the floor of any consumer of ours',
  },
  {
    metric: 'ingest bulk NDJSON (reports/s)',
    value: get(ingest, 'ingest_bulk'),
    baseline: `raw produce ${get(ingest, 'raw_produce')}`,
    ratio: get(ingest, 'ingest_bulk') / get(ingest, 'raw_produce'),
    target: '≥ 0.50',
  },
  {
    metric: 'raw kafkajs produce, one message per call, 32 concurrent (msgs/s)',
    value: get(ingest, 'raw_produce_single'),
    baseline: '—',
    ratio: '—',
    target: 'baseline',
  },
  {
    metric: 'ingest single POST, 32 concurrent (reports/s)',
    value: get(ingest, 'ingest_single'),
    baseline: `raw produce one per call ${get(ingest, 'raw_produce_single')}`,
    ratio: get(ingest, 'ingest_single') / get(ingest, 'raw_produce_single'),
    target: '≥ 0.50 and ≥ 5,000/s',
  },
  {
    metric: 'decider EOS (reports/s)',
    value: get(eos, 'decider_eos'),
    baseline: `raw consume ${rawConsume}`,
    ratio: get(eos, 'decider_eos') / rawConsume,
    target: '≥ 0.40',
  },
  {
    metric: 'decider EOS vs consume + decode',
    value: get(eos, 'decider_eos'),
    baseline: `consume+decode ${get(eos, 'consume_decode')}`,
    ratio: get(eos, 'decider_eos') / get(eos, 'consume_decode'),
    target: 'context',
  },
  {
    metric: 'decider EOS: ms per transaction (CONCURRENT_TRANSACTIONS retries)',
    value: eosRow.ms_per_batch as number,
    baseline: `${eosRow.transaction_conflicts} retries in ${eosRow.batches} transactions`,
    ratio: '—',
    target: '0 retries',
  },
  {
    metric: 'decider EOS vs without transactions',
    value: get(eos, 'decider_eos'),
    baseline: `no-txn ${get(plain, 'decider_no_txn')}`,
    ratio: get(eos, 'decider_eos') / get(plain, 'decider_no_txn'),
    target: '≥ 0.80',
  },
];
const date = new Date().toISOString();
const md = [
  `# Write-side benchmark — ${date}`,
  '',
  `Machine: ${machine()}. Traffic: ${process.env.BENCH_PIPELINES ?? 3000} pipelines × 7 reports (one job in five pipelines fails with a 4 KiB excerpt). Command: \`npx tsx load-tests/write-side/run.ts\`.`,
  '',
  ...ratioTable(results),
  '',
].join('\n');
writeResults('write-side', date, { machine: machine(), rows: [...eos, ...plain, ...ingest], results }, md);
