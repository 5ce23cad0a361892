// Exactly-once of the coordinator (docs/ARCHITECTURE.md, "Coordinator: decisions across pipelines") under a
// kill -9 inside its transaction, and the whole loop through the real decider: resource groups across two
// pipelines and auto-cancel of a redundant pipeline.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { resourceKey } from '../../services/lib/core/coordination/index.js';
import type {
  CoordinationEvent,
  CoordinationSnapshot,
  CreatePipeline,
  IntakeEvent,
  PipelineEvent,
  ReportJob,
  ResourceRequested,
} from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec, type TypedEvent } from '../../services/lib/platform/registry/codec.js';
import { loadCoordinatorConfig, startCoordinator } from '../../services/run/coordinator/index.js';
import { consumeUntil, readToEnd } from '../support/kafka.js';
import { exited, spawnService, startDeciderForTest } from '../support/services.js';
import { until } from '../support/wait.js';

const GROUP = 'production';
const SHA = 'c1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Codecs {
  coordination: EventCodec<CoordinationEvent>;
  intake: EventCodec<IntakeEvent>;
  events: EventCodec<PipelineEvent>;
  state: EventCodec<TypedEvent>;
}

/**
 * Resolves once a coordinator owning every partition of ci.coordination.v1 reports no lag (its lag monitor reads
 * the high watermarks every 5 s; a transaction marker counts as handled, so committed offsets would not do).
 */
async function caughtUp(admin: Admin, lag: () => Promise<Record<string, number>>): Promise<void> {
  const partitions = (await admin.fetchTopicOffsets(TOPICS.coordination)).length;
  await until(
    'the coordinator to reach the end of ci.coordination.v1',
    async () => {
      const lags = Object.values(await lag());
      return lags.length === partitions && lags.every((n) => n === 0) ? true : undefined;
    },
    180_000,
    500,
  );
}

/** The coordinator in this process until it has handled what ci.coordination.v1 holds (earlier runs' records). */
async function drainBacklog(admin: Admin): Promise<void> {
  const running = await startCoordinator(
    loadCoordinatorConfig({ ...process.env, LOG_LEVEL: 'warn', VERITY_INSTANCE_ID: 'coord-drain' }),
    { http: false },
  );
  try {
    await caughtUp(admin, async () => running.coordinator.consumerStatus().lag);
  } finally {
    await running.stop();
  }
}

describe('coordinator exactly-once (real Kafka)', function () {
  this.timeout(300_000);
  const config = loadConfig();
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let codecs: Codecs;

  before(async () => {
    kafka = createKafka(config, 'test-coordinator');
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const url = config.schemaRegistryUrl;
    codecs = {
      coordination: await EventCodec.forTopic<CoordinationEvent>(url, TOPICS.coordination),
      intake: await EventCodec.forTopic<IntakeEvent>(url, TOPICS.intake),
      events: await EventCodec.forTopic<PipelineEvent>(url, TOPICS.pipelineEvents),
      state: await EventCodec.forTopic<TypedEvent>(url, TOPICS.coordinationState),
    };
  });
  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  /** Coordination records, as a decider writes them (keyed by coordination key). */
  const sendCoordination = async (records: CoordinationEvent[]) =>
    producer.send({
      topic: TOPICS.coordination,
      acks: -1,
      messages: await Promise.all(
        records.map(async (r) => ({ ...(await codecs.coordination.toMessage(r, 'test')), key: r.key })),
      ),
    });
  const sendIntake = async (records: IntakeEvent[]) =>
    producer.send({
      topic: TOPICS.intake,
      acks: -1,
      messages: await Promise.all(records.map((r) => codecs.intake.toMessage(r, 'test'))),
    });

  it('kill -9 between sending and committing: two pipelines contending for one resource group get every job exactly one AssignResource, one holder at a time', async () => {
    // The test plays both pipelines' deciders: it asks for the resource for each job, and releases a job's
    // resource once it saw its AssignResource (as the job would run and finish). Ten jobs per pipeline.
    const project = `test/coord-${randomUUID().slice(0, 8)}`;
    const key = resourceKey(project, GROUP);
    const pipelines = [uuidv7(), uuidv7()]; // p1 created first: oldest_first grants p1's jobs first
    const jobs = pipelines.flatMap((pipeline, p) =>
      Array.from({ length: 10 }, (_, i) => ({ pipeline, p, name: `deploy-${i + 1}`, job_id: uuidv7() })),
    );
    const jobOf = new Map(jobs.map((j) => [j.job_id, j]));
    let at = T0;
    const envelope = (pipeline: string) => ({
      record_id: uuidv7(),
      key,
      project_id: project,
      pipeline_id: pipeline,
      recorded_at: iso((at += 1000)),
      correlation_id: randomUUID(),
    });
    // Requests interleaved p1, p2, p1, …
    const requests: ResourceRequested[] = [...jobs]
      .sort((a, b) => Number(a.name.split('-')[1]) - Number(b.name.split('-')[1]) || a.p - b.p)
      .map((j) => ({
        type: 'ResourceRequested',
        ...envelope(j.pipeline),
        resource_group: GROUP,
        process_mode: 'oldest_first',
        pipeline_created_at: iso(T0 + j.p * 60_000),
        job_id: j.job_id,
        job_name: j.name,
        requested_at: iso(at),
      }));

    await drainBacklog(admin);
    await sendCoordination(requests);
    const doomed = await spawnService('coordinator', {
      VERITY_FAULT: 'coordinator.kill-before-commit:2',
      COORDINATOR_CONCURRENCY: '1',
      COORDINATOR_SESSION_TIMEOUT_MS: '6000',
      VERITY_INSTANCE_ID: 'coord-doomed',
    });

    // The pipelines' side: a job holds the resource from its AssignResource until the test releases it, 50 ms
    // later (as the job would run and finish). Another AssignResource meanwhile, or one for a job already
    // assigned, is a violation; and every grant after the first must be caused (causation-id) by the release
    // of the job granted before it.
    const granted: string[] = [];
    const releaseOf = new Map<string, string>(); // job → record_id of its ResourceReleased
    let holder: string | null = null;
    const violations: string[] = [];
    const releases: Promise<unknown>[] = [];
    const wanted = new Set(pipelines);
    const driving = consumeUntil(kafka, TOPICS.intake, () => granted.length === jobs.length, {
      timeoutMs: 240_000,
      onMessage: async (m) => {
        if (!wanted.has(m.key?.toString() ?? '')) return;
        const { event } = await codecs.intake.decode(m.value);
        if (event.type !== 'AssignResource') return;
        if (holder !== null) violations.push(`${event.job} assigned while ${holder} holds ${GROUP}`);
        if (granted.includes(event.job)) violations.push(`${event.job} assigned twice`);
        const previous = granted.at(-1);
        const cause = m.headers?.['causation-id']?.toString();
        if (previous !== undefined && cause !== releaseOf.get(previous))
          violations.push(`${event.job} granted by ${cause}, not by the release of ${previous}`);
        holder = event.job;
        granted.push(event.job);
        const job = jobOf.get(event.job)!;
        const release = {
          type: 'ResourceReleased' as const,
          ...envelope(job.pipeline),
          resource_group: GROUP,
          job_id: job.job_id,
        };
        releaseOf.set(job.job_id, release.record_id);
        releases.push(
          new Promise((r) => setTimeout(r, 50)).then(() => {
            holder = null; // the job finished: its resource is released
            return sendCoordination([release]);
          }),
        );
      },
    });

    expect((await exited(doomed)).signal, doomed.logTail().slice(-2000)).to.equal('SIGKILL');
    const survivor = await spawnService('coordinator', {
      COORDINATOR_SESSION_TIMEOUT_MS: '6000',
      VERITY_INSTANCE_ID: 'coord-survivor',
    });
    try {
      await driving;
      await Promise.all(releases);
      expect(violations).to.deep.equal([]);
      // oldest_first: p1's jobs in the order they asked, then p2's.
      expect(granted.map((id) => `${jobOf.get(id)!.p}:${jobOf.get(id)!.name}`)).to.deep.equal(
        [...jobs].sort((a, b) => a.p - b.p).map((j) => `${j.p}:${j.name}`),
      );

      // Committed: exactly one AssignResource per job. Uncommitted too: the killed transaction had written one.
      const assignments = async (readUncommitted: boolean) => {
        const all = await readToEnd(kafka, admin, TOPICS.intake, 120_000, { readUncommitted });
        const out: string[] = [];
        for (const m of all.filter((x) => wanted.has(x.key?.toString() ?? ''))) {
          const { event } = await codecs.intake.decode(m.value);
          if (event.type === 'AssignResource') out.push(event.job);
        }
        return out;
      };
      const committed = await assignments(false);
      expect(committed).to.have.length(jobs.length);
      expect(new Set(committed).size, 'one AssignResource per job').to.equal(jobs.length);
      expect((await assignments(true)).length, 'the aborted transaction wrote an AssignResource').to.be.greaterThan(
        jobs.length,
      );

      // The coordinator's changelog: one holder per snapshot, each job holding once, in the order granted;
      // the group free once the last job released it (a tombstone).
      const snapshots = await until('the group to be free in the changelog (a tombstone)', async () => {
        const all = (await readToEnd(kafka, admin, TOPICS.coordinationState, 60_000)).filter(
          (m) => m.key?.toString() === key,
        );
        return all.at(-1)?.value === null ? all : undefined;
      });
      const holders: string[] = [];
      for (const m of snapshots.slice(0, -1)) {
        const event = (await codecs.state.decode(m.value!)).event as unknown as CoordinationSnapshot;
        const state = event.state as { holder: { job_id: string }; queue: { job_id: string }[] };
        expect(state.queue.map((w) => w.job_id)).not.to.include(state.holder.job_id);
        if (holders.at(-1) !== state.holder.job_id) holders.push(state.holder.job_id);
      }
      expect(holders, 'holders in the changelog, in grant order').to.deep.equal(granted);
    } finally {
      survivor.kill('SIGTERM');
      expect(await exited(survivor), 'graceful shutdown on SIGTERM').to.deep.equal({ code: 0, signal: null });
    }
  });

  describe('through the decider', () => {
    let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
    let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
    before(async () => {
      await drainBacklog(admin);
      decider = await startDeciderForTest({ VERITY_INSTANCE_ID: 'coord-decider' });
      coordinator = await startCoordinator(
        loadCoordinatorConfig({ ...process.env, LOG_LEVEL: 'warn', VERITY_INSTANCE_ID: 'coord-e2e' }),
        { http: false },
      );
    });
    after(async () => {
      await coordinator?.stop();
      await decider?.stop();
    });

    let n = 0;
    const envelope = (pipeline: string, project: string, ms: number) => ({
      report_id: uuidv7(),
      pipeline_id: pipeline,
      project_id: project,
      occurred_at: iso(ms),
      received_at: iso(ms),
      idempotency_key: null,
      producer: 'test',
      correlation_id: randomUUID(),
    });
    const job = (name: string, stage: string, extra: Record<string, unknown> = {}) => ({
      name,
      stage,
      needs: null,
      when: 'on_success' as const,
      allow_failure: false,
      retry: { max: 0, when: ['always' as const] },
      ...extra,
    });
    const create = (
      pipeline: string,
      project: string,
      sha: string,
      definition: CreatePipeline['definition'],
      ms: number,
    ): CreatePipeline => ({
      type: 'CreatePipeline',
      ...envelope(pipeline, project, ms),
      ref: 'main',
      sha,
      source: 'push',
      definition,
    });
    const report = (pipeline: string, project: string, jobId: string, status: ReportJob['status']): ReportJob => ({
      type: 'ReportJob',
      ...envelope(pipeline, project, Date.now() + ++n),
      job: jobId,
      status,
      runner_id: status === 'running' ? 'runner-1' : null,
      failure_reason: null,
      exit_code: null,
      log: null,
      log_excerpt: null,
    });

    it('resource group across two pipelines: each job enqueued once, one at a time, both pipelines succeed', async () => {
      const project = `test/coord-e2e-${randomUUID().slice(0, 8)}`;
      const definition = {
        stages: ['deploy'],
        jobs: [
          job('deploy-a', 'deploy', { resource_group: GROUP }),
          job('deploy-b', 'deploy', { resource_group: GROUP }),
        ],
        resource_groups: { [GROUP]: { process_mode: 'oldest_first' as const } },
      } as CreatePipeline['definition'];
      const pipelines = [uuidv7(), uuidv7()];
      const wanted = new Set(pipelines);
      const events = new Map<string, PipelineEvent[]>(pipelines.map((p) => [p, []]));
      const finished = new Set<string>();
      await sendIntake(pipelines.map((p, i) => create(p, project, SHA, definition, Date.now() + i)));
      await consumeUntil(kafka, TOPICS.pipelineEvents, () => finished.size === pipelines.length, {
        timeoutMs: 120_000,
        onMessage: async (m) => {
          const id = m.key?.toString() ?? '';
          if (!wanted.has(id)) return;
          const { event } = await codecs.events.decode(m.value);
          events.get(id)!.push(event);
          if (event.type === 'JobEnqueued') await sendIntake([report(id, project, event.job_id, 'running')]);
          else if (event.type === 'JobStarted') await sendIntake([report(id, project, event.job_id, 'success')]);
          else if (event.type === 'PipelineFinished') finished.add(id);
        },
      });
      // What was asserted on is everything written to the topic's end, not only what came before each
      // PipelineFinished: a duplicate written after it must fail the counts below.
      for (const es of events.values()) es.length = 0;
      for (const m of await readToEnd(kafka, admin, TOPICS.pipelineEvents, 120_000)) {
        const id = m.key?.toString() ?? '';
        if (wanted.has(id)) events.get(id)!.push((await codecs.events.decode(m.value)).event);
      }
      // One holder at a time, by the decider's clock (the pipelines are in different partitions, read in any
      // order): a job holds the resource from its JobEnqueued to its JobSucceeded.
      const timeline = [...events.values()]
        .flat()
        .filter((e) => e.type === 'JobEnqueued' || e.type === 'JobSucceeded')
        .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at) || (a.type === 'JobSucceeded' ? -1 : 1));
      let holder: string | null = null;
      const violations: string[] = [];
      for (const e of timeline) {
        const name = `${'name' in e ? e.name : ''}@${e.pipeline_id}`;
        if (e.type === 'JobEnqueued') {
          if (holder !== null) violations.push(`${name} enqueued while ${holder} holds ${GROUP}`);
          holder = name;
        } else if (holder === name) holder = null;
      }
      expect(violations).to.deep.equal([]);
      for (const [id, es] of events) {
        const count = (type: string) => es.filter((e) => e.type === type).map((e) => ('name' in e ? e.name : ''));
        expect(count('JobWaitingForResource').sort(), id).to.deep.equal(['deploy-a', 'deploy-b']);
        expect(count('JobEnqueued').sort(), id).to.deep.equal(['deploy-a', 'deploy-b']);
        expect(es.at(-1), id).to.include({ type: 'PipelineFinished', status: 'success' });
      }
      // The order (oldest_first) is not asserted here: the first request to reach a free group gets it, and the
      // two pipelines' creates are decided in different partitions in any order (the first test checks the order).
    });

    it('auto-cancel: a newer pipeline with another sha on the ref cancels the older one, whose own policy decides', async () => {
      const project = `test/coord-e2e-${randomUUID().slice(0, 8)}`;
      const definition = {
        stages: ['test'],
        jobs: [job('unit', 'test')],
      } as CreatePipeline['definition'];
      const [older, newer] = [uuidv7(), uuidv7()];
      const wanted = new Set([older, newer]);
      const events = new Map<string, PipelineEvent[]>([
        [older, []],
        [newer, []],
      ]);
      await sendIntake([create(older, project, SHA, definition, Date.now())]);
      let newerSent = false;
      await consumeUntil(
        kafka,
        TOPICS.pipelineEvents,
        () => events.get(older)!.some((e) => e.type === 'PipelineFinished'),
        {
          timeoutMs: 120_000,
          onMessage: async (m) => {
            const id = m.key?.toString() ?? '';
            if (!wanted.has(id)) return;
            const { event } = await codecs.events.decode(m.value);
            events.get(id)!.push(event);
            if (id === older && event.type === 'JobEnqueued' && !newerSent) {
              newerSent = true; // the older pipeline's job waits for a runner: a new commit arrives
              await sendIntake([
                create(newer, project, 'd1b2c3d4e5f60718293a4b5c6d7e8f9012345678', definition, Date.now()),
              ]);
            }
          },
        },
      );
      const olderEvents = events.get(older)!;
      expect(olderEvents.find((e) => e.type === 'JobCanceled')).to.deep.include({
        name: 'unit',
        auto_canceled_by: newer,
      });
      expect(olderEvents.at(-1)).to.include({ type: 'PipelineFinished', status: 'canceled' });
      expect(
        events.get(newer)!.some((e) => e.type === 'JobCanceled'),
        'the newer pipeline runs on',
      ).to.equal(false);
    });
  });
});
