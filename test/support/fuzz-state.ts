// What "nothing was written" means for the fuzz suite: the end offset of every partition of every Verity
// topic (services/lib/platform/kafka/topics.ts, the dead-letter topics included) and the row count of every
// table of the public schema (ingest's tables, checkpoints, versions) and of the active read-model version.
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { topicSpecs } from '../../services/lib/platform/kafka/topics.js';
import type { PlatformConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { activeVersion, versionSchema } from '../../services/lib/readmodel/versions.js';

/** "topic <name> <partition>" or "table <schema>.<table>" → end offset or row count. */
export type WriteState = Map<string, string>;

export class WriteProbe {
  private constructor(
    private readonly admin: Admin,
    private readonly pool: pg.Pool,
    private readonly topics: string[],
    private readonly tables: { schema: string; table: string }[],
  ) {}

  static async open(config: PlatformConfig): Promise<WriteProbe> {
    const admin = createKafka(config, 'verity-fuzz-probe').admin();
    await admin.connect();
    const pool = createPool(config.databaseUrl, 2);
    const version = await activeVersion(pool);
    const schemas = ['public', ...(version === null ? [] : [versionSchema(version)])];
    const r = await pool.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1) ORDER BY 1, 2`,
      [schemas],
    );
    const topics = topicSpecs(1).map((t) => t.name);
    return new WriteProbe(
      admin,
      pool,
      topics,
      r.rows.map((row) => ({ schema: row.table_schema, table: row.table_name })),
    );
  }

  /** What is watched, for the suite's summary. */
  get watched(): { topics: string[]; tables: string[] } {
    return { topics: this.topics, tables: this.tables.map((t) => `${t.schema}.${t.table}`) };
  }

  async snapshot(): Promise<WriteState> {
    const state: WriteState = new Map();
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const counts = this.pool.query<{ t: string; n: string }>(
      this.tables
        .map((t, i) => `SELECT $${i + 1}::text AS t, count(*)::text AS n FROM ${quote(t.schema)}.${quote(t.table)}`)
        .join(' UNION ALL '),
      this.tables.map((t) => `${t.schema}.${t.table}`),
    );
    const offsets = Promise.all(
      this.topics.map(async (topic) => ({ topic, partitions: await this.admin.fetchTopicOffsets(topic) })),
    );
    for (const { topic, partitions } of await offsets)
      for (const p of partitions) state.set(`topic ${topic} ${p.partition}`, p.high);
    for (const row of (await counts).rows) state.set(`table ${row.t}`, row.n);
    return state;
  }

  /** A snapshot taken once two in a row, `gapMs` apart, agree (what was in flight has landed). */
  async settled(gapMs = 500, timeoutMs = 30_000): Promise<WriteState> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.snapshot();
    for (;;) {
      await new Promise((r) => setTimeout(r, gapMs));
      const now = await this.snapshot();
      if (diffState(last, now).length === 0 || Date.now() > deadline) return now;
      last = now;
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
    await this.pool.end();
  }
}

/** Each topic partition or table that changed: "table public.job_logs 3 → 4". */
export function diffState(before: WriteState, after: WriteState): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(`${k} ${before.get(k) ?? '(none)'} → ${v}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`${k} gone`);
  return out;
}
