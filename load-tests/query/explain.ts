// EXPLAIN (ANALYZE, BUFFERS) of one recorded statement: its plan as one line, and whether it has a Seq Scan
// (QUALITY.md: none on the hot paths), a sort, rows removed by filter, buffers hit and read; run over the
// statements of variants 0 (biggest project) and 1 (median project) of every route.
import type pg from 'pg';
import type { Stmt } from './driver.js';
import type { RecordedRoute } from './recorder.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  route: string;
  variant: number;
  path: string;
  sql: string;
  values: unknown[];
  plan: string;
  seq_scan: boolean;
  sort: boolean;
  execution_ms: number;
  rows_removed_by_filter: number;
  shared_hit: number;
  shared_read: number;
  nodes: PlanNode;
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

async function explain(pool: pg.Pool, route: string, variant: number, path: string, s: Stmt): Promise<Explained> {
  const r = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.text}`,
    s.values,
  );
  const top = r.rows[0]!['QUERY PLAN'][0];
  const nodes = flatten(top.Plan);
  const describe = (n: PlanNode) =>
    `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Rows Removed by Filter'] ? ` (${n['Rows Removed by Filter']} rows removed by filter)` : ''}`;
  return {
    route,
    variant,
    path,
    sql: s.text,
    values: s.values,
    plan: nodes.map(describe).join(' → '),
    seq_scan: nodes.some((n) => n['Node Type'] === 'Seq Scan'),
    sort: nodes.some((n) => /Sort/.test(n['Node Type'])),
    execution_ms: Math.round(top['Execution Time'] * 100) / 100,
    rows_removed_by_filter: nodes.reduce((t, n) => t + (n['Rows Removed by Filter'] ?? 0), 0),
    shared_hit: top.Plan['Shared Hit Blocks'] ?? 0,
    shared_read: top.Plan['Shared Read Blocks'] ?? 0,
    nodes: top.Plan,
  };
}

/** EXPLAIN of every recorded statement of variants 0 and 1 of each route, each printed as a JSON line. */
export async function explainRecorded(pool: pg.Pool, recorded: RecordedRoute[]): Promise<Explained[]> {
  const explains: Explained[] = [];
  for (const { route, steps } of recorded) {
    for (const v of [0, 1]) {
      for (const stmt of steps[v]!.flat()) explains.push(await explain(pool, route.name, v, route.paths[v]!, stmt));
    }
  }
  for (const e of explains)
    console.log(
      JSON.stringify({
        what: 'explain',
        route: e.route,
        variant: e.variant,
        seq_scan: e.seq_scan,
        execution_ms: e.execution_ms,
        plan: e.plan,
      }),
    );
  return explains;
}
