// The suite's table of every measurement beside its baseline measured in the same run (bench.json's
// `measurements`, the "Every benchmark" table of bench.md): each row with the ratio to its baseline and
// the QUALITY.md target it answers to, if any. The verdicts on those targets are targets.ts.
import { fmt } from '../../format.js';
import { div, type Figures, type Num } from '../figures.js';
import type { Run } from './runner.js';

/** One row of the suite's table: a measurement with its baseline measured in the same run. */
export interface Measurement {
  bench: string;
  metric: string;
  value: Num;
  unit: string;
  baseline: string;
  baseline_value: Num;
  ratio: Num;
  target: string;
}

export function measurements(f: Figures, runs: Map<string, Run>): Measurement[] {
  const out: Measurement[] = [];
  const add = (
    bench: string,
    metric: string,
    value: Num,
    unit: string,
    baseline: string,
    baselineValue: Num,
    target: string,
    ratio: Num = div(value, baselineValue),
  ) => {
    if (!runs.has(bench)) return;
    out.push({
      bench,
      metric,
      value,
      unit,
      baseline: baselineValue === null && baseline === '—' ? '—' : `${baseline} ${fmt(baselineValue)}`,
      baseline_value: baselineValue,
      ratio,
      target,
    });
  };
  const { ws, rs, e2e, rb, q } = f;
  add('write-side', 'raw kafkajs produce, intake mix', ws.raw_produce, 'msgs/s', '—', null, 'baseline', null);
  add('write-side', 'raw kafkajs consume, intake mix', ws.raw_consume, 'msgs/s', '—', null, 'baseline', null);
  add(
    'write-side',
    'consume + registry decode + Ajv',
    ws.consume_decode,
    'msgs/s',
    'raw consume',
    ws.raw_consume,
    'context',
  );
  add('write-side', 'ingest bulk NDJSON', ws.ingest_bulk, 'reports/s', 'raw produce', ws.ingest_raw_produce, '≥ 0.50');
  add(
    'write-side',
    'raw kafkajs produce, one message per call, 32 concurrent',
    ws.ingest_raw_single ?? null,
    'msgs/s',
    '—',
    null,
    'baseline',
    null,
  );
  add(
    'write-side',
    'ingest single POST, 32 concurrent',
    ws.ingest_single,
    'reports/s',
    'raw produce one per call',
    ws.ingest_raw_single ?? null,
    '≥ 0.50',
  );
  add(
    'write-side',
    'decider EOS: CONCURRENT_TRANSACTIONS retries',
    ws.decider_conflicts ?? null,
    'retries',
    'transactions',
    ws.decider_transactions ?? null,
    '0',
  );
  add('write-side', 'decider EOS', ws.decider_eos, 'reports/s', 'raw consume', ws.raw_consume, '≥ 0.40');
  add(
    'write-side',
    'decider EOS vs without transactions',
    ws.decider_eos,
    'reports/s',
    'no-txn decider',
    ws.decider_no_txn,
    '≥ 0.80',
  );
  add('read-side', 'raw kafkajs consume, canonical events', rs.raw_consume, 'events/s', '—', null, 'baseline', null);
  add('read-side', 'projector, exactly once', rs.projector, 'events/s', 'raw consume', rs.raw_consume, '≥ 0.50');
  add(
    'read-side',
    'projector vs set-based upsert ceiling',
    rs.projector,
    'events/s',
    'set-based ceiling',
    rs.ceiling,
    '≥ 0.25',
  );
  add(
    'read-side',
    'projector vs naive row-per-event projector',
    rs.projector,
    'events/s',
    'naive projector',
    rs.naive,
    '≥ 10',
  );
  add(
    'end-to-end',
    'sustained end-to-end (bulk ingest → decider EOS → projector EOS)',
    e2e.reports_per_s,
    'reports/s',
    'raw produce (write-side, this run)',
    ws.raw_produce,
    'context',
  );
  add(
    'end-to-end',
    'sustained end-to-end, canonical events',
    e2e.events_per_s,
    'events/s',
    'headline target',
    5000,
    '≥ 1 (5,000 events/s)',
  );
  add('end-to-end', `lag p50 at 25% load (${fmt(e2e.rate25)} reports/s)`, e2e.p50_25, 'ms', '—', null, 'report', null);
  add('end-to-end', `lag p99 at 25% load`, e2e.p99_25, 'ms', '—', null, 'report', null);
  add('end-to-end', `lag p50 at 75% load (${fmt(e2e.rate75)} reports/s)`, e2e.p50_75, 'ms', '—', null, 'report', null);
  add('end-to-end', 'lag p99 at 75% load', e2e.p99_75, 'ms', 'p99 at 25% load', e2e.p99_25, '≤ 3');
  add('rebuild', 'raw kafkajs consume, canonical events', rb.raw_consume, 'events/s', '—', null, 'baseline', null);
  add(
    'rebuild',
    'raw consume + registry decode/validate',
    rb.consume_decode,
    'events/s',
    'raw consume',
    rb.raw_consume,
    'context',
  );
  add(
    'rebuild',
    `\`verity rebuild\` path, ${fmt(rb.events)} events (join + build + swap + drop)`,
    rb.rebuild,
    'events/s',
    'raw consume',
    rb.raw_consume,
    '≥ 0.50',
  );
  for (const r of q.routes)
    add(
      'query',
      `${r.name} \`${r.route}\` API p99 (${fmt(r.api_rps)} req/s, ${r.errors ?? 0} errors)`,
      r.api_p99,
      'ms',
      'same SQL through pg, p99',
      r.sql_p99,
      'context',
    );
  add(
    'query',
    `statements with a Seq Scan (EXPLAIN ANALYZE, ${fmt(q.jobs)} job rows, ${fmt(q.statements)} statements)`,
    q.seq_scans,
    'statements',
    '—',
    null,
    '0',
    null,
  );
  for (const r of f.recall)
    add(
      'log-excerpt-recall',
      `excerpt recall at ${r.budget} bytes`,
      r.excerpt,
      'share',
      'tail (last B chars)',
      r.tail,
      r.budget === 16000 ? '≥ 0.97 absolute' : 'context',
    );
  add(
    'log-excerpt-evidence',
    'evidence hit@3',
    f.evidence.evidence,
    'share',
    'top-3 raw markers',
    f.evidence.markers,
    '≥ 0.80 absolute',
  );
  add(
    'log-excerpt-evidence',
    'evidence hit@3 vs the last 20 lines',
    f.evidence.evidence,
    'share',
    'last 20 lines',
    f.evidence.last20,
    'context',
  );
  return out;
}
