// The numbers of a suite run that its tables, targets, history row and charts are made of (the
// `figures` of bench.json), and the arithmetic on numbers that may be missing.

/** A measurement, or null when its benchmark failed, was skipped or did not print it. */
export type Num = number | null;

export const num = (v: unknown): Num => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** a ÷ b to three decimals, null when either is missing or b is 0. */
export const div = (a: Num, b: Num): Num =>
  a !== null && b !== null && b !== 0 ? Math.round((a / b) * 1000) / 1000 : null;

export interface Figures {
  ws: {
    raw_produce: Num;
    raw_consume: Num;
    consume_decode: Num;
    ingest_bulk: Num;
    ingest_single: Num;
    ingest_raw_produce: Num;
    /** Raw produce one message per call by 32 callers (absent in results from before issue 17). */
    ingest_raw_single?: Num;
    /** CONCURRENT_TRANSACTIONS retries and transactions of the EOS decider run (absent before issue 17). */
    decider_conflicts?: Num;
    decider_transactions?: Num;
    decider_eos: Num;
    decider_no_txn: Num;
    pipelines: Num;
  };
  rs: { raw_consume: Num; projector: Num; ceiling: Num; naive: Num; events: Num };
  e2e: {
    reports_per_s: Num;
    events_per_s: Num;
    rate25: Num;
    p50_25: Num;
    p99_25: Num;
    rate75: Num;
    p50_75: Num;
    p99_75: Num;
  };
  rb: { raw_consume: Num; consume_decode: Num; rebuild: Num; events: Num; read_model_ok: boolean | null };
  q: {
    jobs: Num;
    seq_scans: Num;
    statements: Num;
    routes: { name: string; route: string; api_p50: Num; api_p99: Num; sql_p99: Num; api_rps: Num; errors: Num }[];
  };
  recall: { budget: number; excerpt: Num; tail: Num; tail200: Num }[];
  evidence: { evidence: Num; last20: Num; markers: Num };
}
