// Versions of the pipelines read model: each lives in its own schema rm_v<N>, created from the DDL that
// drizzle-kit generated for the template schema (services/projector/ddl). Readers query the views of
// schema `rm`; activating a version re-points every view in one transaction (zero downtime).
// Identifiers are built only from a validated integer version; no value ever reaches SQL as text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from '../platform/schemas/catalog.js';

export const PROJECTION = 'pipelines';
export const READ_MODEL_TABLES = ['pipelines', 'jobs', 'flaky_jobs', 'project_daily_stats', 'remediation_proposals', 'remediation_skips'] as const;
const DDL_DIR = join(REPO_ROOT, 'services/projector/ddl');

export function versionSchema(version: number): string {
  if (!Number.isInteger(version) || version < 1 || version > 999_999) throw new Error(`invalid read-model version ${version}`);
  return `rm_v${version}`;
}

function ddlFor(schema: string): string[] {
  const files = readdirSync(DDL_DIR).filter((f) => f.endsWith('.sql')).sort();
  return files.flatMap((f) =>
    readFileSync(join(DDL_DIR, f), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim().replaceAll('"rm_template"', `"${schema}"`))
      .filter(Boolean),
  );
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Creates an empty version schema (dropping a leftover of an interrupted build of the same number). */
export async function createVersion(db: Queryable, version: number): Promise<void> {
  await createSchemaFromDdl(db, versionSchema(version));
}

/**
 * Creates `schema` with the read-model tables of the DDL, in one transaction, dropping any schema of
 * that name first: what a version (rm_v<N>) and a `verity replay` sink (replay_<name>) are made of.
 */
export async function createSchemaFromDdl(db: Queryable, schema: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(schema) || schema === 'rm' || schema === 'public') throw new Error(`invalid read-model schema name "${schema}"`);
  await db.query('BEGIN');
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.query(`CREATE SCHEMA "${schema}"`);
    for (const stmt of ddlFor(schema)) await db.query(stmt);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
}

/** Points the `rm` views at `version` and records it as active, in one transaction. */
export async function activateVersion(db: Queryable, version: number): Promise<void> {
  const schema = versionSchema(version);
  await db.query('BEGIN');
  try {
    await db.query('CREATE SCHEMA IF NOT EXISTS rm');
    for (const t of READ_MODEL_TABLES) await db.query(`CREATE OR REPLACE VIEW rm."${t}" AS SELECT * FROM "${schema}"."${t}"`);
    await db.query(
      `INSERT INTO read_model_versions (projection, active, building, updated_at) VALUES ($1, $2, NULL, now())
       ON CONFLICT (projection) DO UPDATE SET active = EXCLUDED.active, building = NULL, updated_at = now()`,
      [PROJECTION, version],
    );
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
}

/** Tables of READ_MODEL_TABLES that a version's schema lacks (a version built by an older release). */
export async function missingTables(db: Queryable, version: number): Promise<string[]> {
  const r = await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [versionSchema(version)]);
  const present = new Set(r.rows.map((row) => row.table_name));
  return READ_MODEL_TABLES.filter((t) => !present.has(t));
}

export async function activeVersion(db: Queryable): Promise<number | null> {
  const r = await db.query<{ active: number | null }>('SELECT active FROM read_model_versions WHERE projection = $1', [PROJECTION]);
  return r.rows[0]?.active ?? null;
}

/** The active version, creating and activating version 1 on a fresh database. Serialised by an advisory lock. */
export async function ensureActiveVersion(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['verity-read-model-versions']);
    const current = await activeVersion(client);
    if (current !== null) return current;
    await createVersion(client, 1);
    await activateVersion(client, 1);
    return 1;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['verity-read-model-versions']).catch(() => undefined);
    client.release();
  }
}
