// The headline of a benchmark's result, read from the JSON it wrote: the figure(s) a reader looks for
// first, with the sizes they were measured at, and their ratio to the baseline measured in the same run.
// One reader per benchmark; each tolerates the older shapes of its JSON (HISTORY.md rows were made from
// those too). Used for the rows of load-tests/results/HISTORY.md.
import { fmt } from './format.js';

export interface Headline {
  figures: string;
  ratio: string;
}

type Json = Record<string, unknown>;
type Reader = (json: Json) => Headline;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const x = (r: number | null, digits = 2) => (r === null ? '—' : `${r.toFixed(digits)}×`);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const div = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? a / b : null);
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

/** A row of a ratio table (load-tests/lib.ts ratioTable) whose metric starts with `prefix`. */
const metric = (json: Json, prefix: string) => list(json.results).find((r) => String(r.metric).startsWith(prefix));
const row = (json: Json, what: string) => list(json.rows).find((r) => r.what === what);

const writeSide: Reader = (j) => {
  const bulk = metric(j, 'ingest bulk NDJSON');
  const eos = metric(j, 'decider EOS (reports/s)');
  const noTxn = metric(j, 'decider EOS vs without transactions');
  const reports = num(row(j, 'raw_produce')?.msgs);
  const size = reports === null ? '' : ` (${fmt(reports)} reports per phase)`;
  return {
    figures: `ingest bulk ${fmt(num(bulk?.value))} reports/s, decider EOS ${fmt(num(eos?.value))} reports/s${size}`,
    ratio: [
      `ingest ${x(num(bulk?.ratio))} raw produce`,
      `decider ${x(num(eos?.ratio))} raw consume, ${x(num(noTxn?.ratio))} no-txn decider`,
    ].join('; '),
  };
};

const readSide: Reader = (j) => {
  const p = metric(j, 'projector, exactly once');
  const events = num(row(j, 'events')?.events);
  return {
    figures: `projector ${fmt(num(p?.value))} events/s${events === null ? '' : ` (${fmt(events)} events)`}`,
    ratio: [
      `${x(num(p?.ratio))} raw consume`,
      `${x(num(metric(j, 'projector vs set-based')?.ratio))} set-based ceiling`,
      `${x(num(metric(j, 'projector vs naive')?.ratio), 0)} naive`,
    ].join(', '),
  };
};

const endToEnd: Reader = (j) => {
  const max = row(j, 'max');
  const lo = row(j, 'open_loop_25');
  const hi = row(j, 'open_loop_75');
  const events = num(max?.events_per_s);
  const [p99lo, p99hi] = [num(lo?.lag_p99_ms), num(hi?.lag_p99_ms)];
  return {
    figures: [
      `${fmt(events)} events/s (${fmt(num(max?.reports_per_s))} reports/s, max over ${fmt(num(max?.reports))} reports)`,
      `lag p99 ${fmt(p99lo)} ms at 25%, ${fmt(p99hi)} ms at 75%`,
    ].join('; '),
    ratio: `${x(div(events, 5000))} the 5,000 events/s target; p99 75% ÷ 25% ${x(div(p99hi, p99lo))}`,
  };
};

/** The webhook benchmark: GitLab deliveries/s beside the report API's, accepted and end to end. */
const webhooks: Reader = (j) => {
  const [hook, api] = [row(j, 'webhooks'), row(j, 'reports')];
  const answer = (hook?.answer ?? {}) as Json;
  const rate = (r: Json | undefined, k: string) => num(r?.[k]);
  return {
    figures: [
      `webhooks ${fmt(rate(hook, 'accepted_per_s'))} deliveries/s accepted, ${fmt(rate(hook, 'end_to_end_per_s'))} end to end`,
      `answer p50/p99 ${fmt(num(answer.p50_ms))}/${fmt(num(answer.p99_ms))} ms (${fmt(num(hook?.requests))} deliveries)`,
    ].join('; '),
    ratio: [
      `${x(div(rate(hook, 'accepted_per_s'), rate(api, 'accepted_per_s')))} report API accepted`,
      `${x(div(rate(hook, 'end_to_end_per_s'), rate(api, 'end_to_end_per_s')))} end to end`,
    ].join(', '),
  };
};

const rebuild: Reader = (j) => {
  const r = row(j, 'rebuild');
  const raw = num(row(j, 'raw_consume')?.per_s);
  return {
    figures: `rebuild ${fmt(num(r?.per_s))} events/s (${fmt(num(r?.events) ?? num(j.events_target))} events)`,
    ratio: `${x(div(num(r?.per_s), raw))} raw consume (${fmt(raw)} events/s)`,
  };
};

const query: Reader = (j) => {
  const routes = list(j.results).map((r) => ({
    name: String(r.name),
    api: num((r.api as Json | undefined)?.p99_ms),
    ratio: num(r.p99_ratio_api_over_sql),
  }));
  const worst = [...routes].sort((a, b) => (b.api ?? 0) - (a.api ?? 0))[0];
  const ratios = routes.map((r) => r.ratio).filter((r): r is number => r !== null);
  const jobs = num((j.seed as Json | undefined)?.jobs);
  return {
    figures: [
      `worst API p99 ${fmt(worst?.api)} ms (${worst?.name ?? '—'}) over ${routes.length} routes`,
      `${fmt(jobs)} job rows; ${fmt(num(j.seq_scans))} seq scans`,
    ].join(', '),
    ratio: ratios.length ? `API p99 ÷ SQL p99 ${range(ratios)} over the routes` : '—',
  };
};

const masking: Reader = (j) => {
  const all = ((j.scores as Json | undefined)?.new as Json | undefined)?.all as Json | undefined;
  const s = all?.secrets as Json | undefined;
  const l = all?.lookalikes as Json | undefined;
  const tp = ((j.throughput as Json | undefined)?.new as Json | undefined)?.mbPerS;
  const of = (a: unknown, b: unknown) => `${fmt(num(a))}/${fmt(num(b))}`;
  return {
    figures: [
      `${of(s?.caught, s?.total)} secrets caught, ${of(l?.falsePositives, l?.total)} look-alikes changed`,
      `${fmt(num(tp))} MB/s on ${fmt(num(j.mb))} MB`,
    ].join(', '),
    ratio: `throughput ${x(num(j.ratio))} the previous masker${j.baseline ? ` (${String(j.baseline)})` : ''}`,
  };
};

const recall: Reader = (j) => {
  const at = (method: string) => num(list(j.results).find((r) => r.method === method && r.budget === 16000)?.recall);
  return {
    figures: `excerpt recall ${pct(at('excerpt'))} at 16,000 B (${fmt(num(j.logs))} logs)`,
    ratio: `${x(div(at('excerpt'), at('tail-chars')))} a plain tail (${pct(at('tail-chars'))})`,
  };
};

const evidence: Reader = (j) => {
  const hit3 = (method: string) => num(list(j.results).find((r) => r.method === method)?.['hit@3']);
  const e = hit3('evidence');
  return {
    figures: `evidence hit@3 ${pct(e)} (${fmt(num(j.logs))} logs)`,
    ratio: `${x(div(e, hit3('marker-top-3')))} top-3 raw markers, ${x(div(e, hit3('last-20-lines')))} last 20 lines`,
  };
};

/** Grouped CV of the log analysis: the first method's held-out figures with the fit beside them, and its time. */
const logExcerptCv: Reader = (j) => {
  const tunables = list(j.tunables);
  const h = tunables[0];
  const t = tunables.find((m) => m.tunable === 'tail') ?? tunables[1];
  const figure = (tun: Json | undefined, name: string) => list(tun?.measures).find((m) => m.measure === name);
  const cv = (tun: Json | undefined, name: string) => num((figure(tun, name)?.cv as Json | undefined)?.value);
  const fit = (tun: Json | undefined, name: string) => num((figure(tun, name)?.fit as Json | undefined)?.value);
  const recall = 'context recall @16000 B';
  const shown = [recall, 'evidence hit@1', 'evidence hit@3'];
  const gaps = list(h?.measures).map((m) => Math.abs(num(m.gapPoints) ?? 0));
  const time = list((j.timing as Json | undefined)?.methods).find((m) => m.tunable === h?.tunable);
  return {
    figures: [
      `${String(h?.tunable ?? '—')} CV (fit) ${shown.map((m) => `${m.replace('context ', '').replace(' @16000 B', '@16k').replace('evidence ', '')} ${pct(cv(h, m))} (${pct(fit(h, m))})`).join(', ')}`,
      `${fmt(num(j.logs))} logs, ${fmt(num(j.repos))} repos, ${list(j.folds).length} folds`,
      `${fmt(num(time?.median_ms))} ms median, ${fmt(num(time?.largest_ms))} ms on the largest log`,
    ].join('; '),
    ratio: `recall@16k CV ${x(div(cv(h, recall), cv(t, recall)))} the tail's (${pct(cv(t, recall))}); largest gap ${gaps.length ? Math.max(...gaps).toFixed(1) : '—'} pts`,
  };
};

const mutation: Reader = (j) => {
  const scored = list(j.modules).filter((m) => num(m.score) !== null);
  const met = scored.filter((m) => num(m.score)! >= (num(m.target) ?? Infinity)).map((m) => String(m.module));
  return {
    figures: scored.length
      ? `mutation score ${scored.map((m) => `${String(m.module)} ${num(m.score)!.toFixed(1)}% (${num(m.files)} files)`).join(', ')}`
      : '—',
    ratio: scored.length ? `targets met: ${met.length ? met.join(', ') : 'none'}` : '—',
  };
};

const soak: Reader = (j) => {
  const services = list(j.services).map((s) => ({
    service: String(s.service),
    slope: num(s.slope_mib_per_min),
    verdict: String(s.verdict),
  }));
  const steepest = [...services].sort((a, b) => Math.abs(b.slope ?? 0) - Math.abs(a.slope ?? 0))[0];
  const growing = services.filter((s) => s.verdict === 'growing').map((s) => s.service);
  const steep = steepest ? `${steepest.service} ${fmt(steepest.slope)} MiB/min` : '—';
  const load = `${fmt(num(j.minutes))} min at ${fmt(num(j.rate_reports_per_s))} reports/s`;
  const flat = `every slope within ±${fmt(num(j.flat_threshold_mib_per_min))} MiB/min`;
  return {
    figures: `${String(j.verdict ?? '—')}; steepest ${steep} (${load})`,
    ratio: `flat: ${flat}; growing: ${growing.join(', ') || 'none'}`,
  };
};

const suite: Reader = (j) => {
  const targets = list(j.targets);
  const met = targets.filter((t) => t.met === true).length;
  const judged = targets.filter((t) => t.met !== null && t.met !== undefined).length;
  const failed = list(j.failed as unknown).map(String);
  const f = (j.figures ?? {}) as Record<string, Record<string, unknown>>;
  const r = (a: unknown, b: unknown) => x(div(num(a), num(b)));
  const events = `${fmt(num(f.e2e?.events_per_s))} events/s end to end`;
  return {
    figures: [`${met} of ${judged} QUALITY.md targets met`, events, ...failed.map((b) => `${b} failed`)].join('; '),
    ratio: [
      `÷ raw Kafka: ingest ${r(f.ws?.ingest_bulk, f.ws?.ingest_raw_produce)}`,
      `decider ${r(f.ws?.decider_eos, f.ws?.raw_consume)}`,
      `projector ${r(f.rs?.projector, f.rs?.raw_consume)}`,
      `rebuild ${r(f.rb?.rebuild, f.rb?.raw_consume)}`,
    ].join(', '),
  };
};

/** The A/B: which measurements of this checkout fell under 0.90 of the base's. */
const ab: Reader = (j) => {
  const rows = list(j.rows).map((r) => ({ m: String(r.measurement).split(' | ').pop()!, ratio: num(r.ratio) }));
  const low = rows.filter((r) => r.ratio !== null && r.ratio < 0.9);
  const rest = rows.filter((r) => r.ratio !== null && r.ratio >= 0.9).map((r) => r.ratio!);
  const under = low.map((r) => `${r.m} ${r.ratio!.toFixed(2)}`).join(', ') || 'none';
  return {
    figures: `${String(j.base)} → ${String(j.head)}, ${String(j.only)}, ${fmt(num(j.rounds))} rounds (medians)`,
    ratio: `this ÷ base under 0.90: ${under}${rest.length ? `; the rest ${range(rest)}` : ''}`,
  };
};

/** The dashboard: the pipelines page's first rows at the largest size, and its ratio to the smallest. */
const dashboard: Reader = (j) => {
  const rows = list(j.rows);
  const sizes = rows.map((r) => num(r.pipelines) ?? 0);
  const large = Math.max(...sizes);
  const at = rows.filter((r) => num(r.pipelines) === large);
  return {
    figures: `first rows at ${fmt(large)} pipelines: ${at.map((r) => `${String(r.view)} ${fmt(num(r.first_rows_ms))} ms`).join(', ')}`,
    ratio: `÷ smallest size: ${list(j.ratios)
      .map((r) => `${String(r.view)} ${fmt(num(r.ratio))}`)
      .join(', ')}`,
  };
};

/** The category classifier's grouped-CV macro-F1 and accuracy (fit beside), against the heuristic's. */
const logExcerptCategories: Reader = (j) => {
  const ts = list(j.tunables);
  const of = (t: Json | undefined, m: string) => list(t?.measures).find((x) => x.measure === m);
  const cvFit = (t: Json | undefined, m: string) => {
    const f = of(t, m);
    return `${pct(num((f?.cv as Json | undefined)?.value))} (${pct(num((f?.fit as Json | undefined)?.value))})`;
  };
  const first = ts[0];
  // The baseline: the classifier's rules alone, so the ratio is what the fitted part adds.
  const rules = ts.find((t) => t.tunable === 'category-rules');
  const f1 = (t: Json | undefined) => num((of(t, 'category macro-F1')?.cv as Json | undefined)?.value);
  return {
    figures:
      `${String(first?.tunable ?? '—')} CV (fit) macro-F1 ${cvFit(first, 'category macro-F1')}, accuracy ` +
      `${cvFit(first, 'category accuracy')}; ${fmt(num(j.categoryLabels))} labelled logs, ${fmt(num(j.repos))} repos, ` +
      `${list(j.folds).length} folds`,
    ratio: `macro-F1 CV ${x(div(f1(first), f1(rules)))} the rules alone (${pct(f1(rules))})`,
  };
};

const kafkaTransactions: Reader = (j) => {
  const rows = list(j.rows);
  const at = (ms: number, size: number | null, gap = 0) =>
    rows.find(
      (r) =>
        num(r.initial_retry_ms) === ms &&
        (num(r.gap_ms) ?? 0) === gap &&
        (size === null ? r.records_per_txn === null : num(r.records_per_txn) === size),
    );
  const cost = (ms: number, gap = 0) => num(at(ms, 1, gap)?.ms_per_txn);
  const ratio = (ms: number) => div(num(at(ms, 500)?.records_per_s), num(at(ms, null)?.records_per_s));
  const paced = at(10, 1, 5);
  const pacedText = paced
    ? `, ${cost(10, 5)?.toFixed(1) ?? '—'} ms at 10 ms with a 5 ms gap (${num(paced.retries) ?? '—'} retries in ${Math.ceil((num(paced.records) ?? 0) / 1)})`
    : '';
  return {
    figures: `1-record transaction ${cost(200)?.toFixed(1) ?? '—'} ms at backoff 200 ms, ${cost(10)?.toFixed(1) ?? '—'} ms at 10 ms${pacedText}`,
    ratio: `500-record transactions ${x(ratio(200))} / ${x(ratio(10))} the idempotent producer (backoff 200 / 10 ms)`,
  };
};

/** kafkajs against @platformatic/kafka (load-tests/kafka-clients/compare.ts): medians, platformatic ÷ kafkajs. */
const kafkaClients: Reader = (j) => {
  const m = (id: string) => list(j.measurements).find((r) => r.id === id);
  const median = (id: string, client: 'kafkajs' | 'platformatic') => {
    const side = m(id)?.[client] as Json | undefined;
    const v = num(side?.median);
    return v === null && list(side?.rounds).length ? 'failed' : fmt(v);
  };
  const pair = (id: string) => `${median(id, 'kafkajs')} / ${median(id, 'platformatic')}`;
  const ratio = (id: string) => (m(id) ? x(num(m(id)!.ratio)) : '—');
  return {
    figures: [
      `kafkajs / @platformatic/kafka: produce ${pair('produce_batch')} records/s`,
      `single sends ${pair('produce_single')} msgs/s`,
      `consume ${pair('consume')} records/s`,
      `50-record transaction ${pair('txn_50_ms')} ms`,
    ].join(', '),
    ratio: `@platformatic/kafka ÷ kafkajs: produce ${ratio('produce_batch')}, single sends ${ratio('produce_single')}, consume ${ratio('consume')}, 50-record transactions ${ratio('txn_50_rate')} (records/s)`,
  };
};

const READERS: Record<string, Reader> = {
  'kafka-transactions': kafkaTransactions,
  'kafka-clients': kafkaClients,
  dashboard,
  'write-side': writeSide,
  'read-side': readSide,
  'end-to-end': endToEnd,
  webhooks,
  rebuild,
  query,
  masking,
  'log-excerpt-recall': recall,
  'log-excerpt-evidence': evidence,
  'log-excerpt-cv': logExcerptCv,
  'log-excerpt-categories': logExcerptCategories,
  soak,
  mutation,
  bench: suite,
  ab,
};

/** The headline of benchmark `name`'s result JSON; dashes where it holds no such figure. */
export function headline(name: string, json: Json): Headline {
  const read = READERS[name];
  return read ? read(json) : { figures: '—', ratio: '—' };
}
