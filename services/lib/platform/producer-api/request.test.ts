// The producer-API request function against recorded answers (test/support/replay-server.ts, no network):
// redirects without credentials to another host, 429/5xx retried after the server's wait or backoff, a body cut
// short resumed with Range, bounded attempts ending in a clear error, byte limits, timeouts. The clock is fake:
// waits are recorded, not slept, and pacing is counted in requests.
import { expect } from 'chai';
import { ReplayServer } from '../../../../test/support/replay-server.js';
import { ApiError } from './api-error.js';
import { apiRequest, type RequestPolicy } from './request.js';
import { TokenBucket, type Clock } from './token-bucket.js';

function fakeClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  const sleeps: number[] = [];
  let t = start;
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { clock, sleeps };
}

describe('producer API: the request function', () => {
  let server: ReplayServer;
  let clock: Clock;
  let sleeps: number[];
  const policy = (over: Partial<RequestPolicy> = {}): RequestPolicy => ({
    maxAttempts: 4,
    timeoutMs: 2000,
    limitBytes: 1 << 20,
    backoff: { baseMs: 100, maxMs: 10_000 },
    clock,
    random: () => 0.5,
    ...over,
  });
  const get = (path: string, over: Partial<RequestPolicy> = {}, keep: 'head' | 'tail' = 'head') =>
    apiRequest({ url: server.url + path, auth: { authorization: 'Bearer secret-token' }, keep }, policy(over));

  beforeEach(async () => {
    server = await ReplayServer.start();
    ({ clock, sleeps } = fakeClock());
  });
  afterEach(async () => server.close());

  it('follows a 302 to another host without the Authorization header', async () => {
    server.set('GET /repos/o/r/actions/jobs/7/logs', [
      { status: 302, redirect: { path: '/blob/7.txt?sig=abc', other: true } },
    ]);
    server.set('GET /blob/7.txt', [{ status: 200, body: 'the log\n' }]);
    const res = await get('/repos/o/r/actions/jobs/7/logs');
    expect(res.body.toString()).to.equal('the log\n');
    expect(res.url).to.equal(`${server.otherUrl}/blob/7.txt?sig=abc`);
    const [api, blob] = server.requests;
    expect(api!.origin).to.equal('main');
    expect(api!.headers.authorization).to.equal('Bearer secret-token');
    expect(blob!.origin).to.equal('other');
    expect(blob!.headers).not.to.have.property('authorization');
  });

  it('keeps the credentials on a redirect within the API host', async () => {
    server.set('GET /a', [{ status: 301, redirect: { path: '/b' } }]);
    server.set('GET /b', [{ status: 200, body: 'ok' }]);
    await get('/a');
    expect(server.to('/b')[0]!.headers.authorization).to.equal('Bearer secret-token');
  });

  it('waits what a 429 Retry-After asks (seconds), then takes the 200', async () => {
    server.set('GET /x', [
      { status: 429, headers: { 'retry-after': '3' }, body: { message: 'slow down' } },
      { status: 200, body: 'ok' },
    ]);
    const res = await get('/x');
    expect([res.status, res.attempts, res.body.toString()]).to.deep.equal([200, 2, 'ok']);
    expect(sleeps).to.deep.equal([3000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(clock.now() + 5000).toUTCString();
    server.set('GET /x', [
      { status: 503, headers: { 'retry-after': at } },
      { status: 200, body: 'ok' },
    ]);
    await get('/x');
    expect(sleeps).to.deep.equal([5000]);
  });

  it("waits for GitHub's rate-limit reset when x-ratelimit-remaining is 0 (403)", async () => {
    const reset = Math.floor(clock.now() / 1000) + 7;
    server.set('GET /x', [
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } },
      { status: 200, body: 'ok' },
    ]);
    const bucket = new TokenBucket(100, 100, clock);
    const res = await get('/x', { bucket });
    expect(res.attempts).to.equal(2);
    expect(sleeps[0]).to.equal(7000);
  });

  it('retries a 5xx after backoff with jitter, then succeeds', async () => {
    server.set('GET /x', [{ status: 502 }, { status: 500 }, { status: 200, body: 'ok' }]);
    const res = await get('/x');
    expect(res.attempts).to.equal(3);
    // Full jitter at random() = 0.5: half of 100 ms, then half of 200 ms.
    expect(sleeps).to.deep.equal([50, 100]);
  });

  it('gives up after maxAttempts with an error naming the URL, the attempts and the last answer', async () => {
    server.set('GET /x', [{ status: 503, body: { message: 'maintenance' } }]);
    const err = await get('/x', { maxAttempts: 3 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).message).to.equal(
      `GET ${server.url}/x: gave up after 3 attempts; last: 503 Service Unavailable ({"message":"maintenance"})`,
    );
    expect((err as ApiError).details).to.deep.include({ status: 503, attempts: 3, exhausted: true });
    expect(server.to('/x')).to.have.length(3);
  });

  it('does not retry a 404: one request, a final error', async () => {
    server.set('GET /x', [{ status: 404, body: { message: '404 Not found' } }]);
    const err = (await get('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.message).to.match(/404 Not Found \(\{"message":"404 Not found"\}\)$/);
    expect(err.details).to.deep.include({ status: 404, attempts: 1, exhausted: false });
    expect(server.requests).to.have.length(1);
  });

  it('gives up at once when the server asks to wait longer than the backoff allows', async () => {
    server.set('GET /x', [{ status: 429, headers: { 'retry-after': '3600' } }]);
    const err = (await get('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.message).to.match(/asks to wait 3600 s, more than the 10 s allowed/);
    expect(server.requests).to.have.length(1);
  });

  it('resumes a body cut short with a Range request where the server accepts ranges', async () => {
    const log = Buffer.from('line\n'.repeat(2000));
    server.set('GET /trace', [
      { status: 200, body: log, cutAfter: 3000, ranges: true },
      { status: 200, body: log, ranges: true },
    ]);
    const res = await get('/trace');
    expect(res.body.equals(log)).to.equal(true);
    expect(res.attempts).to.equal(2);
    const [first, second] = server.to('/trace');
    expect(first!.headers.range).to.equal(undefined);
    expect(second!.headers.range).to.equal('bytes=3000-');
    expect(second!.headers.authorization).to.equal('Bearer secret-token');
  });

  it('starts over when a body is cut short and the server takes no ranges', async () => {
    const log = Buffer.from('x'.repeat(5000));
    server.set('GET /trace', [
      { status: 200, body: log, cutAfter: 100 },
      { status: 200, body: log },
    ]);
    const res = await get('/trace');
    expect(res.body.equals(log)).to.equal(true);
    expect(server.to('/trace').map((r) => r.headers.range)).to.deep.equal([undefined, undefined]);
  });

  it('keeps the head or the tail of a body over the byte limit, marked truncated', async () => {
    server.set('GET /big', [{ status: 200, body: 'a'.repeat(1000) + 'THE END' }]);
    const head = await get('/big', { limitBytes: 10 });
    expect([head.body.toString(), head.truncated]).to.deep.equal(['aaaaaaaaaa', true]);
    const tail = await get('/big', { limitBytes: 10 }, 'tail');
    expect([tail.body.toString(), tail.truncated]).to.deep.equal(['aaaTHE END', true]);
    const whole = await get('/big', { limitBytes: 2000 });
    expect(whole.truncated).to.equal(false);
  });

  it('times a request out and retries it', async () => {
    server.set('GET /slow', [
      { status: 200, body: 'late', delayMs: 1000 },
      { status: 200, body: 'fast' },
    ]);
    const res = await get('/slow', { timeoutMs: 200 });
    expect([res.body.toString(), res.attempts]).to.deep.equal(['fast', 2]);
  });

  it('retries a refused connection, then reports it', async () => {
    const url = server.url;
    await server.close();
    const err = (await apiRequest({ url: `${url}/x` }, policy({ maxAttempts: 2 })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.message).to.match(/gave up after 2 attempts; last: .*ECONNREFUSED/);
    server = await ReplayServer.start();
  });

  it('paces requests by the token bucket: a burst, then one per 1/rate, counted in requests', async () => {
    server.set('GET /x', [{ status: 200, body: 'ok' }]);
    const seenAtSleep: number[] = [];
    const counting: Clock = {
      now: clock.now,
      sleep: async (ms) => {
        seenAtSleep.push(server.requests.length);
        await clock.sleep(ms);
      },
    };
    const paced = new TokenBucket(4, 2, counting);
    for (let i = 0; i < 6; i++) await get('/x', { bucket: paced });
    // Two went at once (the burst); each of the other four waited for one token (250 ms at 4/s).
    expect(seenAtSleep).to.deep.equal([2, 3, 4, 5]);
    expect(sleeps).to.deep.equal([250, 250, 250, 250]);
    expect(server.requests).to.have.length(6);
  });

  it('charges no token for the storage host a redirect leads to', async () => {
    server.set('GET /logs', [{ status: 302, redirect: { path: '/blob', other: true } }]);
    server.set('GET /blob', [{ status: 200, body: 'log' }]);
    const bucket = new TokenBucket(1, 1, clock);
    await get('/logs', { bucket });
    expect(sleeps).to.deep.equal([]);
  });
});
