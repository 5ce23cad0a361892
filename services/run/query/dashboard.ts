// The dashboard's routes (docs/DASHBOARD.md): the app shell at `/`, the login page, the session exchange,
// and the fingerprinted assets of the build (ui/build.ts). The pages' data comes from the /v1 routes,
// which take the session cookie in place of the Bearer token (access.ts). Every HTML answer carries a CSP
// without 'unsafe-inline' and is never cached; an asset is cached for a year (its name changes with it).
import express, { type Request, type Response, type Router } from 'express';
import { HttpProblem, sendProblem } from '../../lib/platform/http/problem.js';
import { strictUtf8 } from '../../lib/platform/http/request-guards.js';
import type { TokenRegistry } from '../../lib/platform/http/tokens.js';
import { clearSessionCookie, cookieOf, SESSION_COOKIE, setSessionCookie, type SessionStore } from './session.js';
import type { UiManifest } from './ui/build.js';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The paths of the app's pages, as express routes (the browser's router in ui/app/main.tsx has the same). */
export const APP_PATHS = ['/', '/pipelines/:id', '/jobs/:id', '/ai', '/projects/:project', '/operations'];

export interface DashboardDeps {
  tokens: TokenRegistry;
  sessions: SessionStore;
  /** The build to serve; undefined when it could not be built (the pages answer 503). */
  manifest: UiManifest | undefined;
  assetDir: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: Response, status: number, body: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // Not no-referrer: with it Chromium sends `Origin: null` on the login form's own post.
      'Referrer-Policy': 'same-origin',
    })
    .send(body);
}

function document(m: UiManifest, title: string, body: string, script: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${m.css}">
${script ? `<script type="module" src="/assets/${m.js}"></script>\n` : ''}</head>
<body>
${body}
</body>
</html>
`;
}

function loginPage(m: UiManifest, error?: string): string {
  return document(
    m,
    'Verity — log in',
    `<main class="login">
<h1>Verity</h1>
<p>Log in with a read token (<code>QUERY_TOKENS</code>). It is exchanged for a session cookie; the token is not kept in the browser.</p>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>\n` : ''}<form method="post" action="/session">
<label for="token">Read token
<input id="token" name="token" type="password" autocomplete="current-password" required minlength="16" maxlength="4096"${error ? ' aria-invalid="true" aria-describedby="login-error"' : ''} autofocus></label>
<button type="submit">Log in</button>
</form>
</main>`,
    false,
  );
}

/**
 * 403 when a form post comes from another origin (login CSRF). Browsers send Origin on every POST; a request
 * without one (curl, a test) is not a browser's cross-site post.
 */
function sameOrigin(req: Request): void {
  const origin = req.get('Origin');
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== req.get('Host'))
    throw new HttpProblem({ title: 'Forbidden', status: 403, detail: 'a session is opened from the dashboard only' });
}

export function dashboardRouter({ tokens, sessions, manifest, assetDir }: DashboardDeps): Router {
  const router = express.Router();
  const unavailable = (res: Response) =>
    sendProblem(
      res,
      { title: 'Service Unavailable', status: 503, detail: 'the dashboard is not built: run npm run build:ui' },
      { 'Retry-After': '30' },
    );
  const session = (req: Request) => sessions.lookup(cookieOf(req, SESSION_COOKIE));

  // The app's pages (ui/app/main.tsx routes them in the browser): the same shell for each.
  router.get(APP_PATHS, (req, res) => {
    if (!manifest) return unavailable(res);
    if (!session(req)) return void res.set('Cache-Control', 'no-store').redirect(303, '/login');
    page(res, 200, document(manifest, 'Verity', '<div id="app"></div>', true));
  });

  router.get('/login', (_req, res) => {
    if (!manifest) return unavailable(res);
    page(res, 200, loginPage(manifest));
  });

  router.post(
    '/session',
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 5, verify: strictUtf8 }),
    express.json({ limit: '8kb', verify: strictUtf8 }),
    (req, res) => {
      sameOrigin(req);
      const form = !req.is('application/json');
      const token = (req.body as { token?: unknown } | undefined)?.token;
      let read;
      try {
        if (typeof token !== 'string' || token.length === 0 || token.length > 4096 || /\s/.test(token))
          throw new Error('malformed');
        read = tokens.authenticate(`Bearer ${token}`);
      } catch {
        if (form && manifest) return page(res, 401, loginPage(manifest, 'That read token is not known. Try again.'));
        return sendProblem(res, { title: 'Unauthorized', status: 401, detail: 'unknown read token' });
      }
      sessions.close(cookieOf(req, SESSION_COOKIE));
      setSessionCookie(req, res, sessions.open(read), sessions.ttlMs);
      res.set('Cache-Control', 'no-store');
      if (form) return res.redirect(303, '/');
      res.json({ name: read.name, projects: read.projects });
    },
  );

  router.post('/session/logout', (req, res) => {
    sameOrigin(req);
    sessions.close(cookieOf(req, SESSION_COOKIE));
    clearSessionCookie(req, res);
    res.set('Cache-Control', 'no-store').redirect(303, '/login');
  });

  router.get('/assets/:file', (req, res) => {
    const file = req.params.file;
    if (!manifest?.assets.includes(file))
      return sendProblem(res, { title: 'Not Found', status: 404, detail: `no asset ${file}` });
    res.set({
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    // root: the dotfile rule applies below it only (the build lives under .data/).
    res.sendFile(file, { root: assetDir, dotfiles: 'deny', lastModified: false });
  });

  return router;
}
