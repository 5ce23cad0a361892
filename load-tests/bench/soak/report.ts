// The soak's result: soak.json (settings, isolation, verdict, each service's RSS figures, the traffic, the
// whole sample series) and soak.md (verdict, RSS table, last errors, traffic and lag), with soak-rss.svg
// (result-charts.ts rssChart), written by writeResults.
import { fmt } from '../../format.js';
import { machine } from '../../lib.js';
import { writeResults } from '../../result-files.js';
import { rssChart } from '../result-charts.js';
import type { ServiceVerdict } from './analysis.js';
import type { HeapDiff } from './heap.js';
import { DB_NAME, FLAT_MIB_PER_MIN, MINUTES, PREFIX, RATE, RETENTION_MS, SAMPLE_MS } from './settings.js';
import type { Sample, TrafficStats } from './traffic.js';

/** A slope in MiB/min as MiB per 10 minutes (the target's unit), to 0.01. */
const per10Minutes = (mibPerMin: number | null) => (mibPerMin === null ? '—' : fmt(Math.round(mibPerMin * 1000) / 100));

/** The chart's file, written by writeResults beside soak.md. */
export const RSS_SVG = 'soak-rss.svg';

/** What a soak measured, once its services are stopped. */
export interface SoakRun {
  date: string;
  totalS: number;
  services: ServiceVerdict[];
  samples: Sample[];
  stats: TrafficStats;
  finishedInReadModel: number | null;
  drainS: number | null;
  /** Per service: its heap at a quarter of the soak and at its end, and what grew (heap.ts). */
  heap: Record<string, HeapDiff>;
}

/** Writes soak.json, soak.md and soak-rss.svg (and the HISTORY.md row); prints each service's RSS row. */
export function writeSoakResults({
  date,
  totalS,
  services,
  samples,
  stats,
  finishedInReadModel,
  drainS,
  heap,
}: SoakRun): void {
  const lags = samples.filter((s) => s.lag_p99_ms !== null);
  const applied = samples.at(-1)?.applied_events ?? null;
  const flat = services.length > 0 && services.every((s) => s.verdict === 'flat');
  const where = machine(
    `Kafka, registry, Postgres, ${services.map((s) => s.service).join(', ')} and the traffic driver`,
  );
  const json = {
    date,
    command: `${process.env.DECIDER_FINISHED_RETENTION_MS ? `DECIDER_FINISHED_RETENTION_MS=${RETENTION_MS} ` : ''}BENCH_SOAK_MINUTES=${MINUTES} BENCH_SOAK_RATE=${RATE} npx tsx load-tests/bench/soak.ts`,
    minutes: MINUTES,
    measured_s: totalS,
    rate_reports_per_s: RATE,
    machine: where,
    isolation: { topic_prefix: PREFIX, scratch_database: DB_NAME, dropped: true },
    verdict: flat ? 'flat' : 'not flat',
    flat_threshold_mib_per_min: FLAT_MIB_PER_MIN,
    services,
    traffic: {
      sent_reports: stats.sentReports,
      sent_pipelines: stats.sentPipelines,
      bulk_requests: stats.requests,
      failed_requests: stats.failedRequests,
      first_failure: stats.firstFailure || null,
      skipped_ticks_backpressure: stats.skippedTicks,
      query_requests: stats.queries,
      failed_query_requests: stats.failedQueries,
      applied_events: applied,
      pipelines_finished_in_read_model: finishedInReadModel,
      drain_s: drainS,
    },
    heap,
    series: samples,
  };
  const when = `${date.slice(0, 16).replace('T', ' ')} UTC`;
  const subtitle = `${MINUTES} min at ${RATE} reports/s, ${when}; ${where.split(';')[0]}`;
  const rss = rssChart({ services, series: samples }, subtitle, FLAT_MIB_PER_MIN, SAMPLE_MS / 1000);
  const lagRange = (k: 'lag_p50_ms' | 'lag_p99_ms') =>
    lags.length ? `${fmt(Math.min(...lags.map((s) => s[k]!)))}–${fmt(Math.max(...lags.map((s) => s[k]!)))}` : '—';
  const md = [
    `# Memory soak — ${date}`,
    '',
    `Machine: ${where}. Command: \`${json.command}\` (${fmt(totalS)} s measured). Load average (1 min) over the run ${samples.length ? `${fmt(Math.min(...samples.map((s) => s.load_1m)))}–${fmt(Math.max(...samples.map((s) => s.load_1m)))}` : '—'} on 2 cores (other sessions' work included).`,
    '',
    `Isolation: topic prefix \`${PREFIX}\` and scratch database \`${DB_NAME}\` (both dropped afterwards). Services started with \`bin/verity <service>\`, the remediator with the heuristic provider.`,
    '',
    `Verdict: **${json.verdict}** (flat: every service's RSS slope over the second half within ±${fmt(FLAT_MIB_PER_MIN * 10)} MiB per 10 minutes, issue 17's target).`,
    '',
    ...(services.some((s) => s.service === 'decider' && s.verdict === 'growing') && RETENTION_MS > MINUTES * 60_000
      ? [
          `The decider keeps every finished pipeline's state in memory for DECIDER_FINISHED_RETENTION_MS (${fmt(RETENTION_MS / 60_000)} min here, longer than the soak), so its state grows with every pipeline by design until the first ones expire; \`DECIDER_FINISHED_RETENTION_MS=60000 npx tsx load-tests/bench/soak.ts\` shows whether it levels off once they do.`,
          '',
        ]
      : []),
    '| service | RSS start MiB | at half | end | max | slope, 2nd half (MiB per 10 min) | verdict | V8 heap used at the end (MiB) | its slope, 2nd half (MiB per 10 min) | external memory at half → end (MiB) | heap at ¼ → end, snapshots (MiB) | errors logged |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...services.map(
      (s) =>
        `| ${s.service} | ${fmt(s.rss_start_mib)} | ${fmt(s.rss_half_mib)} | ${fmt(s.rss_end_mib)} | ${fmt(s.rss_max_mib)} | ${per10Minutes(s.slope_mib_per_min)} | ${s.verdict} | ${fmt(s.heap_used_end_mib)} | ${per10Minutes(s.heap_slope_mib_per_min)} | ${s.external_end_mib === null ? '—' : `${fmt(s.external_half_mib)} → ${fmt(s.external_end_mib)}`} | ${heap[s.service] ? `${fmt(heap[s.service]!.before_mib)} → ${fmt(heap[s.service]!.after_mib)}` : '—'} | ${s.errors_logged} |`,
    ),
    '',
    ...Object.entries(heap)
      .filter(([service]) => services.find((s) => s.service === service)?.verdict !== 'flat')
      .flatMap(([service, d]) => [
        `What grew in ${service}'s heap between the snapshot at a quarter of the soak and the one at its end (V8's object groups, self size):`,
        '',
        '| group | objects Δ | self MiB Δ | self MiB at the end |',
        '| --- | ---: | ---: | ---: |',
        ...d.grew.map(
          (g) =>
            `| \`${g.group.replace(/[`|]/g, "'").slice(0, 80)}\` | ${fmt(g.count_delta)} | ${fmt(g.self_mib_delta)} | ${fmt(g.self_mib_after)} |`,
        ),
        '',
      ]),
    ...services
      .filter((s) => s.last_errors.length > 0)
      .flatMap((s) => [
        `Last errors logged by ${s.service}:`,
        '',
        ...s.last_errors.slice(-3).map((e) => `- \`${e.replace(/`/g, "'").slice(0, 400)}\``),
        '',
      ]),
    `Traffic: ${stats.sentReports.toLocaleString('en-US')} reports in ${stats.sentPipelines.toLocaleString('en-US')} pipelines over ${stats.requests} bulk requests (${stats.failedRequests} failed${stats.firstFailure ? `: ${stats.firstFailure.slice(0, 120)}` : ''}; ${stats.skippedTicks} ticks skipped for back-pressure); ${stats.queries} query API requests (${stats.failedQueries} failed). Projector: ${fmt(applied)} canonical events applied; lag (ingest receipt → read model, last 50,000 events) p50 ${lagRange('lag_p50_ms')} ms, p99 ${lagRange('lag_p99_ms')} ms over the samples. Read model after the traffic: ${fmt(finishedInReadModel)} of ${stats.sentPipelines.toLocaleString('en-US')} pipelines finished (drain ${fmt(drainS)} s).`,
    '',
    `![RSS over time](${RSS_SVG})`,
    '',
  ].join('\n');
  for (const s of services) console.log(JSON.stringify({ what: 'rss', ...s }));
  writeResults('soak', date, json, md, { rss });
}
