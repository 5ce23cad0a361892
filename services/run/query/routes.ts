// The query API (docs/API.md, "Query API"): read-only routes over the read models.
// Parameters are validated by Ajv (400 + JSON pointers), every /v1 route needs a read token (401)
// scoped to projects: another project's resource answers as a missing one (404) and a list filtered on
// another project is empty (access.ts). Errors are problem+json (platform/http), details carry weak
// ETags (304 on If-None-Match).
import { badRequest, HttpProblem } from '../../lib/platform/http/problem.js';
import { requireContentType, safeTextParams, strictUtf8 } from '../../lib/platform/http/request-guards.js';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { authenticate, mayRead, notFound, projectsOf, readable, requireProject, tokenOf } from './access.js';
import { logRoutes } from './logs.js';
import { operationsRoutes } from './operations.js';
import { scoreboardRoutes } from './scoreboard.js';
import { healthRoutes } from './health.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { notModified, proposalsVersion, weakEtag } from './etag.js';
import { flakyJobsQuery } from './flaky.js';
import { attemptsQuery, jobById } from './jobs.js';
import { openApiDocument } from './openapi.js';
import { FEEDBACK_BODY, paramParser, paramSchemas } from './params.js';
import { listRemediations, proposalById, remediationJson, remediationSummary } from './remediations.js';
import { check } from '../../lib/platform/http/validate.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { v7 as uuidv7 } from 'uuid';
import type { RemediationFeedbackGiven } from '../../lib/core/events/generated.js';
import { pipelineLinks } from './links.js';
import { assembleDetail, latestJobsQuery, listPipelines, pipelineById } from './pipelines.js';
import { attemptJson, flakyJson, jobJson, pipelineJson } from './present.js';
import { resourceGroupJson, resourceGroupQueue } from './resource-groups.js';
import { projectStats } from './stats.js';
import type { QueryDeps } from './deps.js';

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
  system?: string;
  created_after?: string;
  created_before?: string;
  limit?: number;
  cursor?: string;
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
    resourceGroup: paramParser<{ project: string; group: string }, { limit?: number; cursor?: string }>(
      schemas.resourceGroup,
    ),
    remediations: paramParser<object, RemediationQuery>(schemas.remediations),
    summary: paramParser<object, { project?: string; window?: string }>(schemas.remediationSummary),
    feedback: paramParser<{ id: string }, object>(schemas.feedback),
    stream: paramParser<object, { project?: string; pipeline?: string }>(schemas.stream),
  };
  const feedbackBody = createAjv().compile(FEEDBACK_BODY);
  const document = openApiDocument(config);

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.use('/v1', (req: Request, res: Response, next) => {
    res.locals.token = authenticate(deps.tokens, req, deps.sessions);
    next();
  });

  router.get('/v1/stream', (req, res) => {
    const { query } = parse.stream(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const pipeline = query.pipeline;
    if (!deps.stream)
      throw new HttpProblem(
        { title: 'Service Unavailable', status: 503, detail: 'live updates are not enabled on this instance' },
        { 'Retry-After': '5' },
      );
    const lastEventId = req.get('Last-Event-ID') ?? undefined;
    if (!deps.stream.attach(res, projects, pipeline?.toLowerCase(), lastEventId)) {
      throw new HttpProblem(
        { title: 'Service Unavailable', status: 503, detail: 'too many live-update clients' },
        { 'Retry-After': '5' },
      );
    }
  });

  router.get('/v1/pipelines', async (req, res) => {
    const { query } = parse.list(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const limit = query.limit ?? config.pageSizeDefault;
    const { rows, more } =
      projects?.length === 0
        ? { rows: [], more: false }
        : await listPipelines(db, tables, {
            projects,
            ref: query.ref,
            status: query.status,
            source: query.source,
            system: query.system,
            createdAfter: query.created_after,
            createdBefore: query.created_before,
            after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
            limit,
          });
    const last = rows.at(-1);
    res.json({
      items: rows.map(pipelineJson),
      next_cursor: more && last ? encodeCursor({ createdAt: last.createdAt, pipelineId: last.pipelineId }) : null,
    });
  });

  router.get('/v1/pipelines/:id', safeTextParams(), async (req, res) => {
    const id = parse.pipeline(req).path.id.toLowerCase();
    const token = tokenOf(res);
    const pipeline = readable(token, await pipelineById(db, tables, id));
    if (!pipeline) throw notFound(`no pipeline ${id}`);
    const latest = await latestJobsQuery(db, tables, id);
    const links = await pipelineLinks(db, tables, pipeline, latest, (project) => mayRead(token, project));
    // The pipeline's last_seq moves with every event of the pipeline, its jobs' included; the linked
    // pipelines' (parent, downstream) with their statuses.
    const etag = weakEtag(pipeline.pipelineId, pipeline.lastSeq, links.seqs);
    if (notModified(req, etag)) return void cacheHeaders(res, etag).status(304).end();
    const { stages, jobs, dag } = assembleDetail(pipeline.stages, latest);
    cacheHeaders(res, etag).json({
      ...pipelineJson(pipeline),
      stages,
      jobs: jobs.map(jobJson),
      dag,
      parent: links.parent,
      downstream: links.downstream,
    });
  });

  router.get('/v1/jobs/:id', safeTextParams(), async (req, res) => {
    const id = parse.job(req).path.id.toLowerCase();
    const job = readable(tokenOf(res), await jobById(db, tables, id));
    if (!job) throw notFound(`no job ${id}`);
    const attempts = await attemptsQuery(db, tables, job);
    // A retry changes the earlier attempts (retried) and adds one: the newest seq among them all.
    const proposals = await listRemediations(db, tables, { jobId: id, includeShadow: false, limit: 20 });
    const etag = weakEtag(job.jobId, Math.max(job.lastSeq, ...attempts.map((a) => a.lastSeq)), [
      proposalsVersion(proposals.rows),
    ]);
    if (notModified(req, etag)) return void cacheHeaders(res, etag).status(304).end();
    cacheHeaders(res, etag).json({
      ...jobJson(job),
      log_excerpt: job.logExcerpt,
      attempts: attempts.map(attemptJson),
      proposals: proposals.rows.map(remediationJson),
    });
  });

  router.get('/v1/projects/:project/flaky-jobs', safeTextParams(), async (req, res) => {
    const { path, query } = parse.flaky(req);
    requireProject(tokenOf(res), path.project);
    const rows = await flakyJobsQuery(db, tables, path.project, query.limit ?? config.pageSizeDefault);
    res.json({ items: rows.map(flakyJson) });
  });

  router.get('/v1/projects/:project/stats', safeTextParams(), async (req, res) => {
    const { path, query } = parse.stats(req);
    requireProject(tokenOf(res), path.project);
    const days = Number((query.window ?? '7d').slice(0, -1));
    res.json(await projectStats(db, tables, path.project, days));
  });

  router.get('/v1/projects/:project/resource-groups/:group', safeTextParams(), async (req, res) => {
    const { path, query } = parse.resourceGroup(req);
    requireProject(tokenOf(res), path.project);
    const limit = query.limit ?? config.pageSizeDefault;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const group = { projectId: path.project, group: path.group };
    const queue = await resourceGroupQueue(db, tables, { ...group, after, limit });
    // The cursor carries (waiting_for_resource_at, job_id) in the pipeline cursor's two fields.
    res.json(resourceGroupJson(group, queue, queue.next ? encodeCursor(queue.next) : null));
  });

  router.get('/v1/remediations', async (req, res) => {
    const { query } = parse.remediations(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const limit = query.limit ?? config.pageSizeDefault;
    const { rows, more } =
      projects?.length === 0
        ? { rows: [], more: false }
        : await listRemediations(db, tables, {
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
    res.json({
      items: rows.map(remediationJson),
      next_cursor: more && last ? encodeCursor({ createdAt: last.proposedAt, pipelineId: last.proposalId }) : null,
    });
  });

  router.get('/v1/remediations/summary', async (req, res) => {
    const { query } = parse.summary(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const days = Number((query.window ?? '30d').slice(0, -1));
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    res.json({
      window: `${days}d`,
      since,
      providers: projects?.length === 0 ? [] : await remediationSummary(db, tables, { projects, since }),
    });
  });

  router.post(
    '/v1/remediations/:id/feedback',
    safeTextParams(),
    requireContentType('application/json'),
    express.json({ limit: '16kb', type: () => true, verify: strictUtf8 }),
    async (req, res) => {
      const id = parse.feedback(req).path.id.toLowerCase();
      const body = check<{ verdict: 'accepted' | 'rejected'; reason?: string }>(feedbackBody, req.body, '/body');
      const token = tokenOf(res);
      const proposal = readable(token, await proposalById(db, tables, id));
      if (!proposal) throw notFound(`no proposal ${id}`);
      if (!deps.feedback)
        throw new HttpProblem(
          { title: 'Service Unavailable', status: 503, detail: 'feedback is not enabled on this instance' },
          { 'Retry-After': '30' },
        );
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
    },
  );

  // The dashboard's further reads (docs/DASHBOARD.md), each in its own file.
  logRoutes(router, deps);
  scoreboardRoutes(router, deps);
  healthRoutes(router, deps);
  operationsRoutes(router, deps);

  // The router's own 400 for a path segment that is not valid percent-encoding ("%E0%A4%A", a lone
  // "%"), with the pointer the other 400s carry.
  const malformedPath: ErrorRequestHandler = (err: { status?: number; message?: string }, _req, _res, next) => {
    if (err.status === 400 && typeof err.message === 'string' && err.message.startsWith('Failed to decode param')) {
      return next(
        badRequest(`${err.message}: a path segment is not valid percent-encoded UTF-8`, [
          { pointer: '/path', message: 'is not valid percent-encoded UTF-8' },
        ]),
      );
    }
    next(err);
  };
  router.use(malformedPath);

  return router;
}
