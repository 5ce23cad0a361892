// GitLab's job model as readers see it (issue 13), made by the real path — ingest → decider → projector →
// query API: a delayed job scheduled with its due time and unscheduled, a job being canceled, the keys (never
// the values) of a played job's variables in every answer and on the live stream, the values masked in the
// job's excerpt, allow_failure as decided for the failure, the pipeline's warnings, and the new statuses in
// answers and filters. Answers are validated against /openapi.json.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createAjv } from '../../services/lib/platform/schemas/ajv.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector, type RunningProjector } from '../../services/run/projector/main.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { JOB_STATUSES } from '../../services/lib/core/pipeline/index.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { until } from '../support/wait.js';

const run = randomUUID().slice(0, 8);
const P = `jm/${run}`;
const READ = `jm-reader-${run}-0123456789abcdef`;
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
/** A value nobody could guess, to look for everywhere it must not be. */
const SECRET = `s3cr3t-${randomUUID()}`;
const REGION = `region-${randomUUID()}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
type Json = any;

describe('job model through the real stack: scheduled, canceling, played variables, allow_failure (ingest → query)', function () {
  this.timeout(240_000);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let projector: RunningProjector;
  let query: RunningQuery;
  let url: string;
  let doc: Json;

  before(async () => {
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    projector = await startProjector(loadProjectorConfig({ ...env, PROJECTOR_PORT: '0' }), { http: false });
    query = await startQuery(loadQueryConfig({ ...env, QUERY_PORT: '0', QUERY_TOKENS: `reader:${READ}:${P}` }));
    url = `http://127.0.0.1:${query.port}`;
    await until('the query API to be ready', async () =>
      (await fetch(`${url}/readyz`)).status === 200 ? true : undefined,
    );
    doc = (await api(url, 'GET', '/openapi.json', undefined, { token: '' })).body;
  });
  after(async () => {
    for (const s of [query, projector, ingest, decider]) await s?.stop();
  });

  const write = async (path: string, body: Record<string, unknown>) => {
    const r = await api(ingest.url, 'POST', `${path}?wait=20000`, { project_id: P, ...body }, { token: TOKENS.all });
    expect(r.status, `${path} ${JSON.stringify(r.body)}`).to.equal(200);
    return r.body;
  };
  const create = async (jobs: Record<string, unknown>[], occurredAt?: string): Promise<string> =>
    (
      await write('/v1/pipelines', {
        ref: 'main',
        sha: SHA,
        definition: { stages: ['build', 'deploy'], jobs },
        ...(occurredAt ? { occurred_at: occurredAt } : {}),
      })
    ).pipeline_id;
  const read = (path: string) => api(url, 'GET', path, undefined, { token: READ });
  /** The pipeline detail once `ready` holds for it (the projector is asynchronous). */
  const detailWhen = (id: string, what: string, ready: (p: Json) => boolean): Promise<Json> =>
    until(what, async () => {
      const r = await read(`/v1/pipelines/${id}`);
      return r.status === 200 && ready(r.body) ? r.body : undefined;
    });
  const jobOf = (p: Json, name: string): Json => p.jobs.find((j: Json) => j.name === name);
  const listed = async (status: string): Promise<string[]> => {
    const r = await read(`/v1/pipelines?project=${encodeURIComponent(P)}&status=${status}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.items.map((p: Json) => p.pipeline_id);
  };
  const conforms = (component: string, body: Json) => {
    const ajv = createAjv();
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
    ajv.addSchema(doc, 'openapi.json');
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`)!;
    expect(validate(body), `${component}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  };

  it('a delayed job is scheduled with its due time (pipeline scheduled), then unscheduled to manual', async () => {
    // A producer clock a day behind: the due time is on the decider's clock, an hour after it decided.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 86_400_000).toISOString();
    const before = Date.now();
    const id = await create([{ name: 'later', stage: 'deploy', when: 'delayed', start_in: '1 hour' }], at);
    const scheduled = await detailWhen(id, 'the job scheduled', (p) => jobOf(p, 'later')?.status === 'scheduled');
    const later = jobOf(scheduled, 'later');
    expect(later).to.include({ when: 'delayed' });
    const due = Date.parse(String(later.scheduled_at));
    expect(due).to.be.within(before + 3_600_000 - 1_000, Date.now() + 3_600_000);
    expect(scheduled.status).to.equal('scheduled');
    expect(await listed('scheduled')).to.include(id);
    conforms('PipelineDetail', scheduled);

    await write(`/v1/pipelines/${id}/jobs/later/unschedule`, {});
    const manual = await detailWhen(id, 'the job unscheduled', (p) => jobOf(p, 'later')?.status === 'manual');
    expect(jobOf(manual, 'later')).to.include({ scheduled_at: null });
    expect(manual.status).to.equal('manual');
    expect(await listed('manual')).to.include(id);
    expect(await listed('scheduled')).to.not.include(id);
    const job = await read(`/v1/jobs/${later.job_id}`);
    expect(job.body).to.include({ status: 'manual', scheduled_at: null });
    conforms('JobDetail', job.body);
  });

  it('a running job being canceled is canceling (pipeline canceling), then canceled', async () => {
    const id = await create([{ name: 'unit', stage: 'build' }]);
    const report = (body: Record<string, unknown>) => write(`/v1/pipelines/${id}/jobs/unit/reports`, body);
    await report({ status: 'running', runner_id: 'r1' });
    await report({ status: 'canceling' });
    const canceling = await detailWhen(id, 'the job canceling', (p) => jobOf(p, 'unit')?.status === 'canceling');
    expect(canceling.status).to.equal('canceling');
    expect(canceling.stages).to.deep.equal([{ name: 'build', status: 'canceling', warnings: false }]);
    expect(await listed('canceling')).to.include(id);
    conforms('PipelineDetail', canceling);
    await report({ status: 'failed', failure_reason: 'script_failure' });
    const canceled = await detailWhen(id, 'the job canceled', (p) => jobOf(p, 'unit')?.status === 'canceled');
    expect(canceled.status).to.equal('canceled');
    expect(await listed('canceling')).to.not.include(id);
  });

  it('a job played with variables shows their keys, never their values — in answers and on the stream; the values are masked in its excerpt', async () => {
    const id = await create([{ name: 'ship', stage: 'deploy', when: 'manual' }]);
    await detailWhen(id, 'the job manual', (p) => jobOf(p, 'ship')?.status === 'manual');
    const stream = watch(`${url}/v1/stream?pipeline=${id}`, READ, (text) => text.includes('JobFailed'));
    await new Promise((r) => setTimeout(r, 300));
    await write(`/v1/pipelines/${id}/jobs/ship/play`, {
      variables: [
        { key: 'DEPLOY_TOKEN', value: SECRET },
        { key: 'REGION', value: REGION },
      ],
    });
    const report = (body: Record<string, unknown>) => write(`/v1/pipelines/${id}/jobs/ship/reports`, body);
    await report({ status: 'running', runner_id: 'r1' });
    await report({
      status: 'failed',
      failure_reason: 'script_failure',
      exit_code: 1,
      log_tail: `$ ./deploy --region ${REGION}\nusing ${SECRET}\nERROR: deploy refused\n`,
    });
    const failed = await detailWhen(id, 'the job failed', (p) => jobOf(p, 'ship')?.status === 'failed');
    const ship = jobOf(failed, 'ship');
    expect(ship.variable_keys).to.deep.equal(['DEPLOY_TOKEN', 'REGION']);
    const job = await read(`/v1/jobs/${ship.job_id}`);
    expect(job.body.variable_keys).to.deep.equal(['DEPLOY_TOKEN', 'REGION']);
    expect(job.body.log_excerpt).to.include('ERROR: deploy refused').and.include('[MASKED]');
    conforms('JobDetail', job.body);
    const list = await read(`/v1/pipelines?project=${encodeURIComponent(P)}`);
    const events = await stream;
    for (const [what, text] of [
      ['pipeline detail', JSON.stringify(failed)],
      ['job detail', JSON.stringify(job.body)],
      ['pipeline list', JSON.stringify(list.body)],
      ['stream', events],
    ] as const) {
      expect(text, what).to.not.include(SECRET);
      expect(text, what).to.not.include(REGION);
    }
    expect(events).to.include('"variable_keys":["DEPLOY_TOKEN","REGION"]');
  });

  it('allow_failure follows the failure (allow_failure: exit_codes); a pipeline passed with warnings shows them', async () => {
    const id = await create([
      { name: 'flaky', stage: 'build', allow_failure: { exit_codes: [137] } },
      { name: 'strict', stage: 'build', allow_failure: { exit_codes: [137] } },
    ]);
    for (const [job, exit] of [
      ['flaky', 137],
      ['strict', 1],
    ] as const) {
      await write(`/v1/pipelines/${id}/jobs/${job}/reports`, { status: 'running', runner_id: 'r1' });
      await write(`/v1/pipelines/${id}/jobs/${job}/reports`, {
        status: 'failed',
        failure_reason: 'script_failure',
        exit_code: exit,
      });
    }
    const done = await detailWhen(id, 'the pipeline finished', (p) => p.finished_at !== null);
    expect(jobOf(done, 'flaky')).to.include({ status: 'failed', allow_failure: true, exit_code: 137 });
    expect(jobOf(done, 'strict')).to.include({ status: 'failed', allow_failure: false, exit_code: 1 });
    expect(done).to.include({ status: 'failed', warnings: true });

    const passed = await create([{ name: 'flaky', stage: 'build', allow_failure: { exit_codes: [137] } }]);
    await write(`/v1/pipelines/${passed}/jobs/flaky/reports`, { status: 'running', runner_id: 'r1' });
    await write(`/v1/pipelines/${passed}/jobs/flaky/reports`, {
      status: 'failed',
      failure_reason: 'script_failure',
      exit_code: 137,
    });
    const warned = await detailWhen(passed, 'the pipeline finished', (p) => p.finished_at !== null);
    expect(warned).to.include({ status: 'success', warnings: true });
    const item = (await read(`/v1/pipelines?project=${encodeURIComponent(P)}&status=success`)).body.items.find(
      (p: Json) => p.pipeline_id === passed,
    );
    expect(item).to.include({ status: 'success', warnings: true });
  });

  it('the status filter takes each of the 12 statuses, and refuses another (400 at /query/status)', async () => {
    for (const status of JOB_STATUSES)
      expect((await read(`/v1/pipelines?status=${status}`)).status, status).to.equal(200);
    const bad = await read('/v1/pipelines?status=blocked');
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).to.deep.equal(['/query/status']);
    const enums = doc.paths['/v1/pipelines'].get.parameters.find((p: Json) => p.name === 'status').schema.enum;
    expect([...enums].sort()).to.deep.equal([...JOB_STATUSES].sort());
    expect(JOB_STATUSES).to.have.length(12);
  });
});

/** The text of an SSE answer until `enough` holds for it (or 30 s), then hangs up. */
async function watch(streamUrl: string, token: string, enough: (text: string) => boolean): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  let text = '';
  try {
    const res = await fetch(streamUrl, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (enough(text)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return text;
}
