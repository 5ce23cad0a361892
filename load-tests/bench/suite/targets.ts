// The verdict on each QUALITY.md target the suite judges (bench.json's `targets`, the "QUALITY.md
// targets" table of bench.md): met, not met, or n/a with the reason (benchmark not run, failed, a
// baseline, no benchmark yet). Memory is judged from the latest soak result, which the suite does not run.
import { fmt } from '../../format.js';
import { div, type Figures, type Num } from '../figures.js';
import { latestSoak } from './not-run.js';
import type { Run } from './runner.js';
import { PROFILE } from './specs.js';

export interface Target {
  what: string;
  metric: string;
  value: Num;
  ratio: Num;
  target: string;
  met: boolean | null;
  reason?: string;
  note?: string;
  source: string;
}

export function targets(f: Figures, runs: Map<string, Run>): Target[] {
  const unavailable = (bench: string): string => {
    const r = runs.get(bench);
    if (!r) return `${bench} not run (BENCH_ONLY / BENCH_SKIP)`;
    if (r.status === 'skipped') return `${bench} skipped: ${r.reason}`;
    if (r.status === 'failed') return `${bench} failed (${r.reason})`;
    return `${bench} printed no such measurement`;
  };
  const t = (
    what: string,
    metric: string,
    bench: string,
    value: Num,
    ratio: Num,
    target: string,
    test: (x: number) => boolean,
    note?: string,
  ): Target => {
    const x = ratio ?? value;
    const base = { what, metric, value, ratio, target, source: bench, ...(note ? { note } : {}) };
    return x === null ? { ...base, met: null, reason: unavailable(bench) } : { ...base, met: test(x) };
  };
  const { ws, rs, e2e, rb, q } = f;
  const small = (n: Num, want: number, unit: string) =>
    n !== null && n < want
      ? `measured at ${fmt(n)} ${unit} (${PROFILE} profile); the target names ${fmt(want)}`
      : undefined;
  const soak = latestSoak();
  const soakServices =
    (soak?.json.services as { service: string; slope_mib_per_min: number | null; verdict: string }[] | undefined) ?? [];
  const soakFlat = soakServices.length > 0 ? soakServices.every((s) => s.verdict === 'flat') : null;
  const worst = soakServices
    .filter((s) => s.slope_mib_per_min !== null)
    .sort((a, b) => Math.abs(b.slope_mib_per_min!) - Math.abs(a.slope_mib_per_min!))[0];
  const worstSlope = worst ? worst.slope_mib_per_min : null;
  return [
    {
      what: 'raw Kafka ceiling',
      metric: 'kafkajs produce / consume msgs/s, same broker, same mix',
      value: ws.raw_produce,
      ratio: null,
      target: 'the baseline the rest is compared to',
      met: null,
      reason: 'a baseline: no target of its own',
      note: `raw produce ${fmt(ws.raw_produce)}, raw consume ${fmt(ws.raw_consume)} msgs/s (write-side); raw consume of canonical events ${fmt(rs.raw_consume)} (read-side), ${fmt(rb.raw_consume)} (rebuild)`,
      source: 'write-side',
    },
    t(
      'ingest HTTP → Kafka',
      'bulk NDJSON reports/s ÷ raw produce',
      'write-side',
      ws.ingest_bulk,
      div(ws.ingest_bulk, ws.ingest_raw_produce),
      '≥ 0.50',
      (x) => x >= 0.5,
    ),
    t(
      'ingest HTTP → Kafka',
      'single-report POSTs/s (32 concurrent) ÷ raw produce one message per call (32 concurrent)',
      'write-side',
      ws.ingest_single,
      div(ws.ingest_single, ws.ingest_raw_single ?? null),
      '≥ 0.50 and ≥ 5,000 reports/s',
      (x) => x >= 0.5 && (ws.ingest_single ?? 0) >= 5000,
    ),
    t(
      'decider (EOS)',
      'CONCURRENT_TRANSACTIONS retries in steady state',
      'write-side',
      ws.decider_conflicts ?? null,
      null,
      '0',
      (x) => x === 0,
      ws.decider_transactions ? `over ${fmt(ws.decider_transactions)} transactions` : undefined,
    ),
    t(
      'decider (EOS)',
      'reports decided/s ÷ raw consume',
      'write-side',
      ws.decider_eos,
      div(ws.decider_eos, ws.raw_consume),
      '≥ 0.40',
      (x) => x >= 0.4,
    ),
    t(
      'decider (EOS)',
      'reports decided/s ÷ same decider without transactions',
      'write-side',
      ws.decider_eos,
      div(ws.decider_eos, ws.decider_no_txn),
      '≥ 0.80',
      (x) => x >= 0.8,
    ),
    t(
      'projector',
      'events applied/s ÷ raw consume',
      'read-side',
      rs.projector,
      div(rs.projector, rs.raw_consume),
      '≥ 0.50',
      (x) => x >= 0.5,
    ),
    t(
      'projector',
      'events applied/s ÷ set-based batched-upsert ceiling',
      'read-side',
      rs.projector,
      div(rs.projector, rs.ceiling),
      '≥ 0.25',
      (x) => x >= 0.25,
    ),
    t(
      'projector',
      'events applied/s ÷ naive row-per-event projector',
      'read-side',
      rs.projector,
      div(rs.projector, rs.naive),
      '≥ 10',
      (x) => x >= 10,
    ),
    t(
      'end-to-end lag',
      'p99 at 75% load ÷ p99 at 25% load (ms)',
      'end-to-end',
      e2e.p99_75,
      div(e2e.p99_75, e2e.p99_25),
      '≤ 3',
      (x) => x <= 3,
      e2e.p99_25 === null
        ? undefined
        : `p50/p99 ${fmt(e2e.p50_25)}/${fmt(e2e.p99_25)} ms at 25% (${fmt(e2e.rate25)} reports/s), ${fmt(e2e.p50_75)}/${fmt(e2e.p99_75)} ms at 75% (${fmt(e2e.rate75)} reports/s)`,
    ),
    t(
      'headline',
      'sustained end-to-end events/s, all on one 2-core machine',
      'end-to-end',
      e2e.events_per_s,
      div(e2e.events_per_s, 10_000),
      '≥ 10,000 events/s (issue 17)',
      (x) => x >= 1,
    ),
    t(
      'rebuild',
      'full read-model rebuild events/s ÷ raw consume',
      'rebuild',
      rb.rebuild,
      div(rb.rebuild, rb.raw_consume),
      '≥ 0.50 (1M events)',
      (x) => x >= 0.5,
      small(rb.events, 1_000_000, 'events'),
    ),
    t(
      'query API',
      'statements with a Seq Scan on list/detail routes (EXPLAIN ANALYZE)',
      'query',
      q.seq_scans,
      null,
      '0 (indexes used)',
      (x) => x === 0,
      [
        small(q.jobs, 10_000_000, 'job rows'),
        q.routes.length
          ? `worst API p99 ${fmt(Math.max(...q.routes.map((r) => r.api_p99 ?? 0)))} ms over ${q.routes.length} routes`
          : '',
      ]
        .filter(Boolean)
        .join('; ') || undefined,
    ),
    soak
      ? {
          what: 'memory',
          metric: 'RSS slope per service over the second half of a soak (MiB/min)',
          value: worstSlope,
          ratio: null,
          target: 'flat (|slope| < 1 MiB/min) over 10 minutes',
          met: soakFlat,
          ...(soakFlat === null ? { reason: `${soak.file} has no service series` } : {}),
          note: `steepest: ${worst?.service ?? '?'} ${fmt(worstSlope)} MiB/min; ${soakServices.map((s) => `${s.service} ${s.verdict}`).join(', ')}; from ${soak.file} (${String(soak.json.minutes)} min, ${String(soak.json.date)}), not this run: \`make soak\``,
          source: 'soak',
        }
      : {
          what: 'memory',
          metric: 'RSS of each service under sustained load',
          value: null,
          ratio: null,
          target: 'flat over a 10-minute soak',
          met: null,
          reason: 'measured by `make soak` (load-tests/bench/soak.ts); no soak.json yet',
          source: 'soak',
        },
    t(
      'context recall (AI quality)',
      'excerpt recall at B = 16,000 on LogChunks dev',
      'log-excerpt-recall',
      f.recall.find((r) => r.budget === 16000)?.excerpt ?? null,
      null,
      '≥ 0.97',
      (x) => x >= 0.97,
      (() => {
        const r = f.recall.find((x) => x.budget === 16000);
        return r ? `plain tail ${fmt(r.tail)}, last 200 lines ${fmt(r.tail200)} (same run)` : undefined;
      })(),
    ),
    t(
      'evidence hit@3 (AI quality)',
      'a top-3 evidence range overlaps the labelled lines',
      'log-excerpt-evidence',
      f.evidence.evidence,
      null,
      '≥ 0.80',
      (x) => x >= 0.8,
      f.evidence.evidence === null
        ? undefined
        : `top-3 raw markers ${fmt(f.evidence.markers)}, last 20 lines ${fmt(f.evidence.last20)} (same run)`,
    ),
    {
      what: 'CRUD alternative',
      metric: 'write throughput vs a CRUD control plane updating Postgres rows per report',
      value: null,
      ratio: null,
      target: 'Verity does not lose',
      met: null,
      reason:
        'no benchmark of a CRUD control plane yet (the naive row-per-event projector of read-side is the nearest)',
      source: '—',
    },
  ];
}
