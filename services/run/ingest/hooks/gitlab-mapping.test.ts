import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { observedId, type Observation } from '../../../lib/core/observed/ids.js';
import { createAjv } from '../../../lib/platform/schemas/ajv.js';
import type { AdapterResult, DeliveryContext } from './adapter.js';
import { gitlabTime, mapGitlabHook } from './gitlab-mapping.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are mutated freely per case
type Json = any;
const FIXTURES = new URL('../../../../test/fixtures/hooks/gitlab/', import.meta.url);
const load = (name: string): Json => JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
const I = 'https://gitlab.example.com';
const ctx: DeliveryContext = { instance: I, externalProject: 'acme/widgets', receivedAt: '2024-03-07T00:00:00.000Z' };
const at = (hhmmss: string, day = '05') => `2024-03-${day}T${hhmmss}.000Z`;

function only(r: AdapterResult): Observation {
  if (r.kind !== 'observations') expect.fail(`expected observations, got ${JSON.stringify(r)}`);
  expect(r.observations).to.have.length(1);
  return r.observations[0]!;
}
const pipelineHook = (body: Json = load('pipeline-hook'), c = ctx) => mapGitlabHook('Pipeline Hook', body, c);
const jobHook = (body: Json = load('job-hook'), c = ctx) => mapGitlabHook('Job Hook', body, c);
const LINT = load('pipeline-hook').builds[2];
const builds = (n: number) => Array.from({ length: n }, (_, i) => ({ ...LINT, id: 1 + i }));

const validateRecord = createAjv().compile(
  JSON.parse(
    readFileSync(new URL('../../../../schemas/ci.intake.v1/ObservePipeline.v1.json', import.meta.url), 'utf8'),
  ),
);
function expectValidRecord(o: Observation) {
  const record = {
    report_id: randomUUID(),
    type: 'ObservePipeline',
    project_id: 'p',
    occurred_at: o.pipeline?.observed_at ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    idempotency_key: null,
    producer: 'x',
    correlation_id: randomUUID(),
    ...o,
  };
  expect(validateRecord(record), JSON.stringify(validateRecord.errors)).to.equal(true);
}

describe('GitLab hooks: times', () => {
  const cases: [string | null, string | null][] = [
    ['2016-08-12 15:23:28 UTC', '2016-08-12T15:23:28.000Z'],
    ['2021-02-23T02:41:37.886Z', '2021-02-23T02:41:37.886Z'],
    ['2021-02-23T02:41:37Z', '2021-02-23T02:41:37.000Z'],
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'],
    ['2021-04-28T21:50:00-02:30', '2021-04-29T00:20:00.000Z'],
    ['2021-02-23T02:41:37.886123Z', '2021-02-23T02:41:37.886Z'],
    [null, null],
    ['', null],
    ['yesterday', null],
    ['2016-08-12 15:23:28', null],
    ['2016-02-30 00:00:00 UTC', null],
    ['2016-08-12 24:00:00 UTC', null],
  ];
  for (const [raw, iso] of cases) it(`${JSON.stringify(raw)} → ${iso}`, () => expect(gitlabTime(raw)).to.equal(iso));
});

describe('GitLab hooks: Pipeline Hook', () => {
  it('maps the pipeline facts of pipeline-hook.json', () => {
    const o = only(pipelineHook());
    expect(o.pipeline_id).to.equal(observedId(I, 'pipeline', 4821));
    expect(o.system).to.equal('gitlab');
    expect(o.external).to.deep.equal({
      system: 'gitlab',
      instance: I,
      id: '4821',
      url: `${I}/acme/widgets/-/pipelines/4821`,
    });
    expect(o.pipeline).to.deep.equal({
      ref: 'feature/cache-warmup',
      sha: '3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e4b6d8f01',
      source: 'merge_request_event',
      status: 'failed',
      stages: ['build', 'test', 'deploy'],
      name: 'MR pipeline: cache warm-up',
      user: 'ada',
      created_at: at('09:14:02'),
      finished_at: at('09:21:47'),
      attempt: null,
      observed_at: at('09:21:47'),
    });
  });

  it('maps every build of pipeline-hook.json, in payload order', () => {
    // prettier-ignore
    const rows = only(pipelineHook()).jobs.map((j) => [
      j.external_id, j.name, j.stage, j.status, j.failure_reason, j.runner,
      j.started_at, j.finished_at, j.duration_ms, j.queued_duration_ms, j.observed_at,
    ]);
    // prettier-ignore
    expect(rows).to.deep.equal([
      ['30120', 'production', 'deploy', 'skipped', null, null, null, null, null, null, at('09:14:02')],
      ['30117', 'unit', 'test', 'success', null, 'k8s-runner-a', at('09:16:40'), at('09:19:05'), 145200, 3710, at('09:19:05')],
      ['30118', 'lint', 'test', 'failed', 'script_failure', 'k8s-runner-a', at('09:16:41'), at('09:17:30'), 48600, 4250, at('09:17:30')],
      ['30116', 'compile', 'build', 'success', null, 'k8s-runner-a', at('09:14:10'), at('09:16:33'), 142950, 7500, at('09:16:33')],
      ['30119', 'staging', 'deploy', 'created', null, null, null, null, null, null, at('09:14:02')],
    ]);
  });

  it('maps one build field by field', () => {
    expect(only(pipelineHook()).jobs[2]).to.deep.equal({
      job_id: observedId(I, 'job', 30118),
      external_id: '30118',
      url: `${I}/acme/widgets/-/jobs/30118`,
      name: 'lint',
      stage: 'test',
      status: 'failed',
      failure_reason: 'script_failure',
      allow_failure: false,
      attempt: 1,
      runner: 'k8s-runner-a',
      user: 'ada',
      queued_at: null,
      started_at: at('09:16:41'),
      finished_at: at('09:17:30'),
      duration_ms: 48600,
      queued_duration_ms: 4250,
      exit_code: null,
      steps: null,
      needs: null,
      observed_at: at('09:17:30'),
    });
  });

  it('pipeline-hook-retried.json: the retry is a new job (attempt 1: builds do not say) and the delivery is newer', () => {
    const first = only(pipelineHook());
    const o = only(pipelineHook(load('pipeline-hook-retried')));
    expect(o.pipeline_id).to.equal(first.pipeline_id);
    expect(o.pipeline).to.include({ status: 'running', finished_at: null, observed_at: at('09:30:20') });
    expect(o.pipeline!.observed_at > first.pipeline!.observed_at).to.equal(true);
    const lint = o.jobs.find((j) => j.name === 'lint')!;
    expect(lint).to.include({ external_id: '30125', job_id: observedId(I, 'job', 30125), status: 'running' });
    expect(lint).to.include({
      attempt: 1,
      runner: '52',
      user: 'grace',
      started_at: at('09:30:20'),
      failure_reason: null,
    });
    expect(lint.job_id).to.not.equal(observedId(I, 'job', 30118));
    expect(o.jobs.map((j) => j.status)).to.deep.equal(['manual', 'success', 'running', 'success', 'created']);
  });

  it('a payload that also lists the retried build (with_retried_builds) keeps both as separate jobs', () => {
    const body = load('pipeline-hook-retried');
    body.builds.push(load('pipeline-hook').builds[2]);
    const jobs = only(pipelineHook(body)).jobs.filter((j) => j.name === 'lint');
    expect(jobs.map((j) => [j.external_id, j.status, j.attempt])).to.deep.equal([
      ['30125', 'running', 1],
      ['30118', 'failed', 1],
    ]);
  });

  it('builds its links when the payload has no pipeline url', () => {
    const body = load('pipeline-hook');
    delete body.object_attributes.url;
    const o = only(pipelineHook(body, { ...ctx, instance: `${I}/` }));
    expect(o.external.url).to.equal(`${I}/acme/widgets/-/pipelines/4821`);
    expect(o.pipeline_id).to.equal(observedId(I, 'pipeline', 4821));
  });

  it('takes the ingest clock when the payload has no time at all', () => {
    const body = load('pipeline-hook');
    Object.assign(body.object_attributes, { created_at: null, finished_at: null });
    body.builds = [];
    expect(only(pipelineHook(body)).pipeline!.observed_at).to.equal(ctx.receivedAt);
  });
});

describe('GitLab hooks: Job Hook', () => {
  it('maps job-hook.json (user without username, a reason on a job that has not failed)', () => {
    expect(only(jobHook())).to.deep.equal({
      pipeline_id: observedId(I, 'pipeline', 4833),
      system: 'gitlab',
      external: { system: 'gitlab', instance: I, id: '4833', url: `${I}/acme/widgets/-/pipelines/4833` },
      pipeline: {
        ref: 'main',
        sha: '5e2b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e02',
        source: null,
        status: null,
        stages: null,
        name: 'Nightly: main',
        user: null,
        created_at: null,
        finished_at: null,
        attempt: null,
        observed_at: '2024-03-06T14:02:11.512Z',
      },
      jobs: [
        {
          job_id: observedId(I, 'job', 30544),
          external_id: '30544',
          url: `${I}/acme/widgets/-/jobs/30544`,
          name: 'integration',
          stage: 'test',
          status: 'created',
          failure_reason: null,
          allow_failure: false,
          attempt: 3,
          runner: 'widgets-runner',
          user: null,
          queued_at: null,
          started_at: null,
          finished_at: null,
          duration_ms: null,
          queued_duration_ms: 812347,
          exit_code: null,
          steps: null,
          needs: null,
          observed_at: '2024-03-06T14:02:11.512Z',
        },
      ],
    });
  });

  it('maps job-hook-failed.json', () => {
    const o = only(jobHook(load('job-hook-failed')));
    expect(o.jobs[0]).to.include({
      status: 'failed',
      failure_reason: 'script_failure',
      attempt: 3,
      started_at: '2024-03-06T14:15:44.020Z',
      finished_at: '2024-03-06T14:17:19.291Z',
      duration_ms: 95271,
      observed_at: '2024-03-06T14:17:19.291Z',
    });
    expect(o.pipeline).to.include({ status: null, observed_at: '2024-03-06T14:17:19.291Z' });
  });

  const attempts: [retries: number | null | undefined, attempt: number][] = [
    [2, 3],
    [0, 1],
    [null, 1],
    [undefined, 1],
  ];
  for (const [retries, attempt] of attempts)
    it(`retries_count ${retries} → attempt ${attempt}`, () => {
      const body = load('job-hook');
      if (retries === undefined) delete body.retries_count;
      else body.retries_count = retries;
      expect(only(jobHook(body)).jobs[0]!.attempt).to.equal(attempt);
    });

  it('names the same pipeline and job as the Pipeline Hook does', () => {
    const body = Object.assign(load('job-hook-failed'), { build_id: 30118, pipeline_id: 4821 });
    const fromJob = only(jobHook(body));
    const fromPipeline = only(pipelineHook());
    expect(fromJob.pipeline_id).to.equal(fromPipeline.pipeline_id);
    expect(fromJob.jobs[0]!.job_id).to.equal(fromPipeline.jobs[2]!.job_id);
  });

  it('reads the old "UTC" times, a top-level source and checkout_sha', () => {
    const body = load('job-hook');
    Object.assign(body, { build_created_at: '2024-03-06 14:02:11 UTC', source: 'push', checkout_sha: 'abcdef1' });
    const o = only(jobHook(body));
    expect(o.jobs[0]!.observed_at).to.equal('2024-03-06T14:02:11.000Z');
    expect(o.pipeline).to.include({ source: 'push', sha: 'abcdef1' });
  });

  it('has no links without the project path (GitLab before the project object)', () => {
    const body = load('job-hook');
    delete body.project;
    const o = only(jobHook(body, { ...ctx, externalProject: '4711' }));
    expect([o.external.url, o.jobs[0]!.url]).to.deep.equal([null, null]);
  });
});

describe('GitLab hooks: statuses', () => {
  it('drops a build whose status is unknown and keeps the rest', () => {
    const body = load('pipeline-hook');
    body.builds[1].status = 'paused';
    const o = only(pipelineHook(body));
    expect(o.jobs.map((j) => j.external_id)).to.deep.equal(['30120', '30118', '30116', '30119']);
    expect(o.pipeline!.status).to.equal('failed');
  });

  it('keeps the pipeline facts when no build status is known', () => {
    const body = load('pipeline-hook');
    for (const b of body.builds) b.status = 'paused';
    const o = only(pipelineHook(body));
    expect(o.jobs).to.deep.equal([]);
    expect(o.pipeline).to.include({ status: 'failed', observed_at: at('09:21:47') });
  });

  it('ignores a delivery whose pipeline status is unknown, naming it', () => {
    const body = load('pipeline-hook');
    body.object_attributes.status = 'paused';
    expect(pipelineHook(body)).to.deep.equal({ kind: 'ignored', reason: 'unknown GitLab pipeline status "paused"' });
  });

  it('ignores a Job Hook whose status is unknown, naming it', () => {
    const body = Object.assign(load('job-hook'), { build_status: 'paused' });
    expect(jobHook(body)).to.deep.equal({ kind: 'ignored', reason: 'unknown GitLab job status "paused"' });
  });

  const statusCases: [status: string, reason: string | null, expected: [string, string | null]][] = [
    ['waiting_for_callback', null, ['pending', null]],
    ['failed', null, ['failed', 'unknown_failure']],
    ['failed', 'some_future_reason', ['failed', 'some_future_reason']],
    ['failed', 'runner_system_failure', ['failed', 'runner_system_failure']],
    ['success', 'script_failure', ['success', null]],
  ];
  for (const [status, reason, expected] of statusCases)
    it(`Job Hook ${status} ${reason ?? ''} → ${expected.join(' ')}`, () => {
      const body = Object.assign(load('job-hook'), { build_status: status, build_failure_reason: reason });
      const job = only(jobHook(body)).jobs[0]!;
      expect([job.status, job.failure_reason]).to.deep.equal(expected);
    });
});

describe('GitLab hooks: what is not observed', () => {
  const cases: [event: string | undefined, body: Json, reason: string][] = [
    ['Deployment Hook', load('deployment-hook'), 'Deployment Hook'],
    ['Merge Request Hook', { object_kind: 'merge_request' }, 'Merge Request Hook'],
    ['Push Hook', { object_kind: 'push' }, 'Push Hook'],
    ['pipeline hook', load('pipeline-hook'), 'pipeline hook'],
    [undefined, load('pipeline-hook'), 'no X-Gitlab-Event'],
    ['', load('job-hook'), 'no X-Gitlab-Event'],
  ];
  for (const [event, body, reason] of cases)
    it(`${JSON.stringify(event)} → ignored`, () => {
      const r = mapGitlabHook(event, body, ctx);
      expect(r.kind).to.equal('ignored');
      expect(r).to.have.property('reason').that.includes(reason);
    });
});

describe('GitLab hooks: the connection project', () => {
  const cases: [externalProject: string, accepted: boolean][] = [
    ['*', true],
    ['acme/widgets', true],
    ['ACME/Widgets', true],
    ['4711', true],
    ['acme/gadgets', false],
    ['4712', false],
  ];
  for (const [externalProject, accepted] of cases)
    for (const [event, map] of [
      ['Pipeline Hook', pipelineHook],
      ['Job Hook', jobHook],
    ] as const)
      it(`${event} of acme/widgets (4711), connection ${externalProject}: ${accepted ? 'mapped' : "invalid '/project'"}`, () => {
        const r = map(undefined, { ...ctx, externalProject });
        if (accepted) expect(r.kind).to.equal('observations');
        else expect(r).to.deep.include({ kind: 'invalid', pointer: '/project' });
      });

  it('refuses a Job Hook without the project path when the connection names the path', () => {
    const body = load('job-hook');
    delete body.project;
    expect(jobHook(body)).to.deep.include({ kind: 'invalid', pointer: '/project' });
  });
});

describe('GitLab hooks: malformed payloads', () => {
  const P = 'Pipeline Hook';
  const J = 'Job Hook';
  const shown = (f: (b: Json) => unknown) =>
    f
      .toString()
      .replace(/^\(?b\)?\s*=>\s*/, '')
      .slice(0, 80);
  // prettier-ignore
  const cases: [event: string, fixture: string, change: (b: Json) => Json, pointer: string][] = [
    [P, 'pipeline-hook', (b) => delete b.object_attributes.id, '/object_attributes/id'],
    [P, 'pipeline-hook', (b) => (b.object_attributes.id = '4821'), '/object_attributes/id'],
    [P, 'pipeline-hook', (b) => delete b.object_attributes.status, '/object_attributes/status'],
    [P, 'pipeline-hook', (b) => delete b.project, '/project'],
    [P, 'pipeline-hook', (b) => delete b.project.path_with_namespace, '/project/path_with_namespace'],
    [P, 'pipeline-hook', (b) => (b.object_kind = 'build'), '/object_kind'],
    [P, 'pipeline-hook', (b) => (b.object_attributes.created_at = 'yesterday'), '/object_attributes/created_at'],
    [P, 'pipeline-hook', (b) => (b.object_attributes.finished_at = '2024-02-30 10:00:00 UTC'), '/object_attributes/finished_at'],
    [P, 'pipeline-hook', (b) => (b.object_attributes.sha = 'NOT-A-SHA'), '/object_attributes/sha'],
    [P, 'pipeline-hook', (b) => (b.object_attributes.stages = 'build'), '/object_attributes/stages'],
    [P, 'pipeline-hook', (b) => (b.builds[2].status = 5), '/builds/2/status'],
    [P, 'pipeline-hook', (b) => (b.builds[1].name = ''), '/builds/1/name'],
    [P, 'pipeline-hook', (b) => delete b.builds[4].id, '/builds/4/id'],
    [P, 'pipeline-hook', (b) => (b.builds[1].duration = -1), '/builds/1/duration'],
    [P, 'pipeline-hook', (b) => (b.builds[1].started_at = 1709630200), '/builds/1/started_at'],
    [P, 'pipeline-hook', (b) => (b.builds = builds(501)), '/builds'],
    [P, 'pipeline-hook', (b) => (b.builds = {}), '/builds'],
    [J, 'job-hook', (b) => delete b.build_id, '/build_id'],
    [J, 'job-hook', (b) => delete b.pipeline_id, '/pipeline_id'],
    [J, 'job-hook', (b) => (b.build_started_at = 'soon'), '/build_started_at'],
    [J, 'job-hook', (b) => (b.retries_count = -1), '/retries_count'],
    [J, 'job-hook', (b) => (b.build_queued_duration = '812'), '/build_queued_duration'],
    [J, 'job-hook', (b) => (b.object_kind = 'pipeline'), '/object_kind'],
  ];
  for (const [event, fixture, change, pointer] of cases)
    it(`${event}: ${shown(change)} → invalid ${pointer}`, () => {
      const body = load(fixture);
      change(body);
      const r = mapGitlabHook(event, body, ctx);
      expect(r).to.deep.include({ kind: 'invalid', pointer });
      expect(r).to.have.property('message').that.matches(/\S/);
    });

  // prettier-ignore
  const bodies: Json[] = [undefined, null, 0, 'x', [], {}, { object_kind: 'pipeline' }, { object_attributes: null }, { builds: 'x' }, { build_id: {} }];
  it('never throws, and says which field is wrong', () => {
    for (const event of [P, J])
      for (const body of bodies) {
        const r = mapGitlabHook(event, body, ctx);
        expect(r.kind, `${event} ${JSON.stringify(body)}`).to.equal('invalid');
      }
    expect(mapGitlabHook(P, null, ctx)).to.deep.include({ kind: 'invalid', pointer: '' });
  });
});

describe('GitLab hooks: bounds and the ObservePipeline schema', () => {
  it('cuts strings to the schema lengths (in code points) and stages to 50', () => {
    const body = load('pipeline-hook');
    Object.assign(body.object_attributes, { ref: 'r'.repeat(2000), name: '', source: 's'.repeat(100) });
    body.object_attributes.stages = Array.from({ length: 60 }, (_, i) => `stage-${i}`);
    Object.assign(body.builds[1], { name: '😀'.repeat(300), stage: '', failure_reason: 'x' });
    body.builds[1].runner.description = 'd'.repeat(300);
    body.user.username = '';
    const o = only(pipelineHook(body));
    expect(o.pipeline!.ref).to.have.length(1024);
    expect(o.pipeline).to.include({ name: null, user: null });
    expect(o.pipeline!.source).to.have.length(64);
    expect(o.pipeline!.stages).to.have.length(50);
    const j = o.jobs[1]!;
    expect(Array.from(j.name)).to.have.length(255);
    expect(j.runner).to.have.length(255);
    expect(j).to.include({ stage: null, failure_reason: null });
    expectValidRecord(o);
  });

  // prettier-ignore
  const outputs: [string, () => AdapterResult][] = [
    ['pipeline-hook.json', () => pipelineHook()],
    ['pipeline-hook-retried.json', () => pipelineHook(load('pipeline-hook-retried'))],
    ['job-hook.json', () => jobHook()],
    ['job-hook-failed.json', () => jobHook(load('job-hook-failed'))],
    ['500 builds', () => pipelineHook(Object.assign(load('pipeline-hook'), { builds: builds(500) }))],
  ];
  for (const [what, result] of outputs)
    it(`${what}: the observation is a valid ObservePipeline record once enveloped`, () =>
      expectValidRecord(only(result())));
});
