// The timer against the real stack: the whole system (`bin/verity up`: every service in its own process) under a
// topic prefix and a database of its own. A pipeline with a delayed job becomes scheduled and, with no other report,
// the timer's Tick enqueues it (JobEnqueued, then pending in the read model); a timer that was not running when the
// due time was written (SIGSTOP, then kill -9: the supervisor starts a new one) still sends it, its due book rebuilt
// from the compacted ci.pipeline.due.v1; a Tick for a pipeline with nothing due is rejected nothing_due and decides
// no event; pipelines that finish leave the timer's due book (tombstones), as its /stats and /metrics show. The CreatePipeline intake records are written straight to Kafka with the intake codec, as ingest writes
// them (start_in_s: 2), so the test does not depend on how the API spells start_in.
import { expect } from 'chai';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type {
  CreatePipeline,
  IntakeEvent,
  IntakeRejectedEvent,
  JobEnqueued,
  JobScheduled,
  PipelineEvent,
  ReportRejected,
  Tick,
} from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { until } from '../support/wait.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PROJECT = 'test/timer';

/** A record of the system's topics as the test saw it, decoded, with when it arrived here. */
interface Seen<E> {
  event: E;
  seenAt: number;
}

describe('timer: due times become Tick reports (the whole system under a prefix)', function () {
  this.timeout(300_000);
  const config = loadConfig();
  let system: RunningSystem;
  let kafka: Kafka;
  let producer: Producer;
  let watcher: Consumer;
  let intakeCodec: EventCodec<IntakeEvent>;
  const events: Seen<PipelineEvent>[] = [];
  const rejections: Seen<IntakeRejectedEvent>[] = [];
  const intake: Seen<IntakeEvent>[] = [];
  const created: string[] = [];
  const topic = (logical: string) => `${system.prefix}${logical}`;

  before(async () => {
    system = await startSystem('timer', { TIMER_SESSION_TIMEOUT_MS: '6000', DECIDER_SESSION_TIMEOUT_MS: '6000' });
    kafka = createKafka(config, 'test-timer');
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    // The codecs know the logical topics; the records go to (and come from) the system's prefixed ones.
    intakeCodec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, 'ci.intake.v1');
    const eventCodec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, 'ci.pipeline.events.v1');
    const rejectedCodec = await EventCodec.forTopic<IntakeRejectedEvent>(
      config.schemaRegistryUrl,
      'ci.intake.rejected.v1',
    );
    watcher = kafka.consumer({ groupId: `test-timer-watch-${uuidv7()}`, maxWaitTimeInMs: 100 });
    await watcher.connect();
    for (const t of ['ci.pipeline.events.v1', 'ci.intake.rejected.v1', 'ci.intake.v1'])
      await watcher.subscribe({ topic: topic(t), fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ topic: t, message }) => {
        const seenAt = Date.now();
        if (t === topic('ci.pipeline.events.v1'))
          events.push({ event: (await eventCodec.decode(message.value)).event, seenAt });
        else if (t === topic('ci.intake.rejected.v1'))
          rejections.push({ event: (await rejectedCodec.decode(message.value)).event, seenAt });
        else intake.push({ event: (await intakeCodec.decode(message.value)).event, seenAt });
      },
    });
  });

  after(async () => {
    await watcher?.disconnect();
    await producer?.disconnect();
    await system?.stop();
  });

  const eventsOf = (pipelineId: string) => events.filter((s) => s.event.pipeline_id === pipelineId);
  const ticksOf = (pipelineId: string) =>
    intake.filter((s): s is Seen<Tick> => s.event.type === 'Tick' && s.event.pipeline_id === pipelineId);

  /** An intake record's envelope as a producer named 'test' writes it, now. */
  const envelope = (pipelineId: string) => {
    const now = new Date().toISOString();
    return {
      report_id: uuidv7(),
      pipeline_id: pipelineId,
      project_id: PROJECT,
      occurred_at: now,
      received_at: now,
      idempotency_key: null,
      producer: 'test',
      correlation_id: uuidv7(),
    };
  };
  /** Writes an intake record straight to the system's ci.intake.v1, registry-encoded. */
  const sendIntake = async (record: IntakeEvent) =>
    producer.send({ topic: topic('ci.intake.v1'), acks: -1, messages: [await intakeCodec.toMessage(record, 'test')] });

  /** A pipeline of one delayed job (`start_in_s`) and, with `plain`, one ordinary job in the same stage. */
  async function create(opts: { startInS?: number; plain?: boolean } = {}): Promise<string> {
    const pipelineId = uuidv7();
    created.push(pipelineId);
    const job = (name: string, extra: Partial<CreatePipeline['definition']['jobs'][number]>) => ({
      name,
      stage: 'deploy',
      needs: null,
      when: 'on_success' as const,
      allow_failure: false,
      retry: { max: 0, when: ['always' as const] },
      ...extra,
    });
    await sendIntake({
      type: 'CreatePipeline',
      ...envelope(pipelineId),
      ref: 'main',
      sha: SHA,
      source: 'api',
      definition: {
        stages: ['deploy'],
        jobs: [
          ...(opts.startInS === undefined ? [] : [job('rollout', { when: 'delayed', start_in_s: opts.startInS })]),
          ...(opts.plain ? [job('smoke', {})] : []),
        ],
      },
    });
    return pipelineId;
  }

  async function scheduled(pipelineId: string): Promise<JobScheduled> {
    return until(`JobScheduled of ${pipelineId}`, () => {
      const e = eventsOf(pipelineId).find((s) => s.event.type === 'JobScheduled')?.event;
      return e as JobScheduled | undefined;
    });
  }

  async function enqueued(pipelineId: string, name: string, timeoutMs = 60_000): Promise<Seen<JobEnqueued>> {
    return until(
      `JobEnqueued of ${name} in ${pipelineId}`,
      () =>
        eventsOf(pipelineId).find(
          (s): s is Seen<JobEnqueued> => s.event.type === 'JobEnqueued' && s.event.name === name,
        ),
      timeoutMs,
      50,
    );
  }

  async function timerProcess() {
    return (await system.status()).services.find((s) => s.service === 'timer')!;
  }

  it('a delayed job becomes scheduled; with no other report, the timer’s Tick enqueues it (pending in the read model)', async () => {
    const id = await create({ startInS: 2 });
    const job = await scheduled(id);
    expect(job.name).to.equal('rollout');
    const dueAt = Date.parse(job.scheduled_at);
    const queued = await enqueued(id, 'rollout');
    const [tick, ...more] = ticksOf(id);
    expect(tick, 'a Tick from the timer').to.not.equal(undefined);
    expect(more, 'one Tick: its JobEnqueued came long before TIMER_RESEND_MS').to.deep.equal([]);
    expect(tick!.event.producer).to.equal('timer');
    expect(tick!.event.idempotency_key).to.equal(null);
    expect(tick!.event.occurred_at).to.equal(tick!.event.received_at);
    expect(Date.parse(tick!.event.occurred_at)).to.be.at.least(dueAt);
    expect(queued.event.causation_id, 'the JobEnqueued is the Tick’s').to.equal(tick!.event.report_id);
    // Nothing else was reported for the pipeline: its create and the timer's Tick.
    expect(intake.filter((s) => s.event.pipeline_id === id).map((s) => s.event.type)).to.deep.equal([
      'CreatePipeline',
      'Tick',
    ]);
    const row = await until(
      'the job pending in the read model',
      async () => {
        const r = await system.pool.query<{ status: string }>(
          `SELECT status FROM rm.jobs WHERE pipeline_id = $1 AND name = 'rollout'`,
          [id],
        );
        return r.rows[0]?.status === 'pending' ? r.rows[0] : undefined;
      },
      60_000,
    );
    expect(row.status).to.equal('pending');
    console.log(
      `  [timer] due → Tick occurred_at ${Date.parse(tick!.event.occurred_at) - dueAt} ms, ` +
        `due → JobEnqueued recorded_at ${Date.parse(queued.event.recorded_at) - dueAt} ms, ` +
        `due → JobEnqueued seen here ${queued.seenAt - dueAt} ms (TIMER_INTERVAL_MS 1000)`,
    );
  });

  it('a timer that was not running when the due time was written still sends it: its due book is rebuilt from the compacted topic', async () => {
    const before = await timerProcess();
    expect(before.ready, `timer ready: ${before.reason ?? ''}`).to.equal(true);
    process.kill(before.pid!, 'SIGSTOP');
    let stoppedPid: number | undefined = before.pid!;
    try {
      const id = await create({ startInS: 2 });
      const job = await scheduled(id);
      const dueAt = Date.parse(job.scheduled_at);
      // Past the due time with no timer: nothing else moves the job.
      await new Promise((r) => setTimeout(r, Math.max(0, dueAt + 3000 - Date.now())));
      expect(ticksOf(id), 'no Tick while the timer is stopped').to.deep.equal([]);
      expect(eventsOf(id).map((s) => s.event.type)).to.not.include('JobEnqueued');
      // The stopped timer never read the due time; a new process reads the compacted topic from its start.
      const killedAt = Date.now();
      process.kill(before.pid!, 'SIGKILL');
      stoppedPid = undefined;
      const queued = await enqueued(id, 'rollout', 120_000);
      const after = await timerProcess();
      expect(after.pid).to.not.equal(before.pid);
      expect(after.restarts).to.be.greaterThan(before.restarts);
      const [tick] = ticksOf(id);
      expect(tick!.event.producer).to.equal('timer');
      expect(queued.event.causation_id).to.equal(tick!.event.report_id);
      console.log(
        `  [timer] kill -9 → Tick from the new timer seen here ${tick!.seenAt - killedAt} ms ` +
          `(restart, rejoin after TIMER_SESSION_TIMEOUT_MS 6000, read ci.pipeline.due.v1 from its start)`,
      );
    } finally {
      if (stoppedPid !== undefined) process.kill(stoppedPid, 'SIGKILL');
    }
    await system.ready(120_000);
  });

  it('a Tick for a pipeline with nothing due is rejected nothing_due (with next_due) and decides no event', async () => {
    const id = await create({ plain: true });
    const queued = await enqueued(id, 'smoke'); // pending: due only when stuck, a day after it was enqueued
    const eventsBefore = eventsOf(id).length;
    const tick: Tick = { type: 'Tick', ...envelope(id) };
    await sendIntake(tick);
    const rejected = await until('the rejection of the Tick', () =>
      rejections.find((s) => s.event.report_id === tick.report_id),
    );
    const r = rejected.event as ReportRejected;
    expect(r.code).to.equal('nothing_due');
    expect(r.report_type).to.equal('Tick');
    // Due times are on the decider's clock: a day after JobEnqueued was recorded.
    const enqueuedAt = Date.parse(queued.event.recorded_at);
    expect((r.details as { next_due?: string }).next_due).to.equal(
      new Date(enqueuedAt + 24 * 3600 * 1000).toISOString(),
    );
    // Events and rejections of one report commit in one transaction; give the watcher time to see any.
    await new Promise((res) => setTimeout(res, 2000));
    expect(eventsOf(id).length).to.equal(eventsBefore);
    expect(events.filter((s) => s.event.causation_id === tick.report_id)).to.deep.equal([]);
    expect(
      ticksOf(id).filter((s) => s.event.producer === 'timer'),
      'the timer sends none: nothing is due',
    ).to.deep.equal([]);
  });

  it('pipelines that finish leave the due book (tombstones); /stats and /metrics say what the timer holds and sent', async () => {
    const ops = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${await system.port('timer')}${path}`);
      return path === '/metrics' ? res.text() : ((await res.json()) as { pipelines: number; ticks: number });
    };
    const held = await until('the timer to hold the pending jobs of every pipeline', async () => {
      const s = (await ops('/stats')) as { pipelines: number };
      return s.pipelines === created.length ? s : undefined;
    });
    expect(held.pipelines).to.equal(created.length);
    for (const id of created) await sendIntake({ type: 'CancelPipeline', ...envelope(id) });
    await until('every pipeline finished', () =>
      created.every((id) => eventsOf(id).some((s) => s.event.type === 'PipelineFinished')) ? true : undefined,
    );
    const metrics = await until('the due book empty', async () => {
      const text = (await ops('/metrics')) as string;
      return /^verity_timer_pipelines 0$/m.test(text) ? text : undefined;
    });
    expect(metrics).to.match(/^verity_timer_oldest_overdue_seconds 0$/m);
    // The timer now running is the one started in the second test: it sent that pipeline's Tick.
    expect(metrics).to.match(/^verity_timer_ticks_total\{kind="first"\} [1-9]/m);
    expect(metrics).to.match(/^verity_timer_untracked_total 0$/m);
    expect(((await ops('/stats')) as { pipelines: number }).pipelines).to.equal(0);
  });
});
