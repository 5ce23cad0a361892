// The scorer shell: every SCORER_INTERVAL_MS, the oldest unscored proposals (bounded batch) are joined
// with their outcomes in the read model and scored by the pure rules (core/remediation/scoring.ts);
// decided ones are emitted as RemediationScored (idempotent producer; event id UUIDv5 of the proposal,
// so a proposal scored twice before the projection caught up is kept once — the first score wins).
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Kafka, Producer } from 'kafkajs';
import { v5 as uuidv5 } from 'uuid';
import type { RemediationEvent, RemediationScored } from '../../lib/core/events/generated.js';
import { scoreProposal } from '../../lib/core/remediation/scoring.js';
import type { Db } from '../../lib/platform/db/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';
import type { ScorerConfig } from './config.js';
import { outcomesOf, unscored, type Pending } from './outcomes.js';
import { endSpan, withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents, metrics } from '../../lib/platform/telemetry/metrics.js';
import { tracer } from '../../lib/platform/telemetry/tracing.js';

const NAMESPACE = '0b3c6f0e-8f6e-4a53-9d0c-51a7c2b7d4aa';
/** Proposals emitted recently and not yet projected: not scored again for a while (bounded). */
const RECENT_MAX = 10_000;
const RECENT_MS = 60_000;

export interface ScorerStats {
  rounds: number;
  checked: number;
  scored: Record<string, number>;
  lastRoundAt: string | null;
}

export class Scorer {
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private readonly recent = new Map<string, number>();
  readonly stats: ScorerStats = { rounds: 0, checked: 0, scored: {}, lastRoundAt: null };

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec<RemediationEvent>,
    private readonly db: Db,
    private readonly tables: ReadModel,
    private readonly config: ScorerConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const tick = () => {
      this.round = this.scoreOnce()
        .catch((err: Error) => this.log.error({ err: err.message }, 'scoring round failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.config.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /**
   * One round: returns the events emitted. Its span `scorer round` is a root: the round reads the read
   * model (Postgres), not Kafka records, so there is no incoming context to continue or link.
   */
  async scoreOnce(): Promise<RemediationScored[]> {
    const span = tracer().startSpan('scorer round', { root: true }, ROOT_CONTEXT);
    try {
      const out = await context.with(trace.setSpan(ROOT_CONTEXT, span), () => this.scoreRound());
      span.setAttribute('verity.scored', out.length);
      span.end();
      return out;
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  }

  private async scoreRound(): Promise<RemediationScored[]> {
    const now = this.now();
    for (const [id, at] of this.recent) if (now - at > RECENT_MS) this.recent.delete(id);
    const pending = (await unscored(this.db, this.tables, this.config.batch)).filter(
      (p) => !this.recent.has(p.proposal_id),
    );
    const out: RemediationScored[] = [];
    for (const p of pending) {
      const score = scoreProposal(p, await outcomesOf(this.db, this.tables, p), now, this.config.expireAfterMs);
      if (score) out.push(this.event(p, score, now));
    }
    if (out.length > 0) {
      await withSendSpan({ topic: TOPICS.remediationEvents, count: out.length }, async () =>
        this.producer!.send({
          topic: TOPICS.remediationEvents,
          acks: -1,
          messages: await Promise.all(out.map((e) => this.codec.toMessage(e, 'scorer'))),
        }),
      );
      countEvents(
        'scorer',
        TOPICS.remediationEvents,
        out.map((e) => e.type),
      );
      for (const e of out) {
        metrics.scores.inc({ label: e.label });
        if (this.recent.size >= RECENT_MAX) this.recent.delete(this.recent.keys().next().value!);
        this.recent.set(e.proposal_id, now);
        this.stats.scored[e.label] = (this.stats.scored[e.label] ?? 0) + 1;
      }
    }
    this.stats.rounds++;
    this.stats.checked += pending.length;
    this.stats.lastRoundAt = new Date(now).toISOString();
    return out;
  }

  private event(p: Pending, score: NonNullable<ReturnType<typeof scoreProposal>>, now: number): RemediationScored {
    const at = new Date(now).toISOString();
    return {
      type: 'RemediationScored',
      event_id: uuidv5(`${p.proposal_id}/scored`, NAMESPACE),
      occurred_at: score.outcome_at ?? at,
      recorded_at: at,
      pipeline_id: p.pipeline_id,
      project_id: p.project_id,
      correlation_id: p.proposal_id,
      proposal_id: p.proposal_id,
      causation_id: p.proposal_id,
      job_id: p.job_id,
      provider: p.provider,
      prompt_version: p.prompt_version,
      category: p.category,
      ...score,
    };
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.round; // finish the round in flight
    await this.producer?.disconnect();
  }
}
