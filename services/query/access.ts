// Read tokens: the same registry and format as ingest's producer tokens (services/platform/http/tokens.ts),
// configured by QUERY_TOKENS / QUERY_TOKENS_FILE. A token scoped to projects sees only those.
import type { Request } from 'express';
import { TokenRegistry, type ProducerToken } from '../platform/http/tokens.js';
import { HttpProblem } from '../platform/http/problem.js';

export type ReadToken = ProducerToken;

/** 401 (problem+json, WWW-Authenticate) without a known Bearer token. */
export function authenticate(tokens: TokenRegistry, req: Request): ReadToken {
  try {
    return tokens.authenticate(req.get('Authorization'));
  } catch (err) {
    // Same answer as ingest's, worded for readers.
    if (err instanceof HttpProblem && err.problem.status === 401) {
      throw new HttpProblem({ ...err.problem, detail: err.problem.detail?.replace('producer token', 'read token') }, err.headers);
    }
    throw err;
  }
}

/** 403 when the token may not read the project. */
export function authorizeProject(token: ReadToken, projectId: string): void {
  if (!TokenRegistry.allows(token, projectId)) {
    throw new HttpProblem({ title: 'Forbidden', status: 403, detail: `read token "${token.name}" may not read project "${projectId}"` });
  }
}

/** The projects a list may show: the token's, or undefined (every project) for a `*` token. */
export function visibleProjects(token: ReadToken): string[] | undefined {
  return token.projects.includes('*') ? undefined : token.projects;
}

export const notFound = (detail: string) => new HttpProblem({ title: 'Not Found', status: 404, detail });
