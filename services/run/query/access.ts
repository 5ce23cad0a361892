// Read tokens: the same registry and format as ingest's producer tokens (services/lib/platform/http/tokens.ts),
// configured by QUERY_TOKENS / QUERY_TOKENS_FILE. A token scoped to projects sees only those, and
// never learns whether anything of another project exists: a resource of another project answers
// exactly as one that does not exist (404, same detail), and a list filtered on another project is
// empty, as for a project without data. No route answers 403, except the operations routes (operations.ts):
// their data spans every project, so they need a token for every project (`*`) and answer 403 to a scoped one.
import type { Request, Response } from 'express';
import { TokenRegistry, type ProducerToken } from '../../lib/platform/http/tokens.js';
import { HttpProblem } from '../../lib/platform/http/problem.js';
import { cookieOf, SESSION_COOKIE, type SessionStore } from './session.js';

export type ReadToken = ProducerToken;

/** The token a /v1 request was authenticated with (set by the router's /v1 middleware). */
export const tokenOf = (res: Response): ReadToken => res.locals.token as ReadToken;

/**
 * 401 (problem+json, WWW-Authenticate) without a known Bearer token or, when `sessions` is given and the
 * request has no Authorization header, a live dashboard session cookie (session.ts): the same token, with
 * the same projects.
 */
export function authenticate(tokens: TokenRegistry, req: Request, sessions?: SessionStore): ReadToken {
  if (sessions && req.get('Authorization') === undefined) {
    const session = sessions.lookup(cookieOf(req, SESSION_COOKIE));
    if (session) return session;
  }
  try {
    return tokens.authenticate(req.get('Authorization'));
  } catch (err) {
    // Same answer as ingest's, worded for readers.
    if (err instanceof HttpProblem && err.problem.status === 401) {
      throw new HttpProblem(
        { ...err.problem, detail: err.problem.detail?.replace('producer token', 'read token') },
        err.headers,
      );
    }
    throw err;
  }
}

export const notFound = (detail: string) => new HttpProblem({ title: 'Not Found', status: 404, detail });

/** Whether the token may read the project. */
export const mayRead = (token: ReadToken, projectId: string): boolean => TokenRegistry.allows(token, projectId);

/**
 * The found row if the token may read its project; else undefined, so that the caller's 404 for
 * "none" covers "another project's" with the same answer.
 */
export function readable<T extends { projectId: string }>(token: ReadToken, row: T | undefined): T | undefined {
  return row && mayRead(token, row.projectId) ? row : undefined;
}

/** A project path (/v1/projects/{project}/…): 404 when the token may not read it, whether it exists or not. */
export function requireProject(token: ReadToken, projectId: string): void {
  if (!mayRead(token, projectId)) throw notFound(`no project ${projectId}`);
}

/**
 * The projects a list or stream shows: every project the token may read (undefined: every project),
 * narrowed to `project` when given. Another project's name narrows to none ([]): the list is empty,
 * exactly as for a project without data.
 */
export function projectsOf(token: ReadToken, project: string | undefined): string[] | undefined {
  if (project === undefined) return token.projects.includes('*') ? undefined : token.projects;
  return mayRead(token, project) ? [project] : [];
}
