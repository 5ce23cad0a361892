// Postgres session advisory locks, the one place they are taken: migrations, the read-model version
// bootstrap and replay names use them. Keys are text, hashed by Postgres (hashtext), so callers name
// what they lock instead of picking numbers. Rebuild's writer lease (readmodel/versions.ts) uses shared and
// transaction-scoped locks of the same key space.
import type pg from 'pg';

type Session = Pick<pg.ClientBase, 'query'>;

/** Runs `fn` holding the lock `key`, waiting for it as long as it takes. */
export async function withAdvisoryLock<T>(session: Session, key: string, fn: () => Promise<T>): Promise<T> {
  await session.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
  try {
    return await fn();
  } finally {
    await session.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
  }
}

/** Runs `fn` holding the lock `key`, or returns `busy()` at once if another session holds it. */
export async function tryAdvisoryLock<T>(
  session: Session,
  key: string,
  fn: () => Promise<T>,
  busy: () => never,
): Promise<T> {
  const r = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
  if (!r.rows[0]?.ok) busy();
  try {
    return await fn();
  } finally {
    await session.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
  }
}
