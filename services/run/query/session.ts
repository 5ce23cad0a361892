// Dashboard sessions (docs/DASHBOARD.md): a read token, checked once at login (POST /session), is exchanged
// for a random session id held in an HttpOnly, SameSite=Strict cookie. The id maps, in this process only,
// to the token's name and projects: the token itself is never in the cookie, a URL or the page. Sessions
// are bounded (the least recently used goes first) and expire; a restart of the query service ends them all.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { Lru } from '../../lib/platform/lru.js';
import type { ProducerToken as ReadToken } from '../../lib/platform/http/tokens.js';

export const SESSION_COOKIE = 'verity_session';
/** How long a session lasts after login (absolute, not sliding). */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions held at once; past that the least recently used is forgotten (its holder logs in again). */
export const SESSION_MAX = 10_000;

export class SessionStore {
  private readonly sessions: Lru<string, ReadToken>;

  constructor(
    max = SESSION_MAX,
    readonly ttlMs = SESSION_TTL_MS,
    now: () => number = Date.now,
  ) {
    this.sessions = new Lru(max, now);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A new session for the token: its id (43 base64url characters, 256 random bits). */
  open(token: ReadToken): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { name: token.name, projects: [...token.projects] }, this.ttlMs);
    return id;
  }

  /** The token of a live session; undefined when unknown, expired or malformed. */
  lookup(id: string | undefined): ReadToken | undefined {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    return this.sessions.get(id);
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }
}

/** The value of one cookie of the request's Cookie header (the first of that name), undefined when absent. */
export function cookieOf(req: Pick<Request, 'get'>, name: string): string | undefined {
  const header = req.get('Cookie');
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie attributes: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over HTTPS. */
function attributes(req: Request, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;
}

export function setSessionCookie(req: Request, res: Response, id: string, ttlMs: number): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${id}; ${attributes(req, Math.floor(ttlMs / 1000))}`);
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; ${attributes(req, 0)}`);
}
