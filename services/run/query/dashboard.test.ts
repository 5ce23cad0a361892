import { expect } from 'chai';
import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishHttpApp, listen, type Listening } from '../../lib/platform/http/app.js';
import { createLogger } from '../../lib/platform/log.js';
import { TokenRegistry } from '../../lib/platform/http/tokens.js';
import { authenticate } from './access.js';
import { CSP, dashboardRouter } from './dashboard.js';
import { cookieOf, SessionStore } from './session.js';
import type { UiManifest } from './ui/build.js';

const ALPHA = 'alpha-token-0123456789abcdef';
const tokens = TokenRegistry.fromConfig(`alpha:${ALPHA}:test/alpha`, undefined);

describe('query: dashboard sessions', () => {
  it('a session stands for its token until it expires, is closed or is pushed out by newer ones', () => {
    let now = 0;
    const store = new SessionStore(2, 1000, () => now);
    const a = store.open({ name: 'alpha', projects: ['test/alpha'] });
    expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(store.lookup(a)).to.deep.equal({ name: 'alpha', projects: ['test/alpha'] });
    expect(store.lookup('x'.repeat(43))).to.equal(undefined);
    expect(store.lookup('not a session id')).to.equal(undefined);
    now = 1000;
    expect(store.lookup(a), 'expired').to.equal(undefined);
    const b = store.open({ name: 'b', projects: ['*'] });
    store.open({ name: 'c', projects: ['*'] });
    store.open({ name: 'd', projects: ['*'] });
    expect(store.lookup(b), 'bounded: the oldest went').to.equal(undefined);
    expect(store.size).to.equal(2);
    const e = store.open({ name: 'e', projects: ['*'] });
    store.close(e);
    expect(store.lookup(e)).to.equal(undefined);
  });

  it('reads one cookie of the Cookie header', () => {
    const req = (cookie?: string) => ({ get: (h: string) => (h === 'Cookie' ? cookie : undefined) }) as never;
    expect(cookieOf(req('a=1; verity_session=abc; b=2'), 'verity_session')).to.equal('abc');
    expect(cookieOf(req('verity_sessionx=1'), 'verity_session')).to.equal(undefined);
    expect(cookieOf(req(undefined), 'verity_session')).to.equal(undefined);
  });

  it('the /v1 routes take a session cookie for its token, and a Bearer token before it', () => {
    const sessions = new SessionStore();
    const id = sessions.open({ name: 'alpha', projects: ['test/alpha'] });
    const req = (headers: Record<string, string>) =>
      ({ get: (h: string) => headers[h] ?? headers[h.toLowerCase()] }) as never;
    expect(authenticate(tokens, req({ Cookie: `verity_session=${id}` }), sessions).name).to.equal('alpha');
    expect(() => authenticate(tokens, req({ Cookie: `verity_session=${id}` }))).to.throw(/read token/);
    expect(() =>
      authenticate(
        tokens,
        req({ Cookie: `verity_session=${id}`, Authorization: 'Bearer nope-nope-nope-nope' }),
        sessions,
      ),
    ).to.throw(/unknown read token/);
    expect(() => authenticate(tokens, req({ Cookie: 'verity_session=forged' }), sessions)).to.throw(/read token/);
  });
});

describe('query: dashboard routes (login, session cookie, CSP, assets)', () => {
  let server: Listening;
  let base: string;
  let dir: string;
  const manifest: UiManifest = {
    js: 'main.TEST1234.js',
    css: 'main.TEST5678.css',
    assets: ['main.TEST1234.js', 'main.TEST5678.css', 'chunk.TEST9999.js'],
    source: 'test',
    jsBytes: 9,
    jsGzipBytes: 9,
    allJsGzipBytes: 18,
  };

  before(async () => {
    // Under a dot directory, as the real build (.data/ui).
    dir = join(mkdtempSync(join(tmpdir(), 'verity-ui-')), '.data');
    mkdirSync(dir);
    writeFileSync(join(dir, manifest.js), 'void 0;\n');
    writeFileSync(join(dir, manifest.css), 'body{}\n');
    writeFileSync(join(dir, 'chunk.TEST9999.js'), 'export {};\n');
    const app = express();
    app.use(dashboardRouter({ tokens, sessions: new SessionStore(), manifest, assetDir: dir }));
    finishHttpApp(app, createLogger('test', 'silent'));
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  const login = (body: string, type = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}) =>
    fetch(`${base}/session`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': type, ...headers },
      redirect: 'manual',
    });

  it('the login page: a form posting to /session, a CSP without unsafe-inline, never cached', async () => {
    const r = await fetch(`${base}/login`);
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-security-policy')).to.equal(CSP);
    expect(CSP).to.not.include('unsafe-inline');
    expect(CSP).to.include("frame-ancestors 'none'");
    expect(r.headers.get('cache-control')).to.equal('no-store');
    const html = await r.text();
    expect(html).to.include('action="/session"').and.include(`/assets/${manifest.css}`);
    expect(html).to.not.include('<script');
  });

  it('/ without a session goes to the login page', async () => {
    const r = await fetch(`${base}/`, { redirect: 'manual' });
    expect(r.status).to.equal(303);
    expect(r.headers.get('location')).to.equal('/login');
  });

  it('a wrong token: 401, the login page says so, no cookie', async () => {
    const r = await login('token=not-a-known-token-at-all');
    expect(r.status).to.equal(401);
    expect(r.headers.get('set-cookie')).to.equal(null);
    expect(await r.text()).to.include('not known');
    const j = await login(JSON.stringify({ token: 'not-a-known-token-at-all' }), 'application/json');
    expect(j.status).to.equal(401);
    expect(j.headers.get('set-cookie')).to.equal(null);
  });

  it('a known token: an HttpOnly, SameSite=Strict session cookie that is not the token; the shell; logout ends it', async () => {
    const r = await login(`token=${ALPHA}`);
    expect(r.status).to.equal(303);
    expect(r.headers.get('location')).to.equal('/');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).to.match(/^verity_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(cookie).to.not.include(ALPHA);
    const pair = cookie.split(';')[0]!;
    const shell = await fetch(`${base}/`, { headers: { Cookie: pair } });
    expect(shell.status).to.equal(200);
    expect(shell.headers.get('content-security-policy')).to.equal(CSP);
    expect(await shell.text()).to.include(`<script type="module" src="/assets/${manifest.js}"></script>`);
    // Every page of the app is the same shell (the browser routes it); another path is not a page.
    for (const path of [
      '/pipelines/0190c9a4-5a1e-7000-8000-000000000001',
      '/jobs/x',
      '/ai',
      '/projects/a%2Fb',
      '/operations',
    ])
      expect((await fetch(`${base}${path}`, { headers: { Cookie: pair } })).status, path).to.equal(200);
    expect((await fetch(`${base}/nowhere`, { headers: { Cookie: pair } })).status).to.equal(404);
    const out = await fetch(`${base}/session/logout`, {
      method: 'POST',
      headers: { Cookie: pair },
      redirect: 'manual',
    });
    expect(out.status).to.equal(303);
    expect(out.headers.get('set-cookie')).to.match(/^verity_session=; .*Max-Age=0/);
    expect((await fetch(`${base}/`, { headers: { Cookie: pair }, redirect: 'manual' })).status).to.equal(303);
  });

  it('JSON login answers the token’s name and projects', async () => {
    const r = await login(JSON.stringify({ token: ALPHA }), 'application/json');
    expect(r.status).to.equal(200);
    expect(await r.json()).to.deep.equal({ name: 'alpha', projects: ['test/alpha'] });
    expect(r.headers.get('set-cookie')).to.match(/^verity_session=/);
  });

  it('a login posted from another origin is refused (403)', async () => {
    const r = await login(`token=${ALPHA}`, undefined, { Origin: 'https://evil.example' });
    expect(r.status).to.equal(403);
    expect(r.headers.get('set-cookie')).to.equal(null);
  });

  it('assets: the built files only, cached for a year', async () => {
    const r = await fetch(`${base}/assets/${manifest.js}`);
    expect(r.status).to.equal(200);
    expect(r.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(r.headers.get('content-type')).to.match(/javascript/);
    expect((await fetch(`${base}/assets/chunk.TEST9999.js`)).status, 'a lazily loaded page').to.equal(200);
    expect((await fetch(`${base}/assets/manifest.json`)).status).to.equal(404);
    expect((await fetch(`${base}/assets/..%2Fpasswd`)).status).to.equal(404);
  });
});
