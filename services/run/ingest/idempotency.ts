// Idempotency-Key handling on Postgres (table ingest_idempotency): the same key with the same request
// returns the first answer; with a different request, 409. A request holds its key for a lease sized to
// it (its ?wait plus INGEST_IDEMPOTENCY_LEASE_MS, set by the caller); a claim whose request died in
// flight is taken over once its lease has passed. A takeover while the first request still runs is
// harmless: both records carry the report id derived from the key, and the decider drops the second as
// duplicate_report.
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import { ingestIdempotency } from '../../lib/platform/db/schema.js';

/** Rows written before the lease column existed are taken over after this long. */
const LEGACY_LEASE_SECONDS = 60;

export type Claim =
  | { state: 'new' }
  | { state: 'replay'; status: number; body: unknown }
  | { state: 'conflict' }
  | { state: 'in_flight' };

export const requestHash = (route: string, body: unknown): string =>
  createHash('sha256').update(route).update('\0').update(JSON.stringify(body)).digest('hex');

export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  /** Claims `key` for `leaseMs` (the request's ?wait plus the configured lease). */
  async claim(projectId: string, key: string, hash: string, leaseMs: number): Promise<Claim> {
    const lease = sql`now() + make_interval(secs => ${leaseMs / 1000})`;
    const inserted = await this.db
      .insert(ingestIdempotency)
      .values({ projectId, key, requestHash: hash, leaseUntil: lease })
      .onConflictDoNothing()
      .returning({ key: ingestIdempotency.key });
    if (inserted.length > 0) return { state: 'new' };
    const [row] = await this.db
      .select()
      .from(ingestIdempotency)
      .where(and(eq(ingestIdempotency.projectId, projectId), eq(ingestIdempotency.key, key)));
    if (!row) return this.claim(projectId, key, hash, leaseMs); // released meanwhile
    if (row.requestHash !== hash) return { state: 'conflict' };
    if (row.responseStatus !== null) return { state: 'replay', status: row.responseStatus, body: row.responseBody };
    const taken = await this.db
      .update(ingestIdempotency)
      .set({ leaseUntil: lease })
      .where(
        and(
          eq(ingestIdempotency.projectId, projectId),
          eq(ingestIdempotency.key, key),
          isNull(ingestIdempotency.responseStatus),
          sql`coalesce(${ingestIdempotency.leaseUntil}, ${ingestIdempotency.createdAt} + make_interval(secs => ${LEGACY_LEASE_SECONDS})) < now()`,
        ),
      )
      .returning({ key: ingestIdempotency.key });
    return taken.length > 0 ? { state: 'new' } : { state: 'in_flight' };
  }

  async complete(projectId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db
      .update(ingestIdempotency)
      .set({ responseStatus: status, responseBody: body })
      .where(and(eq(ingestIdempotency.projectId, projectId), eq(ingestIdempotency.key, key)));
  }

  /** Forget a claim whose request failed before anything was written, so a retry can proceed. */
  async release(projectId: string, key: string): Promise<void> {
    await this.db
      .delete(ingestIdempotency)
      .where(
        and(
          eq(ingestIdempotency.projectId, projectId),
          eq(ingestIdempotency.key, key),
          isNull(ingestIdempotency.responseStatus),
        ),
      );
  }
}
