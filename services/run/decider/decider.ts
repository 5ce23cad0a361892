// The decider shell: the handler of ci.intake.v1 for the consumer runner in transactional mode. Per
// partition slice, ONE Kafka transaction (the runner's) holds the canonical events, rejections, state
// snapshots, dead letters and the consumed offsets. One transactional producer per input partition
// (`verity-decider-<partition>`): whoever owns the partition next initialises the same id, which fences a
// zombie owner and aborts its open transaction. State is adopted only after the commit succeeds; after a
// failed transaction (a broker restart: ABORTING/COMMITTING states, fenced producer, timeouts) the runner
// drops the producer, seeks to the committed offset and `prepare` restores the partition's state from the
// committed changelog — nothing lost, nothing duplicated. Each touched state's earliest due time (nextDue) goes to
// ci.pipeline.due.v1 in the same transaction (a tombstone when nothing is due), for the timer; what the coordinator
// must decide across pipelines (resource groups, pipelines on a ref: outbox.ts) goes to ci.coordination.v1.
import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type {
  CoordinationEvent,
  IntakeEvent,
  IntakeRejectedEvent,
  PipelineDue,
  PipelineEvent,
  PipelineSnapshot,
} from '../../lib/core/events/generated.js';
import { STATE_VERSION } from '../../lib/core/pipeline/index.js';
import { nextDue } from '../../lib/core/pipeline/tick.js';
import { ConsumerRunner, type ConsumerHandler, type Output, type Slice } from '../../lib/platform/consumer/runner.js';
import type { Logger } from '../../lib/platform/log.js';
import { requireTopics } from '../../lib/platform/kafka/copartitioned.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import type { DeciderConfig } from './config.js';
import { decideBatch } from './decide-batch.js';
import { downstreamRecords } from './downstream-records.js';
import { coordinationRecords } from './outbox.js';
import { PartitionStates } from './partition-state.js';
import { restorePartitions } from './restore.js';
import { faultPointsFromEnv, type FaultPoints } from './faults.js';
import { FinishedRetention } from './retention.js';
import { startSendSpan, traceHeaders } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents, metrics } from '../../lib/platform/telemetry/metrics.js';

export interface DeciderCodecs {
  intake: EventCodec<IntakeEvent>;
  events: EventCodec<PipelineEvent>;
  rejected: EventCodec<IntakeRejectedEvent>;
  state: EventCodec<PipelineSnapshot>;
  due: EventCodec<PipelineDue>;
  coordination: EventCodec<CoordinationEvent>;
}

export interface DeciderStats {
  batches: number;
  reports: number;
  events: number;
  rejections: number;
  archived: number;
  restores: number;
  skippedSnapshots: number;
}

export class Decider {
  private readonly runner: ConsumerRunner<IntakeEvent>;
  private readonly states = new PartitionStates();
  private readonly retention: FinishedRetention;
  readonly stats: DeciderStats = {
    batches: 0,
    reports: 0,
    events: 0,
    rejections: 0,
    archived: 0,
    restores: 0,
    skippedSnapshots: 0,
  };

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly codecs: DeciderCodecs,
    private readonly config: DeciderConfig,
    private readonly log: Logger,
    private readonly faults: FaultPoints = faultPointsFromEnv(),
  ) {
    this.retention = new FinishedRetention(config.finishedRetentionMs);
    const handler: ConsumerHandler<IntakeEvent> = {
      prepare: async (parts) => this.restore(parts.map((p) => p.partition)),
      released: (parts) => parts.forEach((p) => this.states.drop(p.partition)),
      process: async (slice) => this.decide(slice),
    };
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'decider',
        groupId: config.groupId,
        topics: [TOPICS.intake],
        codecs: new Map([[TOPICS.intake, codecs.intake]]),
        mode: config.transactional ? 'transactional' : 'commit',
        transactionalId: (partition) => scopedId(`verity-decider-${partition}`),
        transactionGapMs: config.transactionGapMs,
        fromBeginning: true,
        spans: 'record',
        concurrency: config.concurrency,
        maxBytesPerPartition: config.maxBytesPerPartition,
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
      },
      handler,
      log,
    );
  }

  get ready(): boolean {
    return this.runner.ready;
  }

  /** True, or why not (joining, restoring state, stalled partitions). */
  readiness(): true | string {
    return this.runner.readiness();
  }

  get pipelinesInMemory(): number {
    return this.states.size;
  }

  /** Lag and stalls of the intake partitions (for /stats). */
  consumerStatus() {
    return this.runner.status();
  }

  async start(): Promise<void> {
    // The coordination topic is keyed by coordination key: it must exist, with any partition count.
    await requireTopics(this.admin, [TOPICS.intake, TOPICS.pipelineState, TOPICS.pipelineDue], [TOPICS.coordination]);
    // Without a restore the state of new partitions is empty, which is only right for the benchmark baseline.
    await this.runner.start();
  }

  /** The partitions' state from the committed changelog (after their producers fenced any previous owner). */
  private async restore(partitions: number[]): Promise<void> {
    const restored = await restorePartitions(
      this.kafka,
      this.admin,
      this.codecs.state,
      partitions,
      this.config.restoreTimeoutMs,
      this.log,
    );
    for (const [p, m] of restored.states) {
      this.states.replace(p, m);
      for (const id of m.keys()) this.retention.touch(id);
    }
    this.stats.restores++;
    this.stats.skippedSnapshots += restored.skipped;
  }

  /** Decides a slice of reports against the partition's state; the runner commits the output in one transaction. */
  private async decide(slice: Slice<IntakeEvent>): Promise<Output> {
    const { partition } = slice;
    const reports = slice.records.map((r) => r.event);
    // The events and rejections decided from a report carry the traceparent of its CONSUMER span.
    const spanOf = new Map<string, Span>();
    for (const r of slice.records) if (r.span && !spanOf.has(r.event.report_id)) spanOf.set(r.event.report_id, r.span);
    const traceOf = (reportId: string): Record<string, string> => {
      const span = spanOf.get(reportId);
      return span ? traceHeaders(trace.setSpan(ROOT_CONTEXT, span)) : {};
    };
    const now = new Date().toISOString();
    const states = this.states.of(partition);
    const result = decideBatch(states, reports, { now, newEventId: uuidv7, newJobId: uuidv7 });
    const cause = (e: { causation_id?: string; report_id?: string }) => e.causation_id ?? e.report_id ?? '';
    const snapshots: PipelineSnapshot[] = [...result.touched.values()].map((s) => ({
      type: 'PipelineSnapshot',
      pipeline_id: s.pipeline_id,
      project_id: s.project_id,
      seq: s.seq,
      recorded_at: now,
      state_version: STATE_VERSION,
      state: s as unknown as PipelineSnapshot['state'],
    }));
    // Finished pipelines idle past the retention leave memory and the changelog (tombstones).
    const archived = this.retention.expired(states).filter((id) => !result.touched.has(id));
    // What the timer waits for: a touched pipeline's earliest due time when it changed (the compacted topic keeps
    // the last one written), a tombstone when it went away, and for archived pipelines.
    const dues = [...result.touched.values()]
      .map((s) => ({ s, at: nextDue(s), before: states.get(s.pipeline_id) }))
      .filter(({ at, before }) => (before === undefined ? at !== null : nextDue(before) !== at));
    const tombstone = (id: string) => ({ key: id, value: null });
    const messages = [
      {
        topic: TOPICS.pipelineEvents,
        messages: await Promise.all(
          result.events.map((e) =>
            this.codecs.events.toMessage(e, 'decider', { 'causation-id': cause(e), ...traceOf(cause(e)) }),
          ),
        ),
      },
      {
        topic: TOPICS.intakeRejected,
        messages: await Promise.all(
          result.rejections.map((r) =>
            this.codecs.rejected.toMessage(r, 'decider', { 'causation-id': r.report_id, ...traceOf(r.report_id) }),
          ),
        ),
      },
      {
        topic: TOPICS.pipelineState,
        messages: [
          ...(await Promise.all(snapshots.map((s) => this.codecs.state.toMessage(s, 'decider')))),
          ...archived.map(tombstone),
        ],
      },
      {
        topic: TOPICS.pipelineDue,
        messages: await Promise.all([
          ...dues.map(({ s, at }) =>
            at === null
              ? tombstone(s.pipeline_id)
              : this.codecs.due.toMessage(
                  {
                    type: 'PipelineDue',
                    pipeline_id: s.pipeline_id,
                    project_id: s.project_id,
                    seq: s.seq,
                    recorded_at: now,
                    due_at: at,
                  },
                  'decider',
                ),
          ),
          ...archived.map(tombstone),
        ]),
      },
      {
        // Trigger jobs: the downstream pipelines to create, and downstream pipelines finishing for their parents.
        topic: TOPICS.intake,
        messages: await Promise.all(
          downstreamRecords(result.events, (id) => result.touched.get(id), uuidv7).map((r) =>
            this.codecs.intake.toMessage(r, 'decider'),
          ),
        ),
      },
      {
        // Resource groups and auto-cancel: what the coordinator must decide across pipelines (outbox.ts).
        topic: TOPICS.coordination,
        messages: await Promise.all(
          coordinationRecords(
            result.events,
            (id) => states.get(id),
            (id) => result.touched.get(id),
            uuidv7,
            now,
          ).map(async ({ record, cause: e }) => ({
            ...(await this.codecs.coordination.toMessage(record, 'decider', {
              'event-id': record.record_id,
              'causation-id': e.event_id,
              ...traceOf(cause(e)),
            })),
            key: record.key,
          })),
        ),
      },
    ];
    // The PRODUCER span of the slice's writes (one transaction across topics), linked to each report's span.
    slice.spans.add(
      startSendSpan({
        count: messages.reduce((n, t) => n + t.messages.length, 0),
        links: [...spanOf.values()].map((s) => ({ context: s.spanContext() })),
      }),
    );
    return {
      messages,
      beforeCommit: () => this.faults.beforeCommit(this.stats.batches + 1),
      onCommitted: () => {
        for (const [id, s] of result.touched) {
          states.set(id, s);
          this.retention.touch(id);
        }
        for (const id of archived) {
          states.delete(id);
          this.retention.forget(id);
        }
        this.stats.archived += archived.length;
        this.stats.batches++;
        this.stats.reports += reports.length;
        this.stats.events += result.events.length;
        this.stats.rejections += result.rejections.length;
        countEvents(
          'decider',
          TOPICS.pipelineEvents,
          result.events.map((e) => e.type),
        );
        countEvents(
          'decider',
          TOPICS.intakeRejected,
          result.rejections.map((r) => r.type),
        );
        for (const e of result.events) {
          if (e.type === 'JobDiverged')
            metrics.divergences.inc({
              system: states.get(e.pipeline_id)?.external?.system ?? 'unknown',
              from: e.from,
              to: e.to,
            });
        }
        for (const r of result.rejections) {
          metrics.rejections.inc({ code: r.code });
          spanOf.get(r.report_id)?.setAttributes({ 'verity.decision': 'rejected', 'verity.rejection.code': r.code });
        }
      },
    };
  }

  async stop(): Promise<void> {
    await this.runner.stop(); // lets the slice in flight finish (commit or abort)
  }
}
