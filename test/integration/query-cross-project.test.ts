// Cross-project reads (issue 11): a read token of project A never reads project B's data nor learns that
// it exists. Both projects' data is made by the real path — ingest → decider → projector, the remediator
// proposing for the failures — and every read route is asked for B's things with A's token: each answer
// must be exactly the answer for something that does not exist (404 with the same body but the id, or
// an empty list / stream), and the feedback POST on B's proposal must publish nothing.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector, type RunningProjector } from '../../services/run/projector/main.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { loadRemediatorConfig } from '../../services/run/remediator/config.js';
import { startRemediator, type RunningRemediator } from '../../services/run/remediator/main.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS as INGEST_TOKENS } from '../support/services.js';
import { until } from '../support/wait.js';

const run = randomUUID().slice(0, 8);
const A = `xp/${run}-a`;
const B = `xp/${run}-b`;
const READ = {
  a: `xp-a-${run}-0123456789abcdef`,
  b: `xp-b-${run}-0123456789abcdef`,
  all: `xp-all-${run}-0123456789abcdef`,
};
const READ_SPEC = `a:${READ.a}:${A};b:${READ.b}:${B};all:${READ.all}:*`;
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an SSE answer for `ms` (or until `enough` holds), then hangs up: the status and every event received. */
async function listen(
  url: string,
  token: string,
  ms: number,
  lastEventId?: string,
  enough: (events: SseEvent[]) => boolean = () => false,
): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  if (res.status !== 200) {
    await res.text();
    return { status: res.status, events };
  }
  const timer = setTimeout(() => controller.abort(), ms);
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const e: SseEvent = {};
        for (const line of buffer.slice(0, cut).split('\n')) {
          const m = /^(id|event|data): ?(.*)$/.exec(line);
          if (m) e[m[1] as keyof SseEvent] = m[2];
        }
        buffer = buffer.slice(cut + 2);
        if (e.data !== undefined || e.event) events.push(e);
      }
      if (enough(events)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: 200, events };
}

describe('query API: a token of project A never reads nor learns of project B (real ingest, decider, projector, remediator)', function () {
  this.timeout(180_000);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let projector: RunningProjector;
  let remediator: RunningRemediator;
  let query: RunningQuery;
  let url: string;
  /**
   * Per project: its pipeline, the failed first attempt of `unit`, the passing retry, its proposal, its events' stream
   * ids.
   */
  const made: Record<
    'a' | 'b',
    {
      project: string;
      pipelineId: string;
      failedJobId: string;
      passedJobId: string;
      proposalId: string;
      eventIds: string[];
    }
  > = {} as never;
  const get = (path: string, token: string, headers: Record<string, string> = {}) =>
    api(url, 'GET', path, undefined, { token, headers });

  before(async () => {
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    projector = await startProjector(loadProjectorConfig({ ...env, PROJECTOR_PORT: '0' }), { http: false });
    remediator = await startRemediator(loadRemediatorConfig({ ...env, REMEDIATOR_PORT: '0' }), { http: false });
    query = await startQuery(loadQueryConfig({ ...env, QUERY_PORT: '0', QUERY_TOKENS: READ_SPEC }));
    url = `http://127.0.0.1:${query.port}`;
    await until(
      'the query stream and the remediator to join',
      async () => ((await fetch(`${url}/readyz`)).status === 200 && remediator.remediator.ready ? true : undefined),
      60_000,
    );

    // Watch everything with the all-projects token while both projects' pipelines run: their stream ids.
    const ids = { a: randomUUID(), b: randomUUID() };
    const finished = (events: SseEvent[]) =>
      Object.values(ids).every((id) => events.some((e) => e.event === 'PipelineFinished' && e.data?.includes(id)));
    const watching = listen(`${url}/v1/stream`, READ.all, 60_000, undefined, finished);
    await new Promise((r) => setTimeout(r, 500));
    for (const [key, project] of [
      ['a', A],
      ['b', B],
    ] as const) {
      const pipelineId = ids[key];
      const definition = {
        stages: ['test'],
        jobs: [{ name: 'unit', stage: 'test', retry: { max: 1, when: ['runner_system_failure'] } }],
      };
      const report = (body: Record<string, unknown>) =>
        api(
          ingest.url,
          'POST',
          `/v1/pipelines/${pipelineId}/jobs/unit/reports?wait=20000`,
          { project_id: project, ...body },
          { token: INGEST_TOKENS.all },
        );
      expect(
        (
          await api(
            ingest.url,
            'POST',
            '/v1/pipelines?wait=20000',
            { pipeline_id: pipelineId, project_id: project, ref: 'main', sha: SHA, definition },
            { token: INGEST_TOKENS.all },
          )
        ).status,
      ).to.equal(200);
      expect((await report({ status: 'running', runner_id: 'r1' })).status).to.equal(200);
      const failed = await report({
        status: 'failed',
        failure_reason: 'runner_system_failure',
        exit_code: 1,
        log_tail: 'ERROR: Job failed (system failure): runner lost connection',
      });
      expect(failed.status, JSON.stringify(failed.body)).to.equal(200);
      expect((await report({ status: 'running', runner_id: 'r2' })).status).to.equal(200);
      expect((await report({ status: 'success' })).status).to.equal(200);
      const proposal = await until(
        `${project}'s proposal`,
        async () => (await get(`/v1/remediations?project=${encodeURIComponent(project)}`, READ.all)).body.items?.[0],
      );
      const flaky = await until(
        `${project}'s flaky job`,
        async () => (await get(`/v1/projects/${encodeURIComponent(project)}/flaky-jobs`, READ.all)).body.items?.[0],
      );
      made[key] = {
        project,
        pipelineId,
        failedJobId: proposal.job_id,
        passedJobId: flaky.passed_job_id,
        proposalId: proposal.proposal_id,
        eventIds: [],
      };
    }
    const seen = (await watching).events;
    for (const key of ['a', 'b'] as const)
      made[key].eventIds = seen.filter((e) => e.data?.includes(made[key].pipelineId)).map((e) => e.id!);
    expect(made.b.eventIds.length, 'the stream saw B’s events').to.be.greaterThan(3);
  });

  after(async () => {
    for (const s of [query, remediator, projector, ingest, decider]) await s?.stop();
  });

  /** A's answer for B's thing equals A's answer for a thing nobody has, but the id. */
  async function sameAsMissing(path: (id: string) => string, foreignId: string, headers: Record<string, string> = {}) {
    const unknown = randomUUID();
    const foreign = await get(path(foreignId), READ.a, headers);
    const missing = await get(path(unknown), READ.a, headers);
    expect(foreign.status, path(foreignId)).to.equal(404);
    expect(foreign.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(JSON.stringify(foreign.body).replaceAll(foreignId, '<id>'), path(foreignId)).to.equal(
      JSON.stringify(missing.body).replaceAll(unknown, '<id>'),
    );
  }

  it('A reads its own pipeline, jobs, proposal, stats and flaky jobs (the control)', async () => {
    expect((await get(`/v1/pipelines/${made.a.pipelineId}`, READ.a)).status).to.equal(200);
    expect((await get(`/v1/jobs/${made.a.failedJobId}`, READ.a)).status).to.equal(200);
    expect((await get(`/v1/projects/${encodeURIComponent(A)}/stats`, READ.a)).body.pipelines).to.be.at.least(1);
    expect((await get(`/v1/projects/${encodeURIComponent(A)}/flaky-jobs`, READ.a)).body.items).to.have.length(1);
    expect((await get(`/v1/remediations?project=${encodeURIComponent(A)}`, READ.a)).body.items).to.have.length(1);
    // And B's token reads B's: the data A cannot see is there.
    expect((await get(`/v1/pipelines/${made.b.pipelineId}`, READ.b)).status).to.equal(200);
    expect((await get(`/v1/jobs/${made.b.passedJobId}`, READ.b)).status).to.equal(200);
  });

  it('B’s pipeline and every job attempt answer A exactly as missing ones do (If-None-Match too: no 304)', async () => {
    await sameAsMissing((id) => `/v1/pipelines/${id}`, made.b.pipelineId);
    const etag = (await get(`/v1/pipelines/${made.b.pipelineId}`, READ.b)).headers.get('etag')!;
    await sameAsMissing((id) => `/v1/pipelines/${id}`, made.b.pipelineId, { 'if-none-match': etag });
    await sameAsMissing((id) => `/v1/jobs/${id}`, made.b.failedJobId);
    await sameAsMissing((id) => `/v1/jobs/${id}`, made.b.passedJobId);
  });

  it('B’s project paths (stats, flaky jobs) answer A as a project A cannot read that does not exist', async () => {
    for (const route of ['stats', 'flaky-jobs', 'stats?window=30d', 'flaky-jobs?limit=5']) {
      const foreign = await get(`/v1/projects/${encodeURIComponent(B)}/${route}`, READ.a);
      const nobody = `xp/${run}-nobody`;
      const missing = await get(`/v1/projects/${encodeURIComponent(nobody)}/${route}`, READ.a);
      expect(foreign.status, route).to.equal(404);
      expect(JSON.stringify(foreign.body).replaceAll(B, '<p>'), route).to.equal(
        JSON.stringify(missing.body).replaceAll(nobody, '<p>'),
      );
    }
  });

  it('lists never show B’s rows to A, and filtering on B is an empty list (as for a project without data)', async () => {
    const pipelines = await get('/v1/pipelines?limit=200', READ.a);
    expect(pipelines.body.items.map((p: { project_id: string }) => p.project_id))
      .to.include(A)
      .and.not.include(B);
    for (const path of [
      `/v1/pipelines?project=${encodeURIComponent(B)}`,
      `/v1/pipelines?project=${encodeURIComponent(B)}&ref=main&status=success`,
      `/v1/remediations?project=${encodeURIComponent(B)}&include_shadow=true`,
      `/v1/remediations?job_id=${made.b.failedJobId}&include_shadow=true`,
    ]) {
      const a = await get(path, READ.a);
      expect([a.status, a.body], path).to.deep.equal([200, { items: [], next_cursor: null }]);
    }
    const remediations = await get('/v1/remediations?include_shadow=true&limit=200', READ.a);
    expect(remediations.body.items.map((r: { project_id: string }) => r.project_id))
      .to.include(A)
      .and.not.include(B);
  });

  it('the remediation summary counts only A’s proposals; filtered on B it is empty', async () => {
    const mine = await get('/v1/remediations/summary', READ.a);
    const aOnly = await get(`/v1/remediations/summary?project=${encodeURIComponent(A)}`, READ.all);
    expect(mine.body.providers).to.deep.equal(aOnly.body.providers);
    const foreign = await get(`/v1/remediations/summary?project=${encodeURIComponent(B)}`, READ.a);
    expect([foreign.status, foreign.body.providers]).to.deep.equal([200, []]);
  });

  it('feedback on B’s proposal answers A as on a missing one, and publishes nothing', async () => {
    const admin = createKafka(loadConfig(), `xp-${run}`).admin();
    await admin.connect();
    const end = async () =>
      (await admin.fetchTopicOffsets(TOPICS.remediationEvents)).map((p) => `${p.partition}:${p.high}`).join(',');
    try {
      const before = await end();
      const unknown = randomUUID();
      const post = (id: string) =>
        api(
          url,
          'POST',
          `/v1/remediations/${id}/feedback`,
          { verdict: 'rejected', reason: 'not mine' },
          { token: READ.a },
        );
      const foreign = await post(made.b.proposalId);
      const missing = await post(unknown);
      expect(foreign.status).to.equal(404);
      expect(JSON.stringify(foreign.body).replaceAll(made.b.proposalId, '<id>')).to.equal(
        JSON.stringify(missing.body).replaceAll(unknown, '<id>'),
      );
      expect(await end(), 'nothing published to the remediation topic').to.equal(before);
      // The control: B's own token may give feedback on it (and that is published).
      expect(
        (
          await api(
            url,
            'POST',
            `/v1/remediations/${made.b.proposalId}/feedback`,
            { verdict: 'accepted' },
            { token: READ.b },
          )
        ).status,
      ).to.equal(202);
      expect(await end()).not.to.equal(before);
    } finally {
      await admin.disconnect();
    }
  });

  it('the stream never sends B’s events to A — unfiltered, filtered on B, or on B’s pipeline — and B’s event ids resume nothing', async () => {
    const a = listen(`${url}/v1/stream`, READ.a, 4000);
    const onB = listen(`${url}/v1/stream?project=${encodeURIComponent(B)}`, READ.a, 4000);
    const onPipeline = listen(`${url}/v1/stream?pipeline=${made.b.pipelineId}`, READ.a, 4000);
    const bWatching = listen(`${url}/v1/stream?pipeline=${made.b.pipelineId}`, READ.b, 4000);
    await new Promise((r) => setTimeout(r, 500));
    // B's pipeline moves on: a job retried by hand.
    const retried = await api(
      ingest.url,
      'POST',
      `/v1/pipelines/${made.b.pipelineId}/jobs/unit/retry?wait=20000`,
      { project_id: B },
      { token: INGEST_TOKENS.all },
    );
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
    const [all, filtered, pipeline, control] = await Promise.all([a, onB, onPipeline, bWatching]);
    for (const [name, r] of [
      ['unfiltered', all],
      [`?project=${B}`, filtered],
      ['?pipeline=<B’s>', pipeline],
    ] as const) {
      expect(r.status, name).to.equal(200);
      expect(
        r.events.filter((e) => e.data?.includes(B) || e.data?.includes(made.b.pipelineId)),
        name,
      ).to.deep.equal([]);
    }
    expect(filtered.events).to.deep.equal([]);
    expect(
      control.events.some((e) => e.data?.includes(made.b.pipelineId)),
      'B’s own token saw the retry',
    ).to.equal(true);

    // Resuming after one of B's events: the same `reset` as after an id nobody has, and none of B's events.
    const resumeFromB = await listen(`${url}/v1/stream`, READ.a, 1500, made.b.eventIds[0]);
    const resumeFromNothing = await listen(`${url}/v1/stream`, READ.a, 1500, '99:999999999');
    expect(resumeFromB.events.map((e) => e.event)).to.deep.equal(resumeFromNothing.events.map((e) => e.event));
    expect(resumeFromB.events.map((e) => e.event)).to.deep.equal(['reset']);
    // The control: A resuming after its own event gets what followed, no reset.
    const resumeFromA = await listen(
      `${url}/v1/stream?pipeline=${made.a.pipelineId}`,
      READ.a,
      1500,
      made.a.eventIds[0],
    );
    expect(resumeFromA.events.map((e) => e.event)).not.to.include('reset');
    expect(resumeFromA.events.length).to.equal(made.a.eventIds.length - 1);
  });
});
