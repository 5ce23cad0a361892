// The webhook benchmark's result: the parts and totals it measures and the Markdown and JSON it writes.
import { fmt } from '../../format.js';
import { machine, ratioTable, type Ratio, type Row } from '../../lib.js';
import type { Latency } from '../../query/latency.js';
import type { Sent } from './drive.js';
import { writeResults } from '../../result-files.js';
import { ANSWER_TARGET_MS, CONCURRENCY, JOBS, KEYED, PER_PIPELINE, PIPELINES, ROUNDS, WARMUP } from './settings.js';

export type Side = 'webhooks' | 'reports' | 'reports_keyed';
export type Counters = { reports: number; events: number; rejections: number };

/** One part: one side's pipelines of one round, sent and then drained. Printed as a JSON line. */
export interface Part extends Row {
  what: 'part';
  side: Side;
  round: number;
  pipelines: number;
  requests: number;
  accepted_ms: number;
  visible_ms: number;
  accepted_per_s: number;
  end_to_end_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  decider: Counters;
}

/** A side over every round: what the result reports. */
export interface Totals extends Row {
  what: Side;
  pipelines: number;
  requests: number;
  rounds: number;
  concurrency: number;
  statuses: Record<string, number>;
  accepted_ms: number;
  visible_ms: number;
  accepted_per_s: number;
  end_to_end_per_s: number;
  pipelines_per_s_end_to_end: number;
  answer: Latency;
  over_1s: number;
  over_10s: number;
  decider: Counters;
  read_model: Record<string, unknown>;
}

export interface Measured {
  part: Part;
  sent: Sent;
  visibleMs: number;
}

export const ratio = (a: number, b: number) => (b > 0 ? a / b : ('—' as const));

export function writeReport(a: {
  date: string;
  totals: Totals[];
  parts: Part[];
  orders: Side[][];
  loadStart: number[];
  loadEnd: number[];
  serviceErrors: Record<string, { errors: number; last: string[] }>;
}): void {
  const { date } = a;
  const of = (side: Side) => a.totals.find((t) => t.what === side);
  const [hk, rp, kd] = [of('webhooks')!, of('reports')!, of('reports_keyed')];
  const holds = hk.answer.p99_ms <= ANSWER_TARGET_MS;
  const partOf = (side: Side, round: number) => a.parts.find((p) => p.side === side && p.round === round);
  const perRound = a.orders.map((order, i) => {
    const [h, r, k] = [partOf('webhooks', i + 1)!, partOf('reports', i + 1)!, partOf('reports_keyed', i + 1)];
    return { round: i + 1, order, h, r, k };
  });
  const spread = (xs: number[]) =>
    xs.length ? `per round ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : '';
  const roundRatios = (k: 'accepted_per_s' | 'end_to_end_per_s') => perRound.map((x) => x.h[k] / x.r[k]);
  const results: Ratio[] = [
    {
      metric: 'webhook deliveries accepted (deliveries/s)',
      value: hk.accepted_per_s,
      baseline: `report API ${rp.accepted_per_s} reports/s`,
      ratio: ratio(hk.accepted_per_s, rp.accepted_per_s),
      target: `report (${spread(roundRatios('accepted_per_s'))})`,
    },
    {
      metric: 'webhook deliveries end to end (deliveries/s)',
      value: hk.end_to_end_per_s,
      baseline: `report API ${rp.end_to_end_per_s} reports/s`,
      ratio: ratio(hk.end_to_end_per_s, rp.end_to_end_per_s),
      target: `report (${spread(roundRatios('end_to_end_per_s'))})`,
    },
    {
      metric: 'webhook answer p99 (ms)',
      value: hk.answer.p99_ms,
      baseline: `report API p99 ${rp.answer.p99_ms} ms`,
      ratio: ratio(hk.answer.p99_ms, rp.answer.p99_ms),
      target: `≤ ${fmt(ANSWER_TARGET_MS)} ms (issue 14): ${holds ? 'holds' : 'does not hold'}`,
    },
    ...(kd
      ? [
          {
            metric: 'webhook accepted vs reports with Idempotency-Key',
            value: hk.accepted_per_s,
            baseline: `keyed reports ${kd.accepted_per_s} reports/s`,
            ratio: ratio(hk.accepted_per_s, kd.accepted_per_s),
            target: 'context: both claim a key per request',
          },
          {
            metric: 'webhook end to end vs reports with Idempotency-Key',
            value: hk.end_to_end_per_s,
            baseline: `keyed reports ${kd.end_to_end_per_s} reports/s`,
            ratio: ratio(hk.end_to_end_per_s, kd.end_to_end_per_s),
            target: 'context',
          },
        ]
      : []),
  ];
  const where = machine('Kafka, registry, Postgres, ingest, decider, projector and the senders');
  const command = `BENCH_PIPELINES=${PIPELINES} BENCH_ROUNDS=${ROUNDS} npx tsx load-tests/bench/webhooks.ts`;
  const line = (t: Totals, unit: string) =>
    `| ${t.what} | ${fmt(t.requests)} ${unit} | ${fmt(t.accepted_per_s)} | ${fmt(t.end_to_end_per_s)} | ${fmt(t.pipelines_per_s_end_to_end)} | ${t.answer.p50_ms} / ${t.answer.p95_ms} / ${t.answer.p99_ms} / ${t.answer.max_ms} | ${t.over_1s} / ${t.over_10s} | ${Object.entries(
      t.statuses,
    )
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')} | ${t.decider.reports} / ${t.decider.events} / ${t.decider.rejections} |`;
  const rm = (t: Totals) =>
    `${(t.read_model.pipelines as { status: string; mode: string; system: string; n: number }[])
      .map((r) => `${r.n} ${r.status} (${r.mode}, ${r.system})`)
      .join(', ')}; jobs ${Object.entries(t.read_model.jobs as Record<string, number>)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`;
  const rates = (p: Part | undefined) => (p ? `${p.accepted_per_s} / ${p.end_to_end_per_s}` : '—');
  const errors = a.totals.reduce((n, t) => n + t.answer.errors, 0);
  const md = [
    `# Webhook benchmark — ${date}`,
    '',
    `Machine: ${where}. Load average ${a.loadStart.join(' ')} at the start, ${a.loadEnd.join(' ')} at the end. Command: \`${command}\` (BENCH_CONCURRENCY=${CONCURRENCY}, BENCH_WARMUP_PIPELINES=${WARMUP}).`,
    '',
    `Traffic: ${fmt(PIPELINES)} pipelines per side, one stage of three jobs that run and succeed: ${PER_PIPELINE} requests per pipeline, one per HTTP call, ${CONCURRENCY} concurrent senders, each sending one pipeline's requests in order. Webhooks: a GitLab Pipeline Hook (pending, builds created) and per build a Job Hook running and one success, each with its own X-Gitlab-Event-UUID, to \`POST /v1/hooks/gitlab\`. Reports: \`POST /v1/pipelines\` and per job \`POST /v1/pipelines/:id/jobs/:job/reports\` running and success${kd ? '; reports_keyed: the same with an Idempotency-Key per request, as every delivery has its event UUID claimed' : ''}. One Verity system (ingest, decider, projector; own topic prefix and scratch database); a warm-up of ${WARMUP} pipelines per side, then ${ROUNDS} round(s), each side's pipelines split evenly over them and the order of the sides reversed every other round, each part drained before the next. Accepted: first request sent → last answer; end to end: first request sent → every pipeline of the part finished in rm.pipelines (polled every 50 ms); a side's rate is its requests over the sum of its parts' times.`,
    '',
    ...ratioTable(results),
    '',
    '| side | requests | accepted /s | end to end /s | pipelines/s end to end | answer p50 / p95 / p99 / max ms | answers > 1 s / > 10 s | HTTP statuses | decider reports / events / rejections |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
    line(hk, 'deliveries'),
    line(rp, 'reports'),
    ...(kd ? [line(kd, 'reports')] : []),
    '',
    `Per round, accepted / end-to-end requests/s:`,
    '',
    `| round | order | webhooks | reports | ${kd ? 'reports_keyed | ' : ''}webhooks ÷ reports, accepted / end to end |`,
    `| ---: | --- | ---: | ---: | ${kd ? '---: | ' : ''}---: |`,
    ...perRound.map(
      (x) =>
        `| ${x.round} | ${x.order.join(', ')} | ${rates(x.h)} | ${rates(x.r)} | ${kd ? `${rates(x.k)} | ` : ''}${(x.h.accepted_per_s / x.r.accepted_per_s).toFixed(2)} / ${(x.h.end_to_end_per_s / x.r.end_to_end_per_s).toFixed(2)} |`,
    ),
    '',
    `Read model at the end (warm-up included) — webhooks: ${rm(hk)}. Reports: ${rm(rp)}.${kd ? ` Reports with Idempotency-Key: ${rm(kd)}.` : ''}`,
    '',
    `Webhook answers within ${fmt(ANSWER_TARGET_MS)} ms at p99: **${holds ? 'yes' : 'no'}** (p99 ${hk.answer.p99_ms} ms; ${hk.over_1s} of ${fmt(hk.requests)} answers over 1 s, ${hk.over_10s} over GitLab's 10 s). Requests not answered 202: ${errors}. Errors logged by the services: ${Object.entries(
      a.serviceErrors,
    )
      .map(([s, e]) => `${s} ${e.errors}`)
      .join(', ')}.`,
    ...Object.entries(a.serviceErrors)
      .filter(([, e]) => e.errors > 0)
      .flatMap(([s, e]) => ['', `Last errors of ${s}: ${e.last.map((l) => `\`${l.slice(0, 300)}\``).join('; ')}.`]),
    '',
  ].join('\n');
  writeResults(
    'webhooks',
    date,
    {
      machine: where,
      command,
      settings: {
        pipelines: PIPELINES,
        rounds: ROUNDS,
        requests_per_pipeline: PER_PIPELINE,
        concurrency: CONCURRENCY,
        warmup_pipelines: WARMUP,
        keyed_reports: KEYED,
        jobs: JOBS,
      },
      load_avg: { start: a.loadStart, end: a.loadEnd },
      answer_target_ms: ANSWER_TARGET_MS,
      answer_target_met: holds,
      service_errors: a.serviceErrors,
      // Parts first, as printed (the suite recognises this file by the rows it printed), then the sides.
      rows: [...a.parts, ...a.totals],
      results,
    },
    md,
  );
}
