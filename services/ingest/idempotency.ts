// Idempotency-Key handling on Postgres (table ingest_idempotency): the same key with the same request
// returns the first answer; with a different request, 409. A claim whose request died in flight is
// taken over after `staleMs`; its report id is derived from the key, so the decider drops a repeat.
import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.js';
import { ingestIdempotency } from '../platform/db/schema.js';

export type Claim =
  | { state: 'new' }
  | { state: 'replay'; status: number; body: unknown }
  | { state: 'conflict' }
  | { state: 'in_flight' };

export const requestHash = (route: string, body: unknown): string => createHash('sha256').update(route).update('\0').update(JSON.stringify(body)).digest('hex');

export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly staleMs = 60_000,
  ) {}

  async claim(projectId: string, key: string, hash: string): Promise<Claim> {
    const inserted = await this.db.insert(ingestIdempotency).values({ projectId, key, requestHash: hash }).onConflictDoNothing().returning({ key: ingestIdempotency.key });
    if (inserted.length > 0) return { state: 'new' };
    const [row] = await this.db.select().from(ingestIdempotency).where(and(eq(ingestIdempotency.projectId, projectId), eq(ingestIdempotency.key, key)));
    if (!row) return this.claim(projectId, key, hash); // released meanwhile
    if (row.requestHash !== hash) return { state: 'conflict' };
    if (row.responseStatus !== null) return { state: 'replay', status: row.responseStatus, body: row.responseBody };
    const taken = await this.db
      .update(ingestIdempotency)
      .set({ createdAt: sql`now()` })
      .where(
        and(
          eq(ingestIdempotency.projectId, projectId),
          eq(ingestIdempotency.key, key),
          isNull(ingestIdempotency.responseStatus),
          lt(ingestIdempotency.createdAt, sql`now() - make_interval(secs => ${this.staleMs / 1000})`),
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
    await this.db.delete(ingestIdempotency).where(and(eq(ingestIdempotency.projectId, projectId), eq(ingestIdempotency.key, key), isNull(ingestIdempotency.responseStatus)));
  }
}
