// The user's commands of GitLab's job model through the real ingest and decider (issue 13): cancel one job,
// retry a whole pipeline, unschedule a delayed job, play a manual job with variables, and a runner's
// `canceling` report. Each new route: its success (?wait 200 with the decider's events), the decider's
// refusal (422 problem+json with its code), a bad body (400 with the JSON pointer, nothing written) and
// idempotency; the bulk route takes the same operations. Another project's pipeline (404 exactly as a
// missing one) is in ingest-ownership.test.ts with every other write route.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { JobEnqueued } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { nothingWritten, pipelineEventsOf, pointers, PROBLEM } from './ingest-helpers.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const A = 'test/alpha';
/** compile and unit run in stage order; `later` is delayed an hour; `ship` waits to be played. */
const definition = {
  stages: ['build', 'test'],
  jobs: [
    { name: 'compile', stage: 'build' },
    { name: 'later', stage: 'build', when: 'delayed', start_in: '1 hour' },
    { name: 'ship', stage: 'build', when: 'manual' },
    { name: 'unit', stage: 'test' },
  ],
};
type Event = { type: string; seq: number; job_id?: string; name?: string };
const named = (events: Event[], type: string) => events.filter((e) => e.type === type).map((e) => e.name);

describe('ingest: cancel a job, retry a pipeline, unschedule, play with variables, canceling (real decider)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;

  before(async () => {
    kafka = createKafka(config, 'test-ingest-job-commands');
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.databaseUrl, 2);
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool?.end();
  });

  const post = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api(ingest.url, 'POST', path, body, { token: TOKENS.alpha, headers });
  /** A new pipeline of project A: its id and the events of its creation. */
  async function create(): Promise<{ id: string; events: Event[] }> {
    const r = await post('/v1/pipelines?wait=20000', { project_id: A, ref: 'main', sha: SHA, definition });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return { id: r.body.pipeline_id, events: r.body.events };
  }
  /** A command or report with ?wait: the decider's verdict. */
  const decided = (path: string, body: Record<string, unknown> = {}) =>
    post(`${path}?wait=20000`, { project_id: A, ...body });
  const accepted = async (path: string, body: Record<string, unknown> = {}): Promise<Event[]> => {
    const r = await decided(path, body);
    expect(r.status, `${path} ${JSON.stringify(r.body)}`).to.equal(200);
    expect(r.body.verdict).to.equal('accepted');
    return r.body.events;
  };
  const refused = async (path: string, code: string, body: Record<string, unknown> = {}) => {
    const r = await decided(path, body);
    expect(r.status, `${path} ${JSON.stringify(r.body)}`).to.equal(422);
    expect(r.headers.get('content-type')).to.match(PROBLEM);
    expect(r.body).to.include({ status: 422, code });
    expect(r.body.report_id).to.be.a('string');
    expect(r.body.pipeline_id).to.be.a('string');
    return r.body;
  };

  it('POST …/jobs/{job}/cancel cancels that job only (JobCanceled); a job that cannot be → 422 not_cancelable', async () => {
    const p = await create();
    expect(named(p.events, 'JobEnqueued')).to.deep.equal(['compile']);
    const events = await accepted(`/v1/pipelines/${p.id}/jobs/compile/cancel`);
    expect(named(events, 'JobCanceled')).to.deep.equal(['compile']);
    const body = await refused(`/v1/pipelines/${p.id}/jobs/compile/cancel`, 'not_cancelable');
    expect(body.details).to.include({ name: 'compile', status: 'canceled' });
    // By attempt id too.
    const unit = p.events.find((e) => e.type === 'JobCreated' && e.name === 'unit')!.job_id!;
    expect(named(await accepted(`/v1/pipelines/${p.id}/jobs/${unit}/cancel`), 'JobCanceled')).to.deep.equal(['unit']);
  });

  it('POST …/retry gives every failed or canceled job a new attempt; a pipeline without one → 422 not_retryable', async () => {
    const p = await create();
    await refused(`/v1/pipelines/${p.id}/retry`, 'not_retryable');
    await accepted(`/v1/pipelines/${p.id}/jobs/compile/reports`, { status: 'running', runner_id: 'r1' });
    await accepted(`/v1/pipelines/${p.id}/jobs/compile/reports`, {
      status: 'failed',
      failure_reason: 'script_failure',
    });
    const events = await accepted(`/v1/pipelines/${p.id}/retry`);
    expect(named(events, 'JobRetried')).to.deep.equal(['compile']);
    const attempt = events.find((e) => e.type === 'JobCreated' && e.name === 'compile');
    expect(attempt, JSON.stringify(events)).to.not.equal(undefined);
    expect(named(events, 'JobEnqueued')).to.include('compile');
  });

  it('POST …/jobs/{job}/unschedule: a scheduled job becomes manual (JobUnscheduled); one not scheduled → 422 not_scheduled', async () => {
    const p = await create();
    expect(named(p.events, 'JobScheduled')).to.deep.equal(['later']);
    const events = await accepted(`/v1/pipelines/${p.id}/jobs/later/unschedule`);
    expect(named(events, 'JobUnscheduled')).to.deep.equal(['later']);
    const body = await refused(`/v1/pipelines/${p.id}/jobs/later/unschedule`, 'not_scheduled');
    expect(body.details).to.include({ name: 'later', status: 'manual' });
    await refused(`/v1/pipelines/${p.id}/jobs/compile/unschedule`, 'not_scheduled');
  });

  it('POST …/jobs/{job}/play with variables: the job is enqueued with their keys (values never leave ingest); a job not manual → 422 not_playable', async () => {
    const p = await create();
    const variables = [
      { key: 'DEPLOY_TOKEN', value: `tok-${randomUUID()}` },
      { key: '_REGION', value: 'eu-west-1' },
    ];
    const events = await accepted(`/v1/pipelines/${p.id}/jobs/ship/play`, { variables });
    expect(named(events, 'JobEnqueued')).to.deep.equal(['ship']);
    expect(events[0], 'the answer names events, never carries variables').to.not.have.property('variables');
    const canonical = await pipelineEventsOf(kafka, p.id, (es) =>
      es.some((e) => e.type === 'JobEnqueued' && e.name === 'ship'),
    );
    const enqueued = canonical.find((e) => e.type === 'JobEnqueued' && e.name === 'ship') as JobEnqueued;
    expect(enqueued.variable_keys, 'the decider passes their keys on').to.deep.equal(['DEPLOY_TOKEN', '_REGION']);
    expect(JSON.stringify(canonical), 'no value reaches the canonical topic').to.not.include(variables[0]!.value);
    await refused(`/v1/pipelines/${p.id}/jobs/ship/play`, 'not_playable', { variables });
    await refused(`/v1/pipelines/${p.id}/jobs/compile/play`, 'not_playable');
    // A delayed job may be played before it is due, without variables.
    expect(named(await accepted(`/v1/pipelines/${p.id}/jobs/later/play`), 'JobEnqueued')).to.deep.equal(['later']);
  });

  it('a report with status canceling: running → canceling (JobCanceling); the runner’s last report ends it canceled', async () => {
    const p = await create();
    const path = `/v1/pipelines/${p.id}/jobs/compile/reports`;
    await refused(path, 'illegal_transition', { status: 'canceling' });
    await accepted(path, { status: 'running', runner_id: 'r1' });
    expect(named(await accepted(path, { status: 'canceling' }), 'JobCanceling')).to.deep.equal(['compile']);
    expect(named(await accepted(path, { status: 'success' }), 'JobCanceled')).to.deep.equal(['compile']);
  });

  it('a bad body → 400 naming each bad value by its JSON pointer, and nothing is written', async () => {
    const p = await create();
    const cases: [string, Record<string, unknown>, string[]][] = [
      [`/v1/pipelines/${p.id}/jobs/compile/cancel`, { project_id: A, reason: 'x' }, ['/reason']],
      [`/v1/pipelines/${p.id}/retry`, {}, ['/project_id']],
      [`/v1/pipelines/${p.id}/jobs/later/unschedule`, { project_id: 7 }, ['/project_id']],
      [`/v1/pipelines/${p.id}/jobs/later/cancel`, { project_id: A, variables: [] }, ['/variables']],
      [
        `/v1/pipelines/${p.id}/jobs/ship/play`,
        {
          project_id: A,
          variables: [
            { key: 'OK', value: 'x' },
            { key: '9LIVES', value: 'x' },
          ],
        },
        ['/variables/1/key'],
      ],
      [
        `/v1/pipelines/${p.id}/jobs/ship/play`,
        { project_id: A, variables: [{ key: 'A-B', value: 'x' }] },
        ['/variables/0/key'],
      ],
      [
        `/v1/pipelines/${p.id}/jobs/ship/play`,
        { project_id: A, variables: [{ key: 'BIG', value: 'v'.repeat(10_001) }] },
        ['/variables/0/value'],
      ],
      [
        `/v1/pipelines/${p.id}/jobs/ship/play`,
        { project_id: A, variables: Array.from({ length: 51 }, (_, i) => ({ key: `K${i}`, value: 'x' })) },
        ['/variables'],
      ],
      [`/v1/pipelines/${p.id}/jobs/compile/reports`, { project_id: A, status: 'cancelling' }, ['/status']],
    ];
    for (const [path, body, expected] of cases) {
      const r = await nothingWritten(admin, pool, () => post(`${path}?wait=5000`, body));
      expect(r.status, `${path} ${JSON.stringify(r.body)}`).to.equal(400);
      expect(r.headers.get('content-type')).to.match(PROBLEM);
      expect(pointers(r.body), path).to.deep.equal(expected);
      expect(JSON.stringify(r.body), 'a 400 never echoes a value').to.not.include('v'.repeat(100));
    }
  });

  it('an Idempotency-Key replays the first answer of the same command, and refuses another request (409)', async () => {
    const p = await create();
    const key = { 'idempotency-key': `cancel-${randomUUID()}` };
    const path = `/v1/pipelines/${p.id}/jobs/compile/cancel?wait=20000`;
    const first = await post(path, { project_id: A }, key);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    const again = await post(path, { project_id: A }, key);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    const other = await post(`/v1/pipelines/${p.id}/jobs/unit/cancel?wait=20000`, { project_id: A }, key);
    expect(other.status).to.equal(409);
    // A play with other variables is another request.
    const playKey = { 'idempotency-key': `play-${randomUUID()}` };
    const play = `/v1/pipelines/${p.id}/jobs/ship/play`;
    expect((await post(play, { project_id: A, variables: [{ key: 'A', value: '1' }] }, playKey)).status).to.equal(202);
    expect((await post(play, { project_id: A, variables: [{ key: 'A', value: '2' }] }, playKey)).status).to.equal(409);
  });

  it('bulk: cancel_job, retry_pipeline, unschedule and play (with variables) lines, each as its single route', async () => {
    const p = await create();
    const line = (l: Record<string, unknown>) => JSON.stringify({ pipeline_id: p.id, project_id: A, ...l });
    const body = [
      line({ op: 'cancel_job', job: 'unit' }),
      line({ op: 'unschedule', job: 'later' }),
      line({ op: 'play', job: 'ship', variables: [{ key: 'TARGET', value: 'staging' }] }),
      line({ op: 'retry_pipeline' }),
      line({ op: 'play', job: 'ship', variables: [{ key: 'no good', value: 'x' }] }),
      line({ op: 'cancel_job' }),
      line({ op: 'unschedule', job: 'later', variables: [] }),
    ].join('\n');
    const r = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, { token: TOKENS.alpha, raw: body });
    expect(r.status, String(r.body)).to.equal(200);
    const verdicts = String(r.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; status: number; errors?: { pointer: string }[] });
    expect(verdicts.map((v) => v.status)).to.deep.equal([202, 202, 202, 202, 400, 400, 400]);
    expect(pointers(verdicts[4]!)).to.deep.equal(['/variables/0/key']);
    expect(pointers(verdicts[5]!)).to.include('/job');
    expect(pointers(verdicts[6]!)).to.deep.equal(['/variables']);
    // The decider took the four: unit canceled (then retried by the pipeline retry), later unscheduled, ship enqueued.
    const events = await pipelineEventsOf(kafka, p.id, (es) => es.some((e) => e.type === 'JobRetried'));
    expect(events.filter((e) => e.type === 'JobCanceled').map((e) => ('name' in e ? e.name : ''))).to.include('unit');
    expect(events.some((e) => e.type === 'JobUnscheduled' && e.name === 'later')).to.equal(true);
    const enqueued = events.find((e) => e.type === 'JobEnqueued' && e.name === 'ship') as JobEnqueued;
    expect(enqueued.variable_keys).to.deep.equal(['TARGET']);
    expect(enqueued).to.not.have.property('variables');
    expect(events.some((e) => e.type === 'JobRetried' && e.name === 'unit')).to.equal(true);
  });
});
