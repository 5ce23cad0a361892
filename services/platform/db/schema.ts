// drizzle-orm schema of Verity's Postgres tables. `npm run db:generate` writes the SQL migration for a
// change into services/platform/db/migrations (committed); `verity migrate` applies them.
import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Consumed offsets of each projection, written in the same transaction as the read-model changes they
 * produced: on start a projector seeks to `next_offset`, so effects are exactly-once whatever Kafka's
 * committed offsets say.
 */
export const projectionCheckpoints = pgTable(
  'projection_checkpoints',
  {
    projection: text('projection').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projection, t.topic, t.partition] })],
);
