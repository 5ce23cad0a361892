// The query API (README "Query API"): read-only routes over the read models. Parameters are validated
// by Ajv (400 + JSON pointers), every /v1 route needs a read token (401) scoped to the project (403),
// errors are problem+json (platform/http), details carry weak ETags (304 on If-None-Match).
import { badRequest, HttpProblem } from '../platform/http/problem.js';
import type { StreamHub } from './stream.js';
import express, { type Request, type Response, type Router } from 'express';
import type { Db } from '../platform/db/client.js';
import type { TokenRegistry } from '../platform/http/tokens.js';
import { authenticate, authorizeProject, notFound, visibleProjects, type ReadToken } from './access.js';
import type { QueryConfig } from './config.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { notModified, weakEtag } from './etag.js';
import { flakyJobsQuery } from './flaky.js';
import { attemptsQuery, jobById } from './jobs.js';
import { openApiDocument } from './openapi.js';
import { FEEDBACK_BODY, paramParser, paramSchemas } from './params.js';
import { listRemediations, proposalById, remediationJson, remediationSummary } from './remediations.js';
import { check } from '../platform/http/validate.js';
import { createAjv } from '../platform/schemas/ajv.js';
import { v7 as uuidv7 } from 'uuid';
import type { RemediationFeedbackGiven } from '../core/events/generated.js';
import { assembleDetail, latestJobsQuery, listPipelines, pipelineById } from './pipelines.js';
import { attemptJson, flakyJson, jobJson, pipelineJson } from './present.js';
import { projectStats } from './stats.js';
import type { ReadModel } from './tables.js';

export interface QueryDeps {
  /** Publishes explicit feedback on a proposal (RemediationFeedbackGiven); absent when disabled. */
  feedback?: (event: RemediationFeedbackGiven) => Promise<void>;
  /** Live updates (GET /v1/stream); absent when the service runs without Kafka. */
  stream?: StreamHub;
  config: QueryConfig;
  tokens: TokenRegistry;
  db: Db;
  /** The tables read: the `rm` views in service. */
  tables: ReadModel;
}

interface RemediationQuery {
  project?: string;
  provider?: string;
  prompt_version?: string;
  category?: string;
  label?: string;
  job_id?: string;
  include_shadow?: string;
  limit?: number;
  cursor?: string;
}

interface ListQuery {
  project?: string;
  ref?: string;
  status?: string;
  source?: string;
  created_after?: string;
  created_before?: string;
  limit?: number;
  cursor?: string;
}

const tokenOf = (res: Response): ReadToken => res.locals.token as ReadToken;

/** The projects a list shows: `project` if given (403 unless the token may read it), else all the token may read (undefined: every project). */
function projectsOf(token: ReadToken, project: string | undefined): string[] | undefined {
  if (project === undefined) return visibleProjects(token);
  authorizeProject(token, project);
  return [project];
}

/** ETag'd answers may be stored by the client but must be revalidated (they are per token). */
function cacheHeaders(res: Response, etag: string): Response {
  return res.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
}

export function queryRouter(deps: QueryDeps): Router {
  const { config, db, tables } = deps;
  const router = express.Router();
  const schemas = paramSchemas(config);
  const parse = {
    list: paramParser<object, ListQuery>(schemas.listPipelines),
    pipeline: paramParser<{ id: string }, object>(schemas.pipeline),
    job: paramParser<{ id: string }, object>(schemas.job),
    flaky: paramParser<{ project: string }, { limit?: number }>(schemas.flakyJobs),
    stats: paramParser<{ project: string }, { window?: string }>(schemas.stats),
    remediations: paramParser<object, RemediationQuery>(schemas.remediations),
    summary: paramParser<object, { project?: string; window?: string }>(schemas.remediationSummary),
    feedback: paramParser<{ id: string }, object>(schemas.feedback),
  };
  const feedbackBody = createAjv().compile(FEEDBACK_BODY);
  const document = openApiDocument(config);

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.use('/v1', (req: Request, res: Response, next) => {
    res.locals.token = authenticate(deps.tokens, req);
    next();
  });

  router.get('/v1/stream', (req, res) => {
    const token = tokenOf(res);
    const project = typeof req.query.project === 'string' ? req.query.project : undefined;
    const pipeline = typeof req.query.pipeline === 'string' ? req.query.pipeline : undefined;
    const unknown = Object.keys(req.query).filter((k) => k !== 'project' && k !== 'pipeline');
    if (unknown.length > 0) throw badRequest(`unknown query parameter ${unknown[0]}`, unknown.map((k) => ({ pointer: `/query/${k}`, message: 'is not allowed' })));
    if (pipeline !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(pipeline)) {
      throw badRequest('pipeline must be a UUID', [{ pointer: '/query/pipeline', message: 'must be a UUID' }]);
    }
    const projects = projectsOf(token, project);
    if (!deps.stream) throw new HttpProblem({ title: 'Service Unavailable', status: 503, detail: 'live updates are not enabled on this instance' }, { 'Retry-After': '5' });
    const lastEventId = req.get('Last-Event-ID') ?? undefined;
    if (!deps.stream.attach(res, projects, pipeline?.toLowerCase(), lastEventId)) {
      throw new HttpProblem({ title: 'Service Unavailable', status: 503, detail: 'too many live-update clients' }, { 'Retry-After': '5' });
    }
  });

  router.get('/v1/pipelines', async (req, res) => {
    const { query } = parse.list(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const limit = query.limit ?? config.pageSizeDefault;
    const { rows, more } = await listPipelines(db, tables, {
      projects,
      ref: query.ref,
      status: query.status,
      source: query.source,
      createdAfter: query.created_after,
      createdBefore: query.created_before,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit,
    });
    const last = rows.at(-1);
    res.json({ items: rows.map(pipelineJson), next_cursor: more && last ? encodeCursor({ createdAt: last.createdAt, pipelineId: last.pipelineId }) : null });
  });

  router.get('/v1/pipelines/:id', async (req, res) => {
    const id = parse.pipeline(req).path.id.toLowerCase();
    const pipeline = await pipelineById(db, tables, id);
    if (!pipeline) throw notFound(`no pipeline ${id}`);
    authorizeProject(tokenOf(res), pipeline.projectId);
    // The pipeline's last_seq moves with every event of the pipeline, its jobs' included.
    const etag = weakEtag(pipeline.pipelineId, pipeline.lastSeq);
    if (notModified(req, etag)) return void cacheHeaders(res, etag).status(304).end();
    const { stages, jobs, dag } = assembleDetail(pipeline.stages, await latestJobsQuery(db, tables, id));
    cacheHeaders(res, etag).json({ ...pipelineJson(pipeline), stages, jobs: jobs.map(jobJson), dag });
  });

  router.get('/v1/jobs/:id', async (req, res) => {
    const id = parse.job(req).path.id.toLowerCase();
    const job = await jobById(db, tables, id);
    if (!job) throw notFound(`no job ${id}`);
    authorizeProject(tokenOf(res), job.projectId);
    const attempts = await attemptsQuery(db, tables, job);
    // A retry changes the earlier attempts (retried) and adds one: the newest seq among them all.
    const etag = weakEtag(job.jobId, Math.max(job.lastSeq, ...attempts.map((a) => a.lastSeq)));
    if (notModified(req, etag)) return void cacheHeaders(res, etag).status(304).end();
    const proposals = await listRemediations(db, tables, { jobId: id, includeShadow: false, limit: 20 });
    cacheHeaders(res, etag).json({ ...jobJson(job), log_excerpt: job.logExcerpt, attempts: attempts.map(attemptJson), proposals: proposals.rows.map(remediationJson) });
  });

  router.get('/v1/projects/:project/flaky-jobs', async (req, res) => {
    const { path, query } = parse.flaky(req);
    authorizeProject(tokenOf(res), path.project);
    const rows = await flakyJobsQuery(db, tables, path.project, query.limit ?? config.pageSizeDefault);
    res.json({ items: rows.map(flakyJson) });
  });

  router.get('/v1/projects/:project/stats', async (req, res) => {
    const { path, query } = parse.stats(req);
    authorizeProject(tokenOf(res), path.project);
    const days = Number((query.window ?? '7d').slice(0, -1));
    res.json(await projectStats(db, tables, path.project, days));
  });

  router.get('/v1/remediations', async (req, res) => {
    const { query } = parse.remediations(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const limit = query.limit ?? config.pageSizeDefault;
    const { rows, more } = await listRemediations(db, tables, {
      projects,
      provider: query.provider,
      promptVersion: query.prompt_version,
      category: query.category,
      label: query.label,
      jobId: query.job_id?.toLowerCase(),
      includeShadow: query.include_shadow === 'true',
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit,
    });
    const last = rows.at(-1);
    // The cursor carries (proposed_at, proposal_id) in the pipeline cursor's two fields.
    res.json({ items: rows.map(remediationJson), next_cursor: more && last ? encodeCursor({ createdAt: last.proposedAt, pipelineId: last.proposalId }) : null });
  });

  router.get('/v1/remediations/summary', async (req, res) => {
    const { query } = parse.summary(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const days = Number((query.window ?? '30d').slice(0, -1));
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    res.json({ window: `${days}d`, since, providers: await remediationSummary(db, tables, { projects, since }) });
  });

  router.post('/v1/remediations/:id/feedback', express.json({ limit: '16kb', type: () => true }), async (req, res) => {
    const id = parse.feedback(req).path.id.toLowerCase();
    const body = check<{ verdict: 'accepted' | 'rejected'; reason?: string }>(feedbackBody, req.body, '/body');
    const proposal = await proposalById(db, tables, id);
    if (!proposal) throw notFound(`no proposal ${id}`);
    const token = tokenOf(res);
    authorizeProject(token, proposal.projectId);
    if (!deps.feedback) throw new HttpProblem({ title: 'Service Unavailable', status: 503, detail: 'feedback is not enabled on this instance' }, { 'Retry-After': '30' });
    const now = new Date().toISOString();
    const event: RemediationFeedbackGiven = {
      type: 'RemediationFeedbackGiven',
      event_id: uuidv7(),
      occurred_at: now,
      recorded_at: now,
      pipeline_id: proposal.pipelineId,
      project_id: proposal.projectId,
      correlation_id: proposal.proposalId,
      feedback_id: uuidv7(),
      proposal_id: proposal.proposalId,
      verdict: body.verdict,
      reason: body.reason ?? null,
      actor: token.name,
    };
    await deps.feedback(event);
    res.status(202).json({ feedback_id: event.feedback_id, proposal_id: event.proposal_id, verdict: event.verdict });
  });

  return router;
}
