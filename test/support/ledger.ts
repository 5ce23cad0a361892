// Checks what Verity recorded against what the load generator knows it sent (its ledger): nothing lost —
// every pipeline whose every op ingest accepted has exactly the canonical events the pure decider
// predicts, in the topic and in the read model, with its final status — and nothing duplicated — no
// event id twice, every pipeline's seq 1, 2, … without a repeat or a hole.
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import type { Ledger } from '../../services/tools/generator/index.js';
import { readToEnd } from './kafka.js';
import { until } from './wait.js';

export interface LedgerCheck {
  pipelines: number;
  complete: number;
  /**
   * Accepted ops whose canonical events are missing (in the topic or the read model), or a final status that differs.
   */
  lost: number;
  /** Events seen twice (same event id, or a seq repeated) or past what the accepted ops lead to. */
  duplicated: number;
  problems: string[];
}

/**
 * Waits (up to `timeoutMs`) for the read model to show every complete pipeline of the ledger finished,
 * then compares the canonical topic and the read model with it.
 */
export async function checkLedger(
  kafka: Kafka,
  admin: Admin,
  registryUrl: string,
  topic: string,
  pool: pg.Pool,
  ledger: Ledger,
  timeoutMs = 120_000,
): Promise<LedgerCheck> {
  const ids = [...ledger.keys()];
  const complete = [...ledger].filter(([, e]) => e.complete);
  type Row = { pipeline_id: string; last_seq: number; status: string };
  const rows = async () =>
    new Map(
      (
        await pool.query<Row>(
          'SELECT pipeline_id, last_seq, status FROM rm.pipelines WHERE pipeline_id = ANY($1::uuid[])',
          [ids],
        )
      ).rows.map((r) => [r.pipeline_id, r]),
    );
  let seen = new Map<string, Row>();
  await until(
    'the read model to hold every accepted report',
    async () => {
      seen = await rows();
      return complete.every(([id, e]) => (seen.get(id)?.last_seq ?? 0) >= e.events) ? true : undefined;
    },
    timeoutMs,
    1000,
  ).catch(() => undefined);
  const out: LedgerCheck = { pipelines: ledger.size, complete: complete.length, lost: 0, duplicated: 0, problems: [] };
  const problem = (text: string) => {
    if (out.problems.length < 20) out.problems.push(text);
  };

  const codec = await EventCodec.forTopic<PipelineEvent>(registryUrl, 'ci.pipeline.events.v1'); // subjects keep the logical name
  const byPipeline = new Map<string, PipelineEvent[]>();
  for (const m of await readToEnd(kafka, admin, topic, 120_000)) {
    const key = m.key?.toString() ?? '';
    if (!ledger.has(key)) continue;
    const { event } = await codec.decode(m.value);
    let list = byPipeline.get(key);
    if (!list) byPipeline.set(key, (list = []));
    list.push(event);
  }
  const eventIds = new Set<string>();
  for (const [id, entry] of ledger) {
    const events = byPipeline.get(id) ?? [];
    for (const e of events) {
      if (eventIds.has(e.event_id)) {
        out.duplicated++;
        problem(`${id}: event ${e.event_id} twice`);
      }
      eventIds.add(e.event_id);
    }
    const seqs = events.map((e) => e.seq);
    const repeated = seqs.length - new Set(seqs).size;
    if (repeated > 0) {
      out.duplicated += repeated;
      problem(`${id}: seq repeated (${seqs.join(',')})`);
    }
    if (seqs.some((s, i) => s !== i + 1) && repeated === 0) problem(`${id}: seq not 1..n (${seqs.join(',')})`);
    if (!entry.complete) continue;
    if (events.length > entry.events) {
      out.duplicated += events.length - entry.events;
      problem(`${id}: ${events.length} events, the accepted ops lead to ${entry.events}`);
    } else if (events.length < entry.events) {
      out.lost += entry.events - events.length;
      problem(`${id}: ${events.length} events in the topic, the accepted ops lead to ${entry.events}`);
    }
    const row = seen.get(id);
    if (!row || row.last_seq < entry.events) {
      out.lost += entry.events - (row?.last_seq ?? 0);
      problem(`${id}: read model at seq ${row?.last_seq ?? 'none'} of ${entry.events}`);
    } else if (row.status !== entry.final) {
      out.lost++;
      problem(`${id}: read model says ${row.status}, the generator's simulation ${entry.final}`);
    }
  }
  return out;
}
