// Applies the committed SQL migrations (drizzle's migrator records them in drizzle.__drizzle_migrations).
// Serialised by an advisory lock, so two services starting together cannot apply one twice.
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { REPO_ROOT } from '../schemas/catalog.js';
import { withAdvisoryLock } from './advisory-lock.js';

export const MIGRATIONS_DIR = join(REPO_ROOT, 'services/lib/platform/db/migrations');

export async function runMigrations(databaseUrl: string): Promise<{ applied: number }> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await withAdvisoryLock(client, 'verity-migrations', async () => {
      const count = async () => {
        const r = await client.query<{ n: string }>(
          "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations'",
        );
        if (r.rows[0]?.n === '0') return 0;
        return Number(
          (await client.query<{ n: string }>('SELECT count(*)::text AS n FROM drizzle.__drizzle_migrations')).rows[0]
            ?.n ?? 0,
        );
      };
      const before = await count();
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      return { applied: (await count()) - before };
    });
  } finally {
    await client.end();
  }
}
