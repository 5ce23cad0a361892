// The producer API (docs/API.md, "Ingest API"). Each route, in this order: the token (401), path and query
// parameters (400), the Content-Type (415), the body (413, 400 with JSON pointers), the project the
// token may write (403), the pipeline's owner (404, the same for another project's pipeline as for
// none) — and only then a write. Nothing is written on any 4xx but the decider's own 422 verdict
// (?wait), which comes after the report was durably recorded.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { badRequest } from '../../lib/platform/http/problem.js';
import { hasBody } from '../../lib/platform/http/request-checks.js';
import { requireContentType, safeTextParams, strictUtf8 } from '../../lib/platform/http/request-guards.js';
import { check } from '../../lib/platform/http/validate.js';
import { requireJob, requireOwner } from './access.js';
import { checkDefinition } from './definition-check.js';
import { bulkHandler, NDJSON_TYPES } from './bulk.js';
import { excerptFor, validators, type IngestDeps } from './deps.js';
import { requestHash } from './idempotency.js';
import {
  commandRecord,
  createPipelineRecord,
  definitionJobNames,
  isPipelineCommand,
  jobReportRecord,
  pipelineIdFor,
  type ApiCreatePipeline,
  type ApiJobReport,
  type JobCommand,
  type PipelineCommand,
  type PlayVariable,
} from './intake-records.js';
import { maskedValuesHeader } from './masked-values.js';
import { PlayedValues } from './played-values.js';
import { jobParam, logProjectParam, noQuery, pipelineIdParam, waitParam } from './params.js';
import { submit, type Answer } from './submit.js';
import { TokenRegistry, type ProducerToken } from '../../lib/platform/http/tokens.js';
import { redactSecrets } from '../../lib/core/logs/redact.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Content types of the log upload (optionally Content-Encoding: gzip, deflate or br). */
const LOG_TYPES = ['text/plain', 'application/octet-stream'];

const idemKey = (req: Request, body: { idempotency_key?: string }): string | null => {
  const h = req.get('Idempotency-Key');
  if (h !== undefined && (h.length === 0 || h.length > 255))
    throw badRequest('Idempotency-Key must have 1 to 255 characters', [
      { pointer: '/headers/idempotency-key', message: 'must have 1 to 255 characters' },
    ]);
  return h ?? body.idempotency_key ?? null;
};
const correlation = (req: Request) => {
  const c = req.get('X-Correlation-Id');
  return c && UUID.test(c) ? c.toLowerCase() : null;
};

function reply(res: Response, a: Answer): void {
  if (a.problem) res.status(a.status).type('application/problem+json').send(JSON.stringify(a.body));
  else res.status(a.status).json(a.body);
}

const token = (res: Response): ProducerToken => res.locals.token as ProducerToken;

export function ingestRouter(deps: IngestDeps): Router {
  const router = express.Router();
  /** Values of play variables, masked in this pipeline's later logs and excerpts (played-values.ts). */
  const played = new PlayedValues();
  /** 401 before anything else is looked at. */
  const authenticate: RequestHandler = (req, res, next) => {
    res.locals.token = deps.tokens.authenticate(req.get('Authorization'));
    next();
  };
  const parseJson = express.json({ limit: deps.config.bodyLimitBytes, type: () => true, verify: strictUtf8 });
  /** No body at all (no Transfer-Encoding, Content-Length absent or 0) stays undefined: 400 "must be an object". */
  const jsonBody: RequestHandler = (req, res, next) => {
    if (hasBody(req.headers)) return parseJson(req, res, next);
    req.body = undefined;
    next();
  };
  const json = [safeTextParams(), requireContentType('application/json'), jsonBody];
  const base = (
    req: Request,
    res: Response,
    waitMs: number,
    projectId: string,
    pipelineId: string,
    route: string,
    body: { idempotency_key?: string; occurred_at?: string },
  ) => ({
    token: token(res),
    projectId,
    pipelineId,
    requestHash: requestHash(route, body),
    idempotencyKey: idemKey(req, body),
    correlationId: correlation(req),
    occurredAt: body.occurred_at,
    waitMs,
  });

  router.post('/v1/pipelines', authenticate, ...json, async (req, res) => {
    const waitMs = waitParam(req, deps.config.waitMaxMs);
    const body = check<ApiCreatePipeline & { pipeline_id?: string; idempotency_key?: string; occurred_at?: string }>(
      validators.create,
      req.body,
    );
    const definition = checkDefinition(body.definition, body.project_id);
    const key = idemKey(req, body);
    const pipelineId = body.pipeline_id?.toLowerCase() ?? (key ? pipelineIdFor(body.project_id, key) : uuidv7());
    reply(
      res,
      await submit(deps, {
        ...base(req, res, waitMs, body.project_id, pipelineId, 'POST /v1/pipelines', body),
        // Reports name the compiled jobs: a matrix job's are its jobs' GitLab names.
        creates: { jobNames: definitionJobNames(definition) },
        build: (c) => createPipelineRecord(body, c, definition),
      }),
    );
  });

  router.post('/v1/pipelines/:id/jobs/:jobId/reports', authenticate, ...json, async (req, res) => {
    const pipelineId = pipelineIdParam(req);
    const job = jobParam(req);
    const waitMs = waitParam(req, deps.config.waitMaxMs);
    const body = check<
      ApiJobReport & {
        project_id: string;
        log_tail?: string;
        masked_values?: string[];
        idempotency_key?: string;
        occurred_at?: string;
      }
    >(validators.report, req.body);
    reply(
      res,
      await submit(deps, {
        ...base(req, res, waitMs, body.project_id, pipelineId, `POST ${pipelineId} ${job} reports`, body),
        job,
        build: async (c) => {
          const masked = [...(body.masked_values ?? []), ...played.of(body.project_id, pipelineId)];
          const { log, excerpt } =
            body.status === 'failed'
              ? await excerptFor(deps, body.project_id, pipelineId, job, body.log_tail, masked)
              : { log: null, excerpt: null };
          return jobReportRecord(body, job, log, excerpt, c);
        },
      }),
    );
  });

  // The user's commands: the same checks, idempotency and ?wait verdicts as a report. A play may carry the
  // variables of the run (validated by the PlayJob schema: 400 with /variables/<i>/key…); their values are
  // never logged, and are masked in the pipeline's later logs and excerpts.
  const command = (type: PipelineCommand | JobCommand) => async (req: Request, res: Response) => {
    const pipelineId = pipelineIdParam(req);
    const job = isPipelineCommand(type) ? undefined : jobParam(req);
    const waitMs = waitParam(req, deps.config.waitMaxMs);
    const body = check<{
      project_id: string;
      idempotency_key?: string;
      occurred_at?: string;
      variables?: PlayVariable[];
    }>(type === 'PlayJob' ? validators.play : validators.command, req.body);
    reply(
      res,
      await submit(deps, {
        ...base(req, res, waitMs, body.project_id, pipelineId, `POST ${pipelineId} ${job ?? ''} ${type}`, body),
        job,
        build: (c) => {
          if (job === undefined) return commandRecord(type as PipelineCommand, c);
          // Past every check (owner, job, key): from now on the values are masked in this pipeline's logs.
          played.remember(body.project_id, pipelineId, body.variables?.map((v) => v.value) ?? []);
          return commandRecord(type as JobCommand, c, job, body.variables);
        },
      }),
    );
  };
  router.post('/v1/pipelines/:id/cancel', authenticate, ...json, command('CancelPipeline'));
  router.post('/v1/pipelines/:id/retry', authenticate, ...json, command('RetryPipeline'));
  router.post('/v1/pipelines/:id/jobs/:jobId/cancel', authenticate, ...json, command('CancelJob'));
  router.post('/v1/pipelines/:id/jobs/:jobId/retry', authenticate, ...json, command('RetryJob'));
  router.post('/v1/pipelines/:id/jobs/:jobId/play', authenticate, ...json, command('PlayJob'));
  router.post('/v1/pipelines/:id/jobs/:jobId/unschedule', authenticate, ...json, command('UnscheduleJob'));

  // The log upload checks who may write where before it reads the body (up to INGEST_LOG_LIMIT_BYTES).
  const logTarget = async (req: Request, res: Response, next: NextFunction) => {
    const pipelineId = pipelineIdParam(req);
    const job = jobParam(req);
    const projectId = logProjectParam(req);
    const masked = maskedValuesHeader(req.get('X-Masked-Values'));
    TokenRegistry.authorize(token(res), projectId);
    await requireOwner(deps.directory, pipelineId, projectId);
    await requireJob(deps.directory, pipelineId, job);
    res.locals.log = { pipelineId, job, projectId, masked: [...masked, ...played.of(projectId, pipelineId)] };
    next();
  };
  router.put(
    '/v1/pipelines/:id/jobs/:jobId/log',
    authenticate,
    safeTextParams(),
    logTarget,
    requireContentType(...LOG_TYPES),
    express.raw({ limit: deps.config.logLimitBytes, type: () => true, inflate: true }),
    async (req, res) => {
      const { pipelineId, job, projectId, masked } = res.locals.log as {
        pipelineId: string;
        job: string;
        projectId: string;
        masked: string[];
      };
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const redacted = Buffer.from(redactSecrets(data.toString('utf8'), { maskedValues: masked }).text, 'utf8');
      const stored = await deps.logStore.put({ pipelineId, projectId, job, data: redacted });
      res.status(stored.created ? 201 : 200).json({ ref: stored.ref, bytes: stored.bytes, sha256: stored.sha256 });
    },
  );

  router.post(
    '/v1/reports\\:bulk',
    authenticate,
    (req, _res, next) => {
      noQuery(req);
      next();
    },
    requireContentType(...NDJSON_TYPES),
    express.text({ limit: deps.config.bulkLimitBytes, type: () => true, verify: strictUtf8 }),
    bulkHandler(deps, played),
  );
  return router;
}
