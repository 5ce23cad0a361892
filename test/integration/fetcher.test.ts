// The fetcher against the real Kafka, registry and Postgres, in-process, on scratch topics of its own (the
// canonical and intake topics of the shared stack are left alone) with a group of its own; GitLab is the
// replay server. Canonical events of an observed pipeline are written as the decider writes them: a failed
// job whose API first answers 429 (Retry-After) then its log gets an AttachJobLog with the stored (redacted)
// log's ref, size and sha256; a job whose API answers 404 gets one with fetch_error. A restarted fetcher
// fetches nothing again (the offset was committed with the records) and still knows the observed job whose
// JobObserved came before the restart (the lookback read) when its JobFailed comes after.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { AttachJobLog, IntakeEvent, PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { PgLogStore } from '../../services/lib/platform/logstore/pg-log-store.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { loadFetcherConfig, startFetcher, type RunningFetcher } from '../../services/run/fetcher/index.js';
import { createScratchTopic } from '../support/kafka.js';
import { ReplayServer } from '../support/replay-server.js';
import { until } from '../support/wait.js';

const INSTANCE = 'https://gitlab.fetcher.test';
const PROJECT = 'test/fetcher';
const example = (type: PipelineEvent['type']) => exampleEvents.find((e) => e.type === type)!;

describe('fetcher: logs of observed failed jobs (real Kafka, registry, Postgres; GitLab replayed)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  const groupId = `test-fetcher-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'verity-fetcher-'));
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let watcher: Consumer;
  let server: ReplayServer;
  let fetcher: RunningFetcher | undefined;
  let topics: { events: string; intake: string };
  let eventCodec: EventCodec<PipelineEvent>;
  const attached: AttachJobLog[] = [];
  const pool = createPool(config.databaseUrl, 2);

  /** Canonical events of one observed pipeline, as the decider writes them. */
  function observedPipeline(externalId: string) {
    const pipelineId = randomUUID();
    let seq = 0;
    const envelope = (causation = randomUUID()) => ({
      event_id: randomUUID(),
      pipeline_id: pipelineId,
      project_id: PROJECT,
      seq: ++seq,
      occurred_at: new Date().toISOString(),
      recorded_at: new Date().toISOString(),
      causation_id: causation,
      correlation_id: randomUUID(),
    });
    return {
      pipelineId,
      created: (): PipelineEvent =>
        ({
          ...example('PipelineCreated'),
          ...envelope(),
          definition: { stages: [], jobs: [] },
          mode: 'observed',
          external: {
            system: 'gitlab',
            instance: INSTANCE,
            id: externalId,
            url: `${INSTANCE}/group/app/-/pipelines/${externalId}`,
          },
        }) as PipelineEvent,
      /** One decision: the job's JobFailed (log pending), then its JobObserved. */
      failure: (n: number, url: string | null = `${INSTANCE}/group/app/-/jobs/${n}`): PipelineEvent[] => {
        const causation = randomUUID();
        const job = { job_id: jobId(n), name: `rspec ${n}`, attempt: 1 };
        return [
          { ...example('JobFailed'), ...envelope(causation), ...job, log: null, log_excerpt: '', log_pending: true },
          { ...example('JobObserved'), ...envelope(causation), ...job, external_id: String(n), url },
        ] as PipelineEvent[];
      },
    };
  }
  const jobIds = new Map<number, string>();
  const jobId = (n: number) => {
    if (!jobIds.has(n)) jobIds.set(n, randomUUID());
    return jobIds.get(n)!;
  };
  const send = async (events: PipelineEvent[]) =>
    producer.send({
      topic: topics.events,
      acks: -1,
      messages: await Promise.all(events.map((e) => eventCodec.toMessage(e, 'test'))),
    });

  async function start(): Promise<RunningFetcher> {
    const f = await startFetcher(
      {
        ...loadFetcherConfig({
          ...process.env,
          FETCHER_GROUP_ID: groupId,
          FETCHER_SESSION_TIMEOUT_MS: '6000',
          INGEST_TOKENS_FILE: join(dir, 'tokens.json'),
          FETCHER_MAX_ATTEMPTS: '3',
          LOG_LEVEL: 'error',
        }),
        eventsTopic: topics.events,
        intakeTopic: topics.intake,
      },
      { http: false },
    );
    // A group that never committed acts from the end at assignment: wait until both partitions are taken.
    await until('the fetcher to own both partitions', () =>
      f.fetcher.readiness() === true && Object.keys(f.fetcher.stats().partitions).length === 2 ? true : undefined,
    );
    return f;
  }

  before(async () => {
    kafka = createKafka(config, 'test-fetcher');
    admin = kafka.admin();
    await admin.connect();
    topics = {
      events: await createScratchTopic(admin, 'fetcher-events', 2),
      intake: await createScratchTopic(admin, 'fetcher-intake'),
    };
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    eventCodec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, 'ci.pipeline.events.v1');
    const intakeCodec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, 'ci.intake.v1');
    watcher = kafka.consumer({ groupId: `test-fetcher-watch-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await watcher.connect();
    await watcher.subscribe({ topic: topics.intake, fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        const { event } = await intakeCodec.decode(message.value);
        if (event.type === 'AttachJobLog') attached.push(event);
      },
    });
    server = await ReplayServer.start();
    const connection = {
      name: 'gitlab-test',
      system: 'gitlab',
      instance: INSTANCE,
      external_project: 'group/app',
      project: PROJECT,
      secret: 'webhook-secret-0123456789',
      api_token: 'glpat-fetcher-test-token',
      api_url: `${server.url}/api/v4`,
    };
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ producers: [], connections: [connection] }));
  });

  after(async () => {
    await fetcher?.stop();
    await watcher?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topics.events, topics.intake] }).catch(() => undefined);
    await admin?.disconnect();
    await server?.close();
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const of = (n: number) => attached.filter((a) => a.job === jobId(n));
  const trace = (n: number) => `/api/v4/projects/group%2Fapp/jobs/${n}/trace`;

  it('stores the log of a failed job (after a 429) and writes its AttachJobLog; a 404 becomes fetch_error', async () => {
    const log = '$ bundle exec rspec\nFailures:\n  1) User validates email\nFinished: 1 failure\n';
    server.set(`GET ${trace(101)}`, [
      { status: 429, headers: { 'retry-after': '1' }, body: { message: '429 Too Many Requests' } },
      { status: 200, body: log, headers: { 'content-type': 'text/plain' } },
    ]);
    server.set(`GET ${trace(102)}`, [{ status: 404, body: { message: '404 Not found' } }]);
    fetcher = await start();
    const pipeline = observedPipeline('900');
    await send([pipeline.created(), ...pipeline.failure(101), ...pipeline.failure(102)]);
    await until('two AttachJobLog records', () => (of(101).length && of(102).length ? true : undefined), 60_000);

    const [ok] = of(101);
    expect(ok).to.deep.include({
      pipeline_id: pipeline.pipelineId,
      project_id: PROJECT,
      producer: 'fetcher',
      fetch_error: null,
    });
    const sha256 = createHash('sha256').update(log).digest('hex');
    expect(ok!.log).to.deep.include({ bytes: Buffer.byteLength(log), sha256 });
    const stored = await new PgLogStore(createDb(pool)).get(ok!.log!.ref);
    expect(stored?.toString()).to.equal(log);
    expect(ok!.log_excerpt).to.contain('Finished: 1 failure');
    expect(server.to(trace(101)).map((r) => r.headers['private-token'])).to.deep.equal([
      'glpat-fetcher-test-token',
      'glpat-fetcher-test-token',
    ]);

    const [missing] = of(102);
    expect(missing!.log).to.equal(null);
    expect(missing!.fetch_error).to.match(
      /^gitlab job 102 \(connection "gitlab-test"\): GET .*\/jobs\/102\/trace: 404 Not Found/,
    );
  });

  it('after a restart fetches nothing again, and still knows a pipeline created before it', async () => {
    // Its job's JobObserved carries no link: the connection and project come from the PipelineCreated alone,
    // which the restarted fetcher knows only by reading the partition again from its lookback.
    const pipeline = observedPipeline('901');
    server.set(`GET ${trace(103)}`, [{ status: 200, body: 'job 103 log\nERROR: boom\n' }]);
    await send([pipeline.created()]);
    // The offset moves past the PipelineCreated (commits without records go once a second).
    await until('the offset past the PipelineCreated', async () => {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topics.events] });
      const committed = t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      const ends = (await admin.fetchTopicOffsets(topics.events)).reduce((n, p) => n + Number(p.high), 0);
      return committed === ends ? true : undefined;
    });
    await fetcher!.stop();
    fetcher = undefined;
    const before = server.requests.length;
    fetcher = await start();
    await send(pipeline.failure(103, null));
    await until('the AttachJobLog of job 103', () => (of(103).length ? true : undefined), 60_000);
    expect(of(103)[0]!.fetch_error).to.equal(null);
    // Only job 103's log was asked for: 101 and 102 were committed with their records.
    expect(server.requests.slice(before).map((r) => r.path.split('?')[0])).to.deep.equal([trace(103)]);
    expect([of(101).length, of(102).length]).to.deep.equal([1, 1]);
  });
});
