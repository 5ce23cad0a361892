// GET /v1/stream: a client receives pipeline and job changes as they happen, and after a reconnect
// with Last-Event-ID gets what it missed, without loss.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery } from '../../services/run/query/main.js';
import { api, startDeciderForTest, startIngestForTest, TOKEN_SPEC, TOKENS } from '../support/services.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE client over fetch: collects events until `until` holds or the timeout passes. */
async function sse(
  url: string,
  token: string,
  opts: { lastEventId?: string; until: (events: SseEvent[]) => boolean; timeoutMs?: number },
): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  if (res.status !== 200) return { status: res.status, events };
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 30_000);
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: SseEvent = {};
        for (const line of block.split('\n')) {
          const m = /^(id|event|data): ?(.*)$/.exec(line);
          if (m) e[m[1] as keyof SseEvent] = m[2];
        }
        if (e.data !== undefined || e.event) events.push(e);
      }
      if (opts.until(events)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: 200, events };
}

describe('live updates over SSE (real Kafka)', function () {
  this.timeout(120_000);
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let query: Awaited<ReturnType<typeof startQuery>>;
  let url: string;
  before(async () => {
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    query = await startQuery(
      loadQueryConfig({ ...process.env, QUERY_PORT: '0', QUERY_TOKENS: TOKEN_SPEC, LOG_LEVEL: 'warn' }),
    );
    url = `http://127.0.0.1:${query.port}`;
    // The stream's consumer starts at the end of the topic: wait until it has joined.
    for (let i = 0; i < 100 && (await fetch(`${url}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));
  });
  after(async () => {
    await query?.stop();
    await ingest?.stop();
    await decider?.stop();
  });

  it('streams a job change within the test, and resumes after a reconnect without loss', async () => {
    const id = randomUUID();
    const forMe = (e: SseEvent) => e.data?.includes(id) ?? false;
    const first = sse(`${url}/v1/stream?project=test/alpha`, TOKENS.alpha, {
      until: (es) => es.some((e) => forMe(e) && e.event === 'JobEnqueued'),
    });
    await new Promise((r) => setTimeout(r, 500)); // the client is attached
    const created = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        pipeline_id: id,
        project_id: 'test/alpha',
        ref: 'main',
        sha: 'f1b2c3d4e5f6',
        definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
      },
      { token: TOKENS.alpha },
    );
    expect(created.status).to.equal(200);
    const got = (await first).events.filter(forMe);
    expect(got.map((e) => e.event)).to.include.members(['PipelineCreated', 'JobCreated', 'JobEnqueued']);
    const last = got.at(-1)!;
    expect(last.id).to.match(/^\d+:\d+$/);
    expect(JSON.parse(last.data!)).to.include({ pipeline_id: id, project_id: 'test/alpha' });

    // Disconnected: the job starts and succeeds meanwhile.
    await api(
      ingest.url,
      'POST',
      `/v1/pipelines/${id}/jobs/j/reports?wait=20000`,
      { project_id: 'test/alpha', status: 'running', runner_id: 'r' },
      { token: TOKENS.alpha },
    );
    await api(
      ingest.url,
      'POST',
      `/v1/pipelines/${id}/jobs/j/reports?wait=20000`,
      { project_id: 'test/alpha', status: 'success' },
      { token: TOKENS.alpha },
    );
    const resumed = await sse(`${url}/v1/stream?pipeline=${id}`, TOKENS.alpha, {
      lastEventId: last.id,
      until: (es) => es.some((e) => e.event === 'PipelineFinished'),
    });
    const types = resumed.events.filter(forMe).map((e) => e.event);
    expect(types).to.include.members(['JobStarted', 'JobSucceeded', 'PipelineFinished']);
    expect(types).to.not.include('PipelineCreated'); // nothing from before the resume point
    const seqs = resumed.events.filter(forMe).map((e) => JSON.parse(e.data!).seq as number);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).to.equal(JSON.parse(last.data!).seq + 1, 'the first resumed event follows the last one seen');
  });

  it('a token sees only its projects (another project → an empty stream, as for a project without events; events of other projects never sent)', async () => {
    const named = sse(`${url}/v1/stream?project=test/beta`, TOKENS.alpha, { until: () => false, timeoutMs: 4000 });
    const r = await api(url, 'GET', '/v1/stream?pipeline=nope', undefined, { token: TOKENS.all });
    expect(r.status).to.equal(400);
    expect(r.body.errors[0].pointer).to.equal('/query/pipeline');
    const other = randomUUID();
    const watching = sse(`${url}/v1/stream`, TOKENS.alpha, { until: () => false, timeoutMs: 4000 });
    // The same stream for a token of the pipeline's project: it is sent there, so its absence above means
    // it was withheld, not that nothing was streamed at all.
    const mine = (events: SseEvent[]) => events.filter((e) => e.data?.includes(other));
    const allowed = sse(`${url}/v1/stream`, TOKENS.beta, {
      until: (events) => mine(events).length > 0,
      timeoutMs: 30_000,
    });
    await new Promise((r2) => setTimeout(r2, 500));
    await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        pipeline_id: other,
        project_id: 'test/beta',
        ref: 'main',
        sha: 'f1b2c3d4e5f6',
        definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
      },
      { token: TOKENS.beta },
    );
    expect(mine((await allowed).events), "the pipeline's own project sees it").to.not.have.length(0);
    expect(mine((await watching).events)).to.have.length(0);
    const namedAnswer = await named;
    expect(namedAnswer.status).to.equal(200);
    expect(namedAnswer.events).to.have.length(0);
  });

  it('an unknown Last-Event-ID gets a reset event', async () => {
    const r = await sse(`${url}/v1/stream`, TOKENS.all, {
      lastEventId: '99:123456789',
      until: (es) => es.some((e) => e.event === 'reset'),
    });
    expect(r.events.map((e) => e.event)).to.include('reset');
  });
});
