// The OpenAPI 3.1 document of the query API, served at GET /openapi.json. Parameters come from the
// schemas the routes validate with (params.ts); response schemas are closed objects whose property
// lists are checked against present.ts at compile time (`satisfies`: openapi-pipelines.ts,
// openapi-remediations.ts), and the integration test validates real answers of every route against
// them, so the document cannot drift.
import type { QueryConfig } from './config.js';
import {
  bool,
  closed,
  ref,
  status,
  str,
  strOrNull,
  time,
  uuid,
  type Props,
  type Schema,
} from './openapi-primitives.js';
import {
  attemptProps,
  flakyProps,
  jobProps,
  pipelineLinkProps,
  pipelineProps,
  statsProps,
} from './openapi-pipelines.js';
import { holderProps, resourceGroupProps, waitingProps } from './openapi-resource-groups.js';
import { remediationProps, summaryProps } from './openapi-remediations.js';
import { paramSchemas } from './params.js';
import { ERROR_REFS, operation, parameters, problem, problemResponse } from './openapi-operation.js';
import { logOpenApi } from './openapi-logs.js';
import { scoreboardOpenApi } from './openapi-scoreboard.js';
import { healthOpenApi } from './openapi-health.js';
import { operationsOpenApi } from './openapi-operations.js';
import type { DagEdge, StageSummary } from './pipelines.js';
import { FEEDBACK_BODY } from './params.js';

/**
 * The feedback POST: a JSON body, 202 instead of 200 (the event is published, the read model follows), 503 when
 * disabled.
 */
function feedbackOperation(op: Schema): Schema {
  const { 200: accepted, ...responses } = op.responses as Record<string, Schema>;
  return {
    ...op,
    requestBody: { required: true, content: { 'application/json': { schema: FEEDBACK_BODY } } },
    responses: {
      202: { ...accepted, description: 'Accepted: published' },
      ...responses,
      413: problemResponse('Body larger than 16 KiB'),
      415: problemResponse(
        'A body whose Content-Type is not application/json (or an unsupported charset or encoding)',
        { Accept: { schema: str } },
      ),
      503: problemResponse('Feedback disabled on this instance', { 'Retry-After': { schema: str } }),
    },
  };
}

export function openApiDocument(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): Schema {
  const params = paramSchemas(config);
  // The dashboard's further routes, each described beside its route file.
  const more = [logOpenApi(config), scoreboardOpenApi(config), healthOpenApi(config), operationsOpenApi(config)];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Verity query API',
      version: '1.0.0',
      description:
        'Read models of the Verity CI control plane: pipelines (with their trigger links), jobs, resource groups, flaky jobs, project statistics and remediation proposals with their scores. ' +
        'Every /v1 route needs `Authorization: Bearer <read token>`; a token scoped to projects reads only those and never learns whether anything of another project exists: ' +
        "another project's pipeline, job, proposal or project path answers 404 exactly as a missing one, and a list, summary or stream filtered on another project is empty. " +
        'Errors are application/problem+json.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths: {
      ...Object.assign({}, ...more.map((m) => m.paths)),
      '/v1/pipelines': {
        get: operation({
          operationId: 'listPipelines',
          summary: 'Pipelines, newest first (created_at DESC, pipeline_id DESC), keyset-paginated by an opaque cursor',
          params: params.listPipelines,
          ok: ref('PipelineList'),
          errors: [400],
        }),
      },
      '/v1/pipelines/{id}': {
        get: operation({
          operationId: 'getPipeline',
          summary: 'A pipeline with its stages (composite status of their latest jobs), latest jobs and DAG edges',
          params: params.pipeline,
          ok: ref('PipelineDetail'),
          errors: [400, 404],
          etag: true,
        }),
      },
      '/v1/jobs/{id}': {
        get: operation({
          operationId: 'getJob',
          summary: 'A job attempt with its log excerpt and every attempt of the same job',
          params: params.job,
          ok: ref('JobDetail'),
          errors: [400, 404],
          etag: true,
        }),
      },
      '/v1/projects/{project}/flaky-jobs': {
        get: operation({
          operationId: 'listFlakyJobs',
          summary: 'Recent flaky jobs of a project (failed, then passed on retry with the same sha), newest first',
          params: params.flakyJobs,
          ok: ref('FlakyJobList'),
          errors: [400, 404],
        }),
      },
      '/v1/projects/{project}/stats': {
        get: operation({
          operationId: 'getProjectStats',
          summary: 'Pipeline count, success rate, duration and queue-time percentiles, flaky jobs over a window',
          params: params.stats,
          ok: ref('ProjectStats'),
          errors: [400, 404],
        }),
      },
      '/v1/projects/{project}/resource-groups/{group}': {
        get: operation({
          operationId: 'getResourceGroup',
          summary:
            'A resource group of a project: the job holding its resource (from its grant until it finishes) and the jobs waiting for it, longest waiting first, keyset-paginated by an opaque cursor',
          params: params.resourceGroup,
          ok: ref('ResourceGroup'),
          errors: [400, 404],
        }),
      },
      '/v1/remediations': {
        get: operation({
          operationId: 'listRemediations',
          summary:
            'Remediation proposals with their feedback and score, newest first (proposed_at DESC), keyset-paginated; shadow proposals only on request',
          params: params.remediations,
          ok: ref('RemediationList'),
          errors: [400],
        }),
      },
      '/v1/remediations/summary': {
        get: operation({
          operationId: 'getRemediationSummary',
          summary:
            'Quality per provider and prompt version over a window: precision per category (correct / scored), retry precision, acceptance from feedback, latency, tokens, cost, time to green, failures skipped by guard. ' +
            'Recall per category needs labelled categories: `verity experiment` reports it',
          params: params.remediationSummary,
          ok: ref('RemediationSummary'),
          errors: [400],
        }),
      },
      '/v1/remediations/{id}/feedback': {
        post: feedbackOperation(
          operation({
            operationId: 'giveRemediationFeedback',
            summary:
              'Accept or reject a proposal (published as RemediationFeedbackGiven; the read model shows it shortly after)',
            params: params.feedback,
            ok: ref('FeedbackAccepted'),
            errors: [400, 404],
          }),
        ),
      },
      '/v1/stream': {
        get: {
          operationId: 'stream',
          summary:
            'Server-Sent Events of pipeline and job changes (event name = event type, id = "<partition>:<offset>"), filtered by project or pipeline; ' +
            'resumable with Last-Event-ID, or a `reset` event when the missed events are no longer held (refetch with the list API)',
          security: [{ bearer: [] }],
          parameters: [
            ...parameters(params.stream, false),
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description:
                'id of the last event received: resume after it (only after an event this client could see; else a `reset` event)',
              schema: str,
            },
          ],
          responses: {
            200: { description: 'An event stream', content: { 'text/event-stream': { schema: str } } },
            400: { $ref: `#/components/responses/${ERROR_REFS[400]}` },
            401: { $ref: '#/components/responses/Unauthorized' },
            500: { $ref: '#/components/responses/InternalError' },
            503: {
              description: 'Live updates disabled, or too many clients',
              content: { 'application/problem+json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: {
            200: {
              description: 'OpenAPI 3.1 document',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness',
          responses: {
            200: { description: 'The process runs', content: { 'application/json': { schema: ref('Health') } } },
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: Postgres answers and the read-model views exist',
          responses: {
            200: { description: 'Ready', content: { 'application/json': { schema: ref('Health') } } },
            503: problemResponse('Not ready', { 'Retry-After': { schema: str } }),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Read token (QUERY_TOKENS / QUERY_TOKENS_FILE)' },
      },
      schemas: {
        ...Object.assign({}, ...more.map((m) => m.schemas)),
        Pipeline: closed(pipelineProps),
        PipelineList: closed({
          items: { type: 'array', items: ref('Pipeline') },
          next_cursor: { ...strOrNull, description: 'Pass as ?cursor= for the next page; null on the last page' },
        }),
        Stage: closed({ name: str, status, warnings: bool } satisfies Props<StageSummary>),
        DagEdge: closed({
          from: { ...str, description: 'The job needed' },
          to: { ...str, description: 'The job that needs it' },
        } satisfies Props<DagEdge>),
        Job: closed(jobProps),
        JobAttempt: closed(attemptProps),
        PipelineDetail: closed({
          ...pipelineProps,
          stages: { type: 'array', items: ref('Stage'), description: 'Stages that have jobs, in definition order' },
          jobs: { type: 'array', items: ref('Job'), description: 'Latest attempt of every job, by stage then name' },
          dag: {
            type: 'array',
            items: ref('DagEdge'),
            description: 'One edge per needs entry; jobs with needs null have none',
          },
          parent: {
            oneOf: [ref('PipelineLink'), { type: 'null' }],
            description: 'A downstream pipeline: the pipeline and trigger job that created it; null otherwise',
          },
          downstream: {
            type: 'array',
            items: ref('PipelineLink'),
            description: "The pipelines this pipeline's latest trigger jobs created, in the order of the jobs",
          },
        }),
        PipelineLink: closed(pipelineLinkProps),
        JobDetail: closed({
          ...jobProps,
          log_excerpt: { ...strOrNull, description: 'Redacted excerpt of the log (failed jobs)' },
          attempts: {
            type: 'array',
            items: ref('JobAttempt'),
            description: 'Every attempt of this job in its pipeline, oldest first',
          },
          proposals: {
            type: 'array',
            items: ref('Remediation'),
            description: 'Remediation proposals for this attempt (shadow ones hidden), newest first',
          },
        }),
        FlakyJob: closed(flakyProps),
        FlakyJobList: closed({ items: { type: 'array', items: ref('FlakyJob') } }),
        ResourceGroup: closed(resourceGroupProps),
        ResourceGroupHolder: closed(holderProps),
        ResourceGroupWaiter: closed(waitingProps),
        ProjectStats: closed(statsProps),
        Remediation: closed(remediationProps),
        RemediationList: closed({
          items: { type: 'array', items: ref('Remediation') },
          next_cursor: { ...strOrNull, description: 'Pass as ?cursor= for the next page; null on the last page' },
        }),
        RemediationSummary: closed({
          window: { type: 'string', pattern: '^[0-9]+d$' },
          since: time,
          providers: { type: 'array', items: closed(summaryProps) },
        }),
        FeedbackAccepted: closed({
          feedback_id: uuid,
          proposal_id: uuid,
          verdict: { type: 'string', enum: ['accepted', 'rejected'] },
        }),
        Health: closed({ status: { type: 'string', enum: ['ok', 'ready'] } }),
        Problem: problem,
      },
      responses: {
        BadRequest: problemResponse('A parameter is invalid; `errors` names each by JSON pointer'),
        Unauthorized: problemResponse('No or unknown read token', { 'WWW-Authenticate': { schema: str } }),
        NotFound: problemResponse('No such resource, or one of a project the token may not read (the same answer)'),
        InternalError: problemResponse('The request failed'),
      },
    },
  };
}
