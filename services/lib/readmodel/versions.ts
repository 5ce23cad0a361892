// Versions of the pipelines read model: each lives in its own schema rm_v<N>, created from the DDL that
// drizzle-kit generated for the template schema (services/lib/readmodel/ddl). Readers query the views of
// schema `rm`; activating a version re-points every view in one transaction (zero downtime).
// Identifiers are built only from a validated integer version; no value ever reaches SQL as text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableColumns } from 'drizzle-orm';
import pg from 'pg';
import { withAdvisoryLock } from '../platform/db/advisory-lock.js';
import { REPO_ROOT } from '../platform/schemas/catalog.js';
import { template } from './tables.js';

export const PROJECTION = 'pipelines';
export const READ_MODEL_TABLES = [
  'pipelines',
  'jobs',
  'flaky_jobs',
  'project_daily_stats',
  'remediation_proposals',
  'remediation_skips',
] as const;
const DDL_DIR = join(REPO_ROOT, 'services/lib/readmodel/ddl');

export function versionSchema(version: number): string {
  if (!Number.isInteger(version) || version < 1 || version > 999_999)
    throw new Error(`invalid read-model version ${version}`);
  return `rm_v${version}`;
}

function ddlFor(schema: string): string[] {
  const files = readdirSync(DDL_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
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
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(schema) || schema === 'rm' || schema === 'public')
    throw new Error(`invalid read-model schema name "${schema}"`);
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
    for (const t of READ_MODEL_TABLES)
      await db.query(`CREATE OR REPLACE VIEW rm."${t}" AS SELECT * FROM "${schema}"."${t}"`);
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
  const r = await db.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
    [versionSchema(version)],
  );
  const present = new Set(r.rows.map((row) => row.table_name));
  return READ_MODEL_TABLES.filter((t) => !present.has(t));
}

/** The columns of every read-model table, as the code writes and reads them (tables.ts). */
const TEMPLATE_TABLES: Record<(typeof READ_MODEL_TABLES)[number], object> = {
  pipelines: template.pipelines,
  jobs: template.jobs,
  flaky_jobs: template.flakyJobs,
  project_daily_stats: template.projectDailyStats,
  remediation_proposals: template.remediationProposals,
  remediation_skips: template.remediationSkips,
};

/**
 * Columns (`table.column`) that a version's existing tables lack: a version built before a DDL file that
 * added them (ddl/0003 added jobs.scheduled_at and jobs.variable_keys; ddl/0004 the trigger links and resource
 * groups: pipelines.parent_pipeline_id, parent_job_id, jobs.downstream_pipeline_id, resource_group,
 * waiting_for_resource_at, auto_canceled_by). Such a version is rebuilt, never
 * altered in place: the new columns' values come from the events (`verity rebuild`).
 */
export async function missingColumns(db: Queryable, version: number): Promise<string[]> {
  const r = await db.query<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
    [versionSchema(version)],
  );
  const present = new Map<string, Set<string>>();
  for (const row of r.rows)
    present.set(row.table_name, (present.get(row.table_name) ?? new Set()).add(row.column_name));
  return READ_MODEL_TABLES.flatMap((t) => {
    const have = present.get(t);
    if (!have) return []; // a missing table: missingTables
    const columns = Object.values(getTableColumns(TEMPLATE_TABLES[t] as never)) as { name: string }[];
    return columns.filter((c) => !have.has(c.name)).map((c) => `${t}.${c.name}`);
  });
}

export async function activeVersion(db: Queryable): Promise<number | null> {
  const r = await db.query<{ active: number | null }>('SELECT active FROM read_model_versions WHERE projection = $1', [
    PROJECTION,
  ]);
  return r.rows[0]?.active ?? null;
}

/** The active version, creating and activating version 1 on a fresh database. Serialised by an advisory lock. */
export async function ensureActiveVersion(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    return await withAdvisoryLock(client, 'verity-read-model-versions', async () => {
      const current = await activeVersion(client);
      if (current !== null) return current;
      await createVersion(client, 1);
      await activateVersion(client, 1);
      return 1;
    });
  } finally {
    client.release();
  }
}

const versionLockKey = (version: number) => `verity-read-model-writer:${versionSchema(version)}`;

/**
 * Held by every process that writes a read-model version (a shared advisory lock on a connection of its
 * own), for as long as it writes. `verity rebuild` takes the same lock exclusively before it drops the old
 * version: the drop waits until every writer of that version has stopped, so no writer ever meets a
 * dropped table. If the lease's connection dies (Postgres restarted), it is taken again, with backoff.
 */
export class VersionLease {
  private client: pg.Client | undefined;
  private released = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    readonly version: number,
    private readonly databaseUrl: string,
    private readonly onError: (err: Error) => void,
  ) {}

  static async acquire(
    databaseUrl: string,
    version: number,
    onError: (err: Error) => void = () => undefined,
  ): Promise<VersionLease> {
    const lease = new VersionLease(version, databaseUrl, onError);
    await lease.take();
    return lease;
  }

  private async take(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000 });
    client.on('error', (err) => {
      this.onError(err);
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      this.renew(1);
    });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock_shared(hashtext($1))', [versionLockKey(this.version)]);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.released) await client.end().catch(() => undefined);
    else this.client = client;
  }

  private renew(attempt: number): void {
    if (this.released || this.retry) return;
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        this.take().catch((err: Error) => {
          this.onError(err);
          this.renew(attempt + 1);
        });
      },
      Math.min(30_000, 250 * 2 ** attempt),
    ).unref();
  }

  async release(): Promise<void> {
    this.released = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    // Closing the session releases its advisory locks.
    await c?.end().catch(() => undefined);
  }
}

/**
 * Waits (at most `timeoutMs`) until no process writes `version`, then runs `fn` holding its writer lock
 * exclusively (new writers wait meanwhile). Throws if writers are still there at the deadline.
 */
export async function withoutWriters<T>(
  pool: pg.Pool,
  version: number,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [versionLockKey(version)]);
    } catch (err) {
      if ((err as { code?: string }).code === '55P03')
        throw new Error(
          `read-model version ${version} still has a writer after ${Math.round(timeoutMs / 1000)} s (a projector that did not follow the swap)`,
        );
      throw err;
    }
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
