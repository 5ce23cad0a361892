// Postgres pool and drizzle instance. Every query goes through drizzle or pg's parameterised API.
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

export function createPool(databaseUrl: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 });
}

export function createDb(pool: pg.Pool): Db {
  return drizzle(pool, { schema });
}
