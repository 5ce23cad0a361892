// Path and query parameters of the ingest routes: each bounded and pattern-checked, or a 400 naming it
// (/path/id, /path/jobId, /query/<name>). Repeated parameters and control characters are refused before
// (platform/http/request-guards.ts).
import type { Request } from 'express';
import { badRequest } from '../../lib/platform/http/problem.js';
import { check } from '../../lib/platform/http/validate.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { jobRef, logQuery, waitQuery } from './api-schemas.js';

const ajv = createAjv();
const validJob = ajv.compile(jobRef);
const validLogQuery = ajv.compile(logQuery);
const validWaitQuery = ajv.compile(waitQuery);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

/** {id}: a UUID, lower-cased. */
export function pipelineIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id))
    throw badRequest('the pipeline id must be a UUID', [{ pointer: '/path/id', message: 'must be a UUID' }]);
  return id.toLowerCase();
}

/** {job}: a job attempt id (UUID, lower-cased) or a job name of 1..255 characters. */
export function jobParam(req: Request): string {
  return parseJobRef(String(req.params.jobId), '/path/jobId');
}

export function parseJobRef(job: string, pointer: string): string {
  if (!validJob(job))
    throw badRequest('the job must be a job attempt id or a job name of 1 to 255 characters', [
      { pointer, message: 'must be a job id or a job name of 1 to 255 characters' },
    ]);
  return UUID.test(job) ? job.toLowerCase() : job;
}

/** ?wait=<ms>: absent → 0; otherwise decimal digits only (no sign, exponent, hex, spaces or fraction), ≤ max. */
export function waitParam(req: Request, max: number): number {
  const { wait } = check<{ wait?: string }>(validWaitQuery, { ...(req.query as object) }, '/query');
  if (wait === undefined) return 0;
  const n = Number(wait);
  if (n > max)
    throw badRequest(`?wait must be an integer number of milliseconds in [0, ${max}]`, [
      { pointer: '/query/wait', message: `must be an integer in [0, ${max}]` },
    ]);
  return n;
}

/** ?project_id= of a log upload (the only query parameter that route takes). */
export function logProjectParam(req: Request): string {
  return check<{ project_id: string }>(validLogQuery, { ...(req.query as object) }, '/query').project_id;
}

/** A route that takes no query parameter. */
export function noQuery(req: Request): void {
  const [name] = Object.keys(req.query as object);
  if (name !== undefined)
    throw badRequest(`unknown query parameter "${name}"`, [
      { pointer: `/query/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed' },
    ]);
}
