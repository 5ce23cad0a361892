// Seeds the query benchmark's own database (load-tests/query/run.ts): a separate database on the same
// Postgres server, migrated like any Verity database (services/lib/platform/db/migrate.ts), with a read-model
// version created and activated exactly as the projector does it on a fresh database
// (services/lib/readmodel/versions.ts ensureActiveVersion), then bulk-loaded set-based: ~BENCH_JOBS job rows
// (attempts) in ~BENCH_JOBS / 7.2 pipelines, with INSERT … SELECT generate_series in chunks.
//
// The secondary indexes of the version's tables are dropped for the load and re-created afterwards
// from their own definitions (pg_indexes.indexdef: the DDL the projector created them with), then
// VACUUM (ANALYZE), so that autovacuum has nothing left to do while the benchmark runs.
// A database already seeded at the same BENCH_JOBS is reused (table bench_seed records it).
// The data itself (its distributions, the SQL that makes it) is seed-sql.ts.
import pg from 'pg';
import { adminQuery, withDatabase } from '../lib.js';
import { runMigrations } from '../../services/lib/platform/db/migrate.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { ensureActiveVersion, READ_MODEL_TABLES, versionSchema } from '../../services/lib/readmodel/versions.js';
import { chunkSql, createHelpers, dailyStatsSql, proposalsSql } from './seed-sql.js';

export interface SeedInfo {
  database: string;
  url: string;
  reused: boolean;
  version: number;
  schema: string;
  target_jobs: number;
  pipelines: number;
  jobs: number;
  flaky_jobs: number;
  /** When the data was generated: pipelines are created over the 90 days before it. */
  anchor: string;
  load_ms: number;
  /**
   * Of load_ms: inserts, derived tables, index builds, VACUUM ANALYZE (and rows_<table> counts of the derived tables).
   */
  phases_ms: Record<string, number>;
  size: Record<string, string>;
}

/** Pipelines per INSERT statement (~7.2 job rows each). */
const CHUNK = 25_000;
/** Average job rows per pipeline: 1–13 jobs (mean 7) plus ~3% retried attempts. */
const JOBS_PER_PIPELINE = 7.2;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(mainUrl: string, name: string): Promise<void> {
  await adminQuery(mainUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

async function tablesOf(c: pg.Client, schema: string): Promise<Set<string>> {
  const r = await c.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
    [schema],
  );
  return new Set(r.rows.map((x) => x.table_name));
}

async function sizes(c: pg.Client, schema: string): Promise<Record<string, string>> {
  const r = await c.query<{ name: string; size: string }>(
    `SELECT c.relname AS name, pg_size_pretty(pg_total_relation_size(c.oid)) AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'i') ORDER BY pg_total_relation_size(c.oid) DESC`,
    [schema],
  );
  const db = await c.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
  return { database: db.rows[0]!.size, ...Object.fromEntries(r.rows.map((x) => [x.name, x.size])) };
}

/** The complete seed of targetJobs in the bench database, if it has one this release's read model can use. */
async function previousSeed(
  c: pg.Client,
  database: string,
  url: string,
  targetJobs: number,
  log: (msg: string) => void,
): Promise<SeedInfo | undefined> {
  const t = await c.query(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'bench_seed'",
  );
  if (t.rowCount === 0) return undefined;
  const r = await c.query<{
    version: number;
    pipelines: string;
    jobs: string;
    flaky_jobs: string;
    anchor: Date;
    load_ms: string;
    phases: Record<string, number>;
  }>(
    'SELECT version, pipelines::text, jobs::text, flaky_jobs::text, anchor, load_ms::text, phases FROM bench_seed WHERE target_jobs = $1 AND complete',
    [targetJobs],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const schema = versionSchema(row.version);
  const present = await tablesOf(c, schema);
  const missing = READ_MODEL_TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) {
    log(`the seeded version lacks read-model tables of this release (${missing.join(', ')}): reseeding`);
    return undefined;
  }
  return {
    database,
    url,
    reused: true,
    version: row.version,
    schema,
    target_jobs: targetJobs,
    pipelines: Number(row.pipelines),
    jobs: Number(row.jobs),
    flaky_jobs: Number(row.flaky_jobs),
    anchor: row.anchor.toISOString(),
    load_ms: Number(row.load_ms),
    phases_ms: row.phases,
    size: await sizes(c, schema),
  };
}

/**
 * The bench database seeded with ~targetJobs job rows: reused when a complete seed of the same size is
 * there, else (re)created and loaded. `log` gets progress lines.
 */
export async function ensureSeeded(
  mainUrl: string,
  database: string,
  targetJobs: number,
  log: (msg: string) => void,
): Promise<SeedInfo> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad bench database name ${database}`);
  const url = withDatabase(mainUrl, database);
  const exists = await withClient(
    mainUrl,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1,
  );
  if (exists) {
    const seeded = await withClient(url, (c) => previousSeed(c, database, url, targetJobs, log));
    if (seeded) {
      log(`reusing ${database}: ${seeded.jobs} jobs, ${seeded.pipelines} pipelines (seeded ${seeded.anchor})`);
      return seeded;
    }
    log(`${database} exists but holds no complete seed of ${targetJobs} jobs: dropping it`);
    await dropDatabase(mainUrl, database);
  }

  return load(mainUrl, database, url, targetJobs, log);
}

/** Creates the bench database, migrates it, activates a read-model version and loads ~targetJobs job rows. */
async function load(
  mainUrl: string,
  database: string,
  url: string,
  targetJobs: number,
  log: (msg: string) => void,
): Promise<SeedInfo> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  await adminQuery(mainUrl, `CREATE DATABASE "${database}"`);
  await runMigrations(url);
  const pool = createPool(url, 1);
  let version: number;
  try {
    version = await ensureActiveVersion(pool); // version 1 and the rm views, as on a fresh database
  } finally {
    await pool.end();
  }
  const schema = versionSchema(version);
  const pipelines = Math.max(1, Math.round(targetJobs / JOBS_PER_PIPELINE));
  const anchor = new Date().toISOString();
  log(
    `created ${database} (migrated, read-model version ${version} active); loading ~${pipelines} pipelines / ~${targetJobs} jobs into ${schema}`,
  );

  return withClient(url, async (c) => {
    await c.query('SET synchronous_commit = off');
    await c.query("SET maintenance_work_mem = '1GB'");
    await c.query("SET work_mem = '256MB'");
    await createHelpers(c);
    await c.query('INSERT INTO bench_seed (target_jobs, version, anchor) VALUES ($1, $2, $3)', [
      targetJobs,
      version,
      anchor,
    ]);
    const indexes = (
      await c.query<{ name: string; def: string }>(
        `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
         WHERE i.schemaname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.connamespace = $1::regnamespace)`,
        [schema],
      )
    ).rows;
    for (const ix of indexes) await c.query(`DROP INDEX "${schema}"."${ix.name}"`);

    let t = performance.now();
    const sql = chunkSql(schema);
    for (let from = 1; from <= pipelines; from += CHUNK) {
      const to = Math.min(pipelines, from + CHUNK - 1);
      await c.query(sql, [from, to, anchor, pipelines]);
      const done = to / pipelines;
      const elapsed = performance.now() - t;
      log(
        `  pipelines ${to}/${pipelines} (${(done * 100).toFixed(0)}%), ${(elapsed / 1000).toFixed(0)} s, ETA ${((elapsed / done - elapsed) / 1000).toFixed(0)} s`,
      );
    }
    phases.insert_ms = Math.round(performance.now() - t);

    t = performance.now();
    if ((await tablesOf(c, schema)).has('remediation_proposals')) {
      try {
        await c.query(proposalsSql(schema));
        phases.remediations_ms = Math.round(performance.now() - t);
        log(`  remediation_proposals loaded in ${(phases.remediations_ms / 1000).toFixed(0)} s`);
      } catch (err) {
        log(
          `  remediation_proposals NOT loaded (the table differs from what this seed knows): ${(err as Error).message}`,
        );
      }
    }

    t = performance.now();
    if ((await tablesOf(c, schema)).has('project_daily_stats')) {
      await c.query(dailyStatsSql(schema));
      phases.daily_stats_ms = Math.round(performance.now() - t);
      log(`  project_daily_stats derived in ${(phases.daily_stats_ms / 1000).toFixed(0)} s`);
    }

    t = performance.now();
    for (const ix of indexes) {
      const i0 = performance.now();
      await c.query(ix.def);
      log(`  index ${ix.name} built in ${((performance.now() - i0) / 1000).toFixed(0)} s`);
    }
    phases.index_ms = Math.round(performance.now() - t);

    t = performance.now();
    for (const table of await tablesOf(c, schema)) await c.query(`VACUUM (ANALYZE) "${schema}"."${table}"`);
    phases.vacuum_analyze_ms = Math.round(performance.now() - t);
    log(`  VACUUM (ANALYZE) in ${(phases.vacuum_analyze_ms / 1000).toFixed(0)} s`);

    const n = (
      await c.query<{ p: string; j: string; f: string }>(
        `SELECT (SELECT count(*) FROM "${schema}".pipelines)::text AS p, (SELECT count(*) FROM "${schema}".jobs)::text AS j, (SELECT count(*) FROM "${schema}".flaky_jobs)::text AS f`,
      )
    ).rows[0]!;
    for (const table of ['project_daily_stats', 'remediation_proposals']) {
      if ((await tablesOf(c, schema)).has(table))
        phases[`rows_${table}`] = Number(
          (await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}"."${table}"`)).rows[0]!.n,
        );
    }
    const loadMs = Math.round(performance.now() - t0);
    await c.query(
      'UPDATE bench_seed SET pipelines = $2, jobs = $3, flaky_jobs = $4, load_ms = $5, phases = $6, complete = true WHERE target_jobs = $1',
      [targetJobs, n.p, n.j, n.f, loadMs, JSON.stringify(phases)],
    );
    log(`seeded ${n.j} jobs, ${n.p} pipelines, ${n.f} flaky jobs in ${(loadMs / 1000).toFixed(0)} s`);
    return {
      database,
      url,
      reused: false,
      version,
      schema,
      target_jobs: targetJobs,
      pipelines: Number(n.p),
      jobs: Number(n.j),
      flaky_jobs: Number(n.f),
      anchor,
      load_ms: loadMs,
      phases_ms: phases,
      size: await sizes(c, schema),
    };
  });
}
