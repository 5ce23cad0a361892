// Postgres pool and drizzle instance. Every query goes through drizzle or pg's parameterised API.
// A pool that loses its connections (Postgres restarted or stopped) must never end the process: pg
// emits 'error' for an idle client whose server went away, and an 'error' without a listener is fatal
// in Node. The pool logs it and opens new connections on the next query; the services' readiness
// answers 503 meanwhile and their consumers retry with backoff.
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createLogger, type Logger } from '../log.js';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

export function createPool(databaseUrl: string, max = 10, log: Logger = createLogger('pg')): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  let lastLogged = 0;
  pool.on('error', (err) => {
    // One line per burst: a restart fails every idle connection at once.
    if (Date.now() - lastLogged < 5000) return;
    lastLogged = Date.now();
    log.warn(
      { err: err.message, code: (err as { code?: string }).code },
      'a Postgres connection failed; new ones are opened on demand',
    );
  });
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return drizzle(pool, { schema });
}
