// The remediation projection's Postgres side: one transaction per partition batch that claims the
// checkpoint (compare-and-set, as for pipelines), inserts proposals and skips, and applies feedback and
// scores with one set-based UPDATE each (unnest of parameter arrays).
import { sql } from 'drizzle-orm';
import type { RemediationEvent } from '../../lib/core/events/generated.js';
import type { Db } from '../../lib/platform/db/client.js';
import { readModelTables } from '../../lib/readmodel/tables.js';
import { foldRemediations } from './remediation-fold.js';
import { claimCheckpoint, readCheckpoint, recordDeadLetters, type ProjectionSink } from './store.js';
import type { DeadLetter } from '../../lib/platform/consumer/dead-letter.js';
import { versionSchema } from '../../lib/readmodel/versions.js';

const CHUNK = 500;

export class RemediationStore implements ProjectionSink<RemediationEvent> {
  readonly tables: ReturnType<typeof readModelTables>;

  constructor(
    private readonly db: Db,
    readonly projection: string,
    version: number,
    /** Write this schema instead of rm_v<version> (a `verity replay` sink). */
    schema?: string,
  ) {
    this.tables = readModelTables(schema ?? versionSchema(version));
  }

  checkpoint(topic: string, partition: number): Promise<bigint | null> {
    return readCheckpoint(this.db, this.projection, topic, partition);
  }

  async apply(
    topic: string,
    partition: number,
    from: bigint | null,
    next: bigint,
    events: RemediationEvent[],
    deadLetters: DeadLetter[] = [],
  ): Promise<{ applied: number; ignored: number }> {
    const { remediationProposals: p, remediationSkips: s } = this.tables;
    const changes = foldRemediations(events);
    return this.db.transaction(async (tx) => {
      await claimCheckpoint(tx, this.projection, topic, partition, from, next);
      await recordDeadLetters(tx, this.projection, deadLetters);
      let applied = 0;
      for (let i = 0; i < changes.proposals.length; i += CHUNK) {
        applied += (
          await tx
            .insert(p)
            .values(changes.proposals.slice(i, i + CHUNK))
            .onConflictDoNothing()
            .returning({ id: p.proposalId })
        ).length;
      }
      for (let i = 0; i < changes.skips.length; i += CHUNK) {
        applied += (
          await tx
            .insert(s)
            .values(changes.skips.slice(i, i + CHUNK))
            .onConflictDoNothing()
            .returning({ id: s.eventId })
        ).length;
      }
      if (changes.feedback.length > 0) {
        const f = changes.feedback;
        const r = await tx.execute(sql`
          UPDATE ${p} SET feedback_verdict = v.verdict, feedback_reason = v.reason, feedback_actor = v.actor, feedback_at = v.at
          FROM unnest(${sql.param(f.map((e) => e.proposal_id))}::uuid[], ${sql.param(f.map((e) => e.verdict))}::text[], ${sql.param(f.map((e) => e.reason))}::text[],
                      ${sql.param(f.map((e) => e.actor))}::text[], ${sql.param(f.map((e) => e.occurred_at))}::timestamptz[]) AS v(id, verdict, reason, actor, at)
          WHERE ${p.proposalId} = v.id AND (${p.feedbackAt} IS NULL OR ${p.feedbackAt} <= v.at)`);
        applied += r.rowCount ?? 0;
      }
      if (changes.scores.length > 0) {
        const c = changes.scores;
        const r = await tx.execute(sql`
          UPDATE ${p} SET label = v.label, rule = v.rule, outcome = v.outcome, outcome_at = v.outcome_at,
                 outcome_latency_ms = v.latency, time_to_green_ms = v.ttg, scored_at = v.at
          FROM unnest(${sql.param(c.map((e) => e.proposal_id))}::uuid[], ${sql.param(c.map((e) => e.label))}::text[], ${sql.param(c.map((e) => e.rule))}::text[],
                      ${sql.param(c.map((e) => e.outcome))}::text[], ${sql.param(c.map((e) => e.outcome_at))}::timestamptz[], ${sql.param(c.map((e) => e.latency_ms))}::bigint[],
                      ${sql.param(c.map((e) => e.time_to_green_ms))}::bigint[], ${sql.param(c.map((e) => e.recorded_at))}::timestamptz[])
               AS v(id, label, rule, outcome, outcome_at, latency, ttg, at)
          WHERE ${p.proposalId} = v.id AND ${p.label} IS NULL`);
        applied += r.rowCount ?? 0;
      }
      return { applied, ignored: events.length - applied };
    });
  }
}
