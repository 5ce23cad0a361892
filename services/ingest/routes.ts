// The producer API (README "Ingest API"). Every body is validated by Ajv (400 + JSON pointers);
// nothing is written on any 4xx.
import express, { type Request, type Response, type Router } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { buildExcerpt } from '../core/logs/excerpt.js';
import { redactSecrets } from '../core/logs/redact.js';
import { sanitizeLog } from '../core/logs/sanitize.js';
import { badRequest } from '../platform/http/problem.js';
import { check } from '../platform/http/validate.js';
import type { LogStore } from '../platform/logstore/log-store.js';
import { createAjv } from '../platform/schemas/ajv.js';
import { commandBody, createPipelineBody, jobReportBody } from './api-schemas.js';
import { bulkHandler } from './bulk.js';
import type { IngestConfig } from './config.js';
import { requestHash } from './idempotency.js';
import { commandRecord, createPipelineRecord, jobReportRecord, type ApiCreatePipeline, type ApiJobReport } from './intake-records.js';
import { submit, type Answer, type SubmitDeps } from './submit.js';
import { TokenRegistry } from '../platform/http/tokens.js';

export interface IngestDeps extends SubmitDeps {
  config: IngestConfig;
  tokens: TokenRegistry;
  logStore: LogStore;
}

const ajv = createAjv();
export const validators = {
  create: ajv.compile(createPipelineBody),
  report: ajv.compile(jobReportBody),
  command: ajv.compile(commandBody),
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function pipelineIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw badRequest('the pipeline id must be a UUID', [{ pointer: '/path/id', message: 'must be a UUID' }]);
  return id.toLowerCase();
}

function waitParam(req: Request, max: number): number {
  const raw = req.query.wait;
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 0 || n > max) {
    throw badRequest(`?wait must be an integer number of milliseconds in [0, ${max}]`, [{ pointer: '/query/wait', message: `must be an integer in [0, ${max}]` }]);
  }
  return n;
}

const idemKey = (req: Request, body: { idempotency_key?: string }): string | null => {
  const h = req.get('Idempotency-Key');
  if (h !== undefined && (h.length === 0 || h.length > 255)) throw badRequest('Idempotency-Key must have 1 to 255 characters', [{ pointer: '/headers/idempotency-key', message: 'must have 1 to 255 characters' }]);
  return h ?? body.idempotency_key ?? null;
};
const correlation = (req: Request) => {
  const c = req.get('X-Correlation-Id');
  return c && UUID.test(c) ? c.toLowerCase() : null;
};

export function reply(res: Response, a: Answer): void {
  if (a.problem) res.status(a.status).type('application/problem+json').send(JSON.stringify(a.body));
  else res.status(a.status).json(a.body);
}

/** The excerpt a failed job's event carries: from the stored log if one was uploaded, else the tail sent. */
export async function excerptFor(deps: IngestDeps, pipelineId: string, job: string, tail: string | undefined, masked: string[] = []) {
  const stored = await deps.logStore.latest(pipelineId, job);
  let text: string | undefined;
  if (stored) text = (await deps.logStore.get(stored.ref))?.toString('utf8');
  else text = tail;
  if (text === undefined) return { log: null, excerpt: null };
  const excerpt = buildExcerpt(sanitizeLog(text)).text;
  return { log: stored ? { ref: stored.ref, bytes: stored.bytes, sha256: stored.sha256 } : null, excerpt: redactSecrets(excerpt, { maskedValues: masked }).text };
}

export function ingestRouter(deps: IngestDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: deps.config.bodyLimitBytes, type: () => true });
  const auth = (req: Request) => deps.tokens.authenticate(req.get('Authorization'));
  const base = (req: Request, projectId: string, pipelineId: string, body: { idempotency_key?: string; occurred_at?: string }) => ({
    token: auth(req),
    projectId,
    pipelineId,
    requestHash: requestHash(`${req.method} ${req.path}`, body),
    idempotencyKey: idemKey(req, body),
    correlationId: correlation(req),
    occurredAt: body.occurred_at,
    waitMs: waitParam(req, deps.config.waitMaxMs),
  });

  router.post('/v1/pipelines', json, async (req, res) => {
    auth(req); // 401 before any validation detail leaks
    const body = check<ApiCreatePipeline & { pipeline_id?: string; idempotency_key?: string; occurred_at?: string }>(validators.create, req.body);
    const pipelineId = body.pipeline_id?.toLowerCase() ?? uuidv7();
    reply(res, await submit(deps, { ...base(req, body.project_id, pipelineId, body), build: (c) => createPipelineRecord(body, c) }));
  });

  router.post('/v1/pipelines/:id/jobs/:jobId/reports', json, async (req, res) => {
    auth(req);
    const pipelineId = pipelineIdParam(req);
    const job = String(req.params.jobId);
    const body = check<ApiJobReport & { project_id: string; log_tail?: string; masked_values?: string[]; idempotency_key?: string; occurred_at?: string }>(validators.report, req.body);
    reply(
      res,
      await submit(deps, {
        ...base(req, body.project_id, pipelineId, body),
        build: async (c) => {
          const { log, excerpt } = body.status === 'failed' ? await excerptFor(deps, pipelineId, job, body.log_tail, body.masked_values) : { log: null, excerpt: null };
          return jobReportRecord(body, job, log, excerpt, c);
        },
      }),
    );
  });

  const command = (type: 'CancelPipeline' | 'RetryJob' | 'PlayJob') => async (req: Request, res: Response) => {
    auth(req);
    const pipelineId = pipelineIdParam(req);
    const body = check<{ project_id: string; idempotency_key?: string; occurred_at?: string }>(validators.command, req.body);
    const job = req.params.jobId === undefined ? undefined : String(req.params.jobId);
    reply(res, await submit(deps, { ...base(req, body.project_id, pipelineId, body), build: (c) => (type === 'CancelPipeline' ? commandRecord(type, c) : commandRecord(type, c, job!)) }));
  };
  router.post('/v1/pipelines/:id/cancel', json, command('CancelPipeline'));
  router.post('/v1/pipelines/:id/jobs/:jobId/retry', json, command('RetryJob'));
  router.post('/v1/pipelines/:id/jobs/:jobId/play', json, command('PlayJob'));

  router.put(
    '/v1/pipelines/:id/jobs/:jobId/log',
    express.raw({ limit: deps.config.logLimitBytes, type: () => true, inflate: true }),
    async (req, res) => {
      const token = auth(req);
      const pipelineId = pipelineIdParam(req);
      const projectId = typeof req.query.project_id === 'string' ? req.query.project_id : '';
      if (!projectId) throw badRequest('?project_id is required', [{ pointer: '/query/project_id', message: 'is required' }]);
      TokenRegistry.authorize(token, projectId);
      const masked = maskedValuesHeader(req.get('X-Masked-Values'));
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const redacted = Buffer.from(redactSecrets(data.toString('utf8'), { maskedValues: masked }).text, 'utf8');
      const stored = await deps.logStore.put({ pipelineId, projectId, job: String(req.params.jobId), data: redacted });
      res.status(stored.created ? 201 : 200).json({ ref: stored.ref, bytes: stored.bytes, sha256: stored.sha256 });
    },
  );

  router.post('/v1/reports\\:bulk', express.text({ limit: deps.config.bulkLimitBytes, type: () => true }), bulkHandler(deps));
  return router;
}

function maskedValuesHeader(h: string | undefined): string[] {
  if (!h) return [];
  try {
    const v = JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* fall through */
  }
  throw badRequest('X-Masked-Values must be base64 of a JSON array of strings', [{ pointer: '/headers/x-masked-values', message: 'must be base64 JSON array of strings' }]);
}
