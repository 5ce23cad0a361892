// Read-side benchmark (issue 4, QUALITY.md): projector events/s vs raw kafkajs consume of the same
// topic vs a naive row-per-event projector vs a set-based upsert ceiling, in one run.
//   npx tsx load-tests/read-side/run.ts     (BENCH_PIPELINES=3000 → 51,000 events; =20000 → 340,000)
// Writes load-tests/results/read-side.json and .md (the current result) and a row of HISTORY.md.
import { machine, ratioTable, runPhase, type Ratio } from '../lib.js';
import { writeResults } from '../result-files.js';

const rows = runPhase('read-side/phase.ts', 'read');
const get = (what: string) => rows.find((x) => x.what === what)!.per_s as number;
const events = rows.find((x) => x.what === 'events')!.events;
const results: Ratio[] = [
  {
    metric: 'raw kafkajs consume (events/s)',
    value: get('raw_consume'),
    baseline: '—',
    ratio: '—',
    target: 'baseline',
  },
  {
    metric: 'projector, exactly once (events/s)',
    value: get('projector'),
    baseline: `raw consume ${get('raw_consume')}`,
    ratio: get('projector') / get('raw_consume'),
    target: '≥ 0.50',
  },
  {
    metric: 'projector vs set-based upsert ceiling',
    value: get('projector'),
    baseline: `ceiling ${get('set_based_ceiling')}`,
    ratio: get('projector') / get('set_based_ceiling'),
    target: '≥ 0.25',
  },
  {
    metric: 'projector vs naive row-per-event projector',
    value: get('projector'),
    baseline: `naive ${get('naive_row_per_event')}`,
    ratio: get('projector') / get('naive_row_per_event'),
    target: '≥ 10',
  },
];
const date = new Date().toISOString();
const md = [
  `# Read-side benchmark — ${date}`,
  '',
  `Machine: ${machine()}. ${events} canonical events from ${process.env.BENCH_PIPELINES ?? 3000} pipelines (decided by the real core). Command: \`npx tsx load-tests/read-side/run.ts\`. The projector run starts at offset 0: it is also the rebuild rate.`,
  '',
  ...ratioTable(results),
  '',
].join('\n');
writeResults('read-side', date, { machine: machine(), rows, results }, md);
