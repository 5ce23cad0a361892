// RFC 9457 problem details: every error answer of every Verity API is application/problem+json.
import type { Response } from 'express';
import type { FieldError } from '../schemas/ajv.js';

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  /** Bad fields, each named by its JSON pointer. */
  errors?: FieldError[];
  [extra: string]: unknown;
}

export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem({ title: 'Bad Request', status: 400, detail, ...(errors ? { errors } : {}) });

export const unavailable = (detail: string, retryAfterSeconds = 1) =>
  new HttpProblem({ title: 'Service Unavailable', status: 503, detail }, { 'Retry-After': String(retryAfterSeconds) });

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  res
    .status(problem.status)
    .set(headers)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', ...problem }));
}
