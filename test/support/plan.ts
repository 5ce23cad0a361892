// The query plans of the integration tests' index checks: EXPLAIN (FORMAT JSON) of a query, its nodes flattened.
import type pg from 'pg';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** A drizzle query builder (or anything else that can say its SQL). */
export interface Explainable {
  toSQL(): { sql: string; params: unknown[] };
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

/** Every node of the plan Postgres chooses for `q`, the root first, its children depth first. */
export async function planOf(pool: pg.Pool, q: Explainable): Promise<PlanNode[]> {
  const { sql, params } = q.toSQL();
  const r = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return flatten(r.rows[0]!['QUERY PLAN'][0].Plan);
}
