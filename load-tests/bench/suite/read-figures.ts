// The figures of a suite run (bench/figures.ts: what its tables, targets, history row and charts are
// made of), read out of each benchmark's results file, else out of the JSON lines it printed. The one
// place that knows the row and field names each benchmark writes.
import type { Row } from '../../lib.js';
import { num, type Figures, type Num } from '../figures.js';
import type { Run } from './runner.js';

const rowsOf = (r: Run | undefined): Row[] => (r ? ((r.results?.rows as Row[] | undefined) ?? r.stdout_rows) : []);
const find = (rows: Row[], what: string, pred: (r: Row) => boolean = () => true) =>
  rows.find((r) => r.what === what && pred(r));
const perS = (rows: Row[], what: string, pred?: (r: Row) => boolean): Num => num(find(rows, what, pred)?.per_s);

export function figures(runs: Map<string, Run>): Figures {
  const ws = rowsOf(runs.get('write-side'));
  const rawProduces = ws.filter((r) => r.what === 'raw_produce');
  const rs = rowsOf(runs.get('read-side'));
  const e2e = rowsOf(runs.get('end-to-end'));
  const rb = rowsOf(runs.get('rebuild'));
  const qr = runs.get('query')?.results;
  const qRoutes = ((qr?.results as Record<string, unknown>[] | undefined) ??
    rowsOf(runs.get('query')).filter((r) => r.what === 'route')) as Record<string, Record<string, unknown>>[];
  const recallRows = ((runs.get('log-excerpt-recall')?.results?.results as Row[] | undefined) ??
    rowsOf(runs.get('log-excerpt-recall'))) as unknown as Record<string, unknown>[];
  const evRows = ((runs.get('log-excerpt-evidence')?.results?.results as Row[] | undefined) ??
    rowsOf(runs.get('log-excerpt-evidence'))) as unknown as Record<string, unknown>[];
  const recallOf = (method: string, budget: number) =>
    num(recallRows.find((r) => r.method === method && r.budget === budget)?.recall);
  const budgets = [...new Set(recallRows.filter((r) => r.method === 'excerpt').map((r) => r.budget as number))].sort(
    (a, b) => a - b,
  );
  const hit3 = (method: string) => num(evRows.find((r) => r.method === method)?.['hit@3']);
  const lo = find(e2e, 'open_loop_25');
  const hi = find(e2e, 'open_loop_75');
  const max = find(e2e, 'max');
  const rbRow = find(rb, 'rebuild');
  const rm = find(rb, 'read_model');
  const wsPipelines = runs.get('write-side')?.sizes.BENCH_PIPELINES;
  return {
    ws: {
      raw_produce: num(rawProduces[0]?.per_s),
      raw_consume: perS(ws, 'raw_consume'),
      consume_decode: perS(ws, 'consume_decode'),
      ingest_bulk: perS(ws, 'ingest_bulk'),
      ingest_single: perS(ws, 'ingest_single'),
      // The raw produce measured in the ingest phase (its own baseline), else the last one printed.
      ingest_raw_produce: perS(ws, 'raw_produce', (r) => r.phase === 'ingest') ?? num(rawProduces.at(-1)?.per_s),
      ingest_raw_single: perS(ws, 'raw_produce_single'),
      decider_eos: perS(ws, 'decider_eos'),
      decider_conflicts: num(find(ws, 'decider_eos')?.transaction_conflicts),
      decider_transactions: num(find(ws, 'decider_eos')?.batches),
      decider_no_txn: perS(ws, 'decider_no_txn'),
      pipelines: wsPipelines ? Number(wsPipelines) : null,
    },
    rs: {
      raw_consume: perS(rs, 'raw_consume'),
      projector: perS(rs, 'projector'),
      ceiling: perS(rs, 'set_based_ceiling'),
      naive: perS(rs, 'naive_row_per_event'),
      events: num(find(rs, 'events')?.events),
    },
    e2e: {
      reports_per_s: num(max?.reports_per_s),
      events_per_s: num(max?.events_per_s),
      rate25: num(lo?.target_reports_per_s),
      p50_25: num(lo?.lag_p50_ms),
      p99_25: num(lo?.lag_p99_ms),
      rate75: num(hi?.target_reports_per_s),
      p50_75: num(hi?.lag_p50_ms),
      p99_75: num(hi?.lag_p99_ms),
    },
    rb: {
      raw_consume: perS(rb, 'raw_consume'),
      consume_decode: perS(rb, 'consume_decode'),
      rebuild: num(rbRow?.per_s),
      events: num(rbRow?.events),
      read_model_ok: typeof rm?.ok === 'boolean' ? rm.ok : null,
    },
    q: {
      jobs: num((qr?.seed as Record<string, unknown> | undefined)?.jobs),
      seq_scans: num(qr?.seq_scans),
      statements: Array.isArray(qr?.explains) ? (qr.explains as unknown[]).length : null,
      routes: qRoutes.map((r) => ({
        name: String(r.name),
        route: String(r.route),
        api_p50: num(r.api?.p50_ms),
        api_p99: num(r.api?.p99_ms),
        sql_p99: num(r.sql?.p99_ms),
        api_rps: num(r.api?.req_per_s),
        errors: (num(r.api?.errors) ?? 0) + (num(r.sql?.errors) ?? 0),
      })),
    },
    recall: budgets.map((b) => ({
      budget: b,
      excerpt: recallOf('excerpt', b),
      tail: recallOf('tail-chars', b),
      tail200: recallOf('tail-200-lines', b),
    })),
    evidence: { evidence: hit3('evidence'), last20: hit3('last-20-lines'), markers: hit3('marker-top-3') },
  };
}
