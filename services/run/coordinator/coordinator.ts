// The coordinator shell: the handler of ci.coordination.v1 for the consumer runner in transactional mode, the
// second single writer after the decider (docs/ARCHITECTURE.md, "Coordinator: decisions across pipelines").
// Records are keyed by coordination key (a resource group, a ref), so each key's records are in one partition,
// in order, and one partition's keys are decided by one instance. Per partition slice, ONE Kafka transaction
// (the runner's) holds the intake reports to the pipelines (AssignResource, AutoCancel → ci.intake.v1, keyed
// by pipeline), the snapshots of the changed keys (ci.coordination.state.v1), the dead letters and the
// consumed offsets. One transactional producer per input partition (`verity-coordinator-<partition>`) fences
// a zombie owner; state is adopted only after the commit; after a failed transaction the runner seeks to the
// committed offset and `prepare` restores the partition's state from the committed changelog.
import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import {
  coordinateBatch,
  CoordinationKeyError,
  intakeRecord,
  type BatchResult,
  type CoordinationState,
} from '../../lib/core/coordination/index.js';
import type { CoordinationEvent, IntakeEvent } from '../../lib/core/events/generated.js';
import { PoisonError } from '../../lib/platform/consumer/errors.js';
import { PartitionStates } from '../../lib/platform/consumer/partition-states.js';
import { ConsumerRunner, type ConsumerHandler, type Output, type Slice } from '../../lib/platform/consumer/runner.js';
import { requireTopics } from '../../lib/platform/kafka/copartitioned.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { startSendSpan, traceHeaders } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents } from '../../lib/platform/telemetry/metrics.js';
import type { CoordinatorConfig } from './config.js';
import { faultPointsFromEnv, type FaultPoints } from './faults.js';
import { coordinatorMetrics } from './metrics.js';
import { restoreStates, snapshotMessages, type SnapshotCodec } from './snapshots.js';

export interface CoordinatorCodecs {
  coordination: EventCodec<CoordinationEvent>;
  intake: EventCodec<IntakeEvent>;
  state: SnapshotCodec;
}

export interface CoordinatorStats {
  batches: number;
  records: number;
  assignments: number;
  auto_cancels: number;
  ref_dropped: number;
  restores: number;
  skipped_snapshots: number;
}

export class Coordinator {
  private readonly runner: ConsumerRunner<CoordinationEvent>;
  private readonly states = new PartitionStates<CoordinationState>();
  readonly stats: CoordinatorStats = {
    batches: 0,
    records: 0,
    assignments: 0,
    auto_cancels: 0,
    ref_dropped: 0,
    restores: 0,
    skipped_snapshots: 0,
  };

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly codecs: CoordinatorCodecs,
    private readonly config: CoordinatorConfig,
    private readonly log: Logger,
    private readonly faults: FaultPoints = faultPointsFromEnv(),
  ) {
    const handler: ConsumerHandler<CoordinationEvent> = {
      prepare: async (parts) => this.restore(parts.map((p) => p.partition)),
      released: (parts) => parts.forEach((p) => this.states.drop(p.partition)),
      process: async (slice) => this.coordinate(slice),
    };
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'coordinator',
        groupId: config.groupId,
        topics: [TOPICS.coordination],
        codecs: new Map([[TOPICS.coordination, codecs.coordination]]),
        mode: 'transactional',
        transactionalId: (partition) => scopedId(`verity-coordinator-${partition}`),
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

  /** True, or why not (joining, restoring state, stalled partitions). */
  readiness(): true | string {
    return this.runner.readiness();
  }

  /** Keys (busy resource groups, refs with pipelines alive) held in memory. */
  get keysInMemory(): number {
    return this.states.size;
  }

  /** Lag and stalls of the coordination partitions (for /stats). */
  consumerStatus() {
    return this.runner.status();
  }

  async start(): Promise<void> {
    await requireTopics(this.admin, [TOPICS.coordination, TOPICS.coordinationState]);
    await this.runner.start();
  }

  /** The partitions' state from the committed changelog (after their producers fenced any previous owner). */
  private async restore(partitions: number[]): Promise<void> {
    const restored = await restoreStates(
      this.kafka,
      this.admin,
      this.codecs.state,
      partitions,
      this.config.restoreTimeoutMs,
      this.log,
    );
    for (const [p, m] of restored.states) this.states.replace(p, m);
    this.stats.restores++;
    this.stats.skipped_snapshots += restored.skipped;
  }

  /** Decides a slice of coordination records; the runner commits the output in one transaction. */
  private async coordinate(slice: Slice<CoordinationEvent>): Promise<Output> {
    const states = this.states.of(slice.partition);
    const records = slice.records.map((r) => {
      const key = r.message.key?.toString();
      if (key !== r.event.key) throw new PoisonError(`record keyed ${key ?? 'null'} names key ${r.event.key}`);
      return r.event;
    });
    let result: BatchResult;
    try {
      result = coordinateBatch(states, records, { refOpenMax: this.config.refOpenMax });
    } catch (err) {
      if (err instanceof CoordinationKeyError) throw new PoisonError(err.message);
      throw err;
    }
    // The reports decided from a record carry the traceparent of its CONSUMER span.
    const spanOf = new Map<string, Span>();
    for (const r of slice.records) if (r.span) spanOf.set(r.event.record_id, r.span);
    const traceOf = (recordId: string): Record<string, string> => {
      const span = spanOf.get(recordId);
      return span ? traceHeaders(trace.setSpan(ROOT_CONTEXT, span)) : {};
    };
    const recordedAt = new Map(records.map((r) => [r.key, r.recorded_at]));
    const reports = result.reports.map(({ report, cause }) => ({
      cause,
      record: intakeRecord(report, cause, uuidv7()),
    }));
    const messages = [
      {
        topic: TOPICS.intake,
        messages: await Promise.all(
          reports.map(({ cause, record }) =>
            this.codecs.intake.toMessage(record, 'coordinator', {
              'causation-id': cause.record_id,
              ...traceOf(cause.record_id),
            }),
          ),
        ),
      },
      {
        topic: TOPICS.coordinationState,
        messages: await snapshotMessages(this.codecs.state, result.touched, recordedAt),
      },
    ];
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
        for (const [key, state] of result.touched) {
          if (state === null) states.delete(key);
          else states.set(key, state);
        }
        const types = reports.map((r) => r.record.type);
        this.stats.batches++;
        this.stats.records += records.length;
        this.stats.assignments += types.filter((t) => t === 'AssignResource').length;
        this.stats.auto_cancels += types.filter((t) => t === 'AutoCancel').length;
        countEvents('coordinator', TOPICS.intake, types);
        for (const { key, pipelines } of result.dropped) {
          this.stats.ref_dropped += pipelines.length;
          coordinatorMetrics.refDropped.inc(pipelines.length);
          this.log.warn(
            { key, dropped: pipelines.map((p) => p.pipeline_id), max: this.config.refOpenMax },
            'ref open set full: the oldest pipelines are no longer auto-canceled',
          );
        }
      },
    };
  }

  async stop(): Promise<void> {
    await this.runner.stop(); // lets the slice in flight finish (commit or abort)
  }
}
