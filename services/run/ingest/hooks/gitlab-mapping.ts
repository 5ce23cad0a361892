// GitLab webhooks → observations (issue 14): a pure mapping of the two deliveries Verity observes, `Pipeline
// Hook` and `Job Hook`, onto ObservePipeline records without their envelope; every other X-Gitlab-Event
// (Deployment Hook, Push Hook, Merge Request Hook, …) is ignored. Payload shapes: GitLab's "Webhook events"
// page (https://docs.gitlab.com/user/project/integrations/webhook_events/), fixtures in test/fixtures/hooks/gitlab/.
//
// Decisions:
// - A build whose status GitLab added after status-mapping.ts is dropped from `jobs`; the rest of the delivery
//   still counts (the build's own Job Hook, or a later Pipeline Hook, says it again). An unknown pipeline status
//   or Job Hook build status ignores the delivery.
// - A Pipeline Hook's builds do not say how often they were retried: attempt 1. Project hooks carry only the
//   latest build of each name (GitLab's DataBuilder::Pipeline `latest_builds`), so a retried job shows up as a
//   new build id (a new job_id) and only its Job Hook (`retries_count`) tells its real attempt.
// - The pipeline's observed_at is the latest of created_at, finished_at and its jobs' observed_at: retrying a
//   job of a finished pipeline clears finished_at, and the delivery must not look older than the last one.
// - A Job Hook says nothing current of the pipeline beyond ref, sha, name and user (commit.status may be
//   older than the last Pipeline Hook): status, stages and the pipeline's times stay null.
import type { ValidateFunction } from 'ajv';
import { latest, MAX, MAX_ITEMS, msOf } from '../../../lib/core/observed/fields.js';
import type { ObservedJob, ObservedPipelineFacts } from '../../../lib/core/observed/ids.js';
import { observedId } from '../../../lib/core/observed/ids.js';
import { gitlabJobStatus } from '../../../lib/core/observed/status-mapping.js';
import { createAjv, toFieldErrors } from '../../../lib/platform/schemas/ajv.js';
import { ignored, invalid, type AdapterResult, type DeliveryContext } from './adapter.js';

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)? ?(UTC|Z|[+-]\d{2}:?\d{2})$/;

/**
 * Every GitLab time as ISO 8601 UTC: hooks say "2016-08-12 15:23:28 UTC", Job Hooks of newer GitLab
 * "2021-02-23T02:41:37.886Z", deployments "2021-04-28 21:50:00 +0200". null: absent or not a real time.
 */
export function gitlabTime(value: string | null | undefined): string | null {
  const m = value == null ? null : TIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (h > 23 || mi > 59 || s > 59 || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  const zone = m[8] === 'UTC' || m[8] === 'Z' ? 'Z' : `${m[8]!.slice(0, 3)}:${m[8]!.slice(-2)}`;
  const t = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${zone}`);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

// ---- The payload fields read (and nothing else), validated before mapping. ----
const ajv = createAjv();
ajv.addFormat('gitlab-time', (s: string) => gitlabTime(s) !== null);
const id = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const text = { type: ['string', 'null'] };
const time = { type: ['string', 'null'], format: 'gitlab-time' };
const seconds = { type: ['number', 'null'], minimum: 0, maximum: 1e9 };
const sha = { type: ['string', 'null'], pattern: '^[0-9a-f]{7,64}$' };
const user = { type: ['object', 'null'], properties: { username: text } };
const runner = { type: ['object', 'null'], properties: { id: { type: ['integer', 'null'] }, description: text } };
const path = { type: 'string', minLength: 1 };
/** A GitLab job's own fields: a Pipeline Hook's `builds[]` say them as they are, a Job Hook prefixes `build_`. */
const jobFields = {
  id,
  name: { type: 'string', minLength: 1 },
  stage: text,
  status: { type: 'string' },
  failure_reason: text,
  allow_failure: { type: 'boolean' },
  created_at: time,
  started_at: time,
  finished_at: time,
  duration: seconds,
  queued_duration: seconds,
};
const build = { type: 'object', required: ['id', 'name', 'status'], properties: { ...jobFields, runner, user } };
const prefixed = Object.fromEntries(Object.entries(jobFields).map(([k, v]) => [`build_${k}`, v]));
const validatePipelineHook = ajv.compile({
  type: 'object',
  required: ['object_kind', 'object_attributes', 'project'],
  properties: {
    object_kind: { const: 'pipeline' },
    object_attributes: {
      type: 'object',
      required: ['id', 'status'],
      properties: {
        id,
        ref: text,
        sha,
        source: text,
        status: { type: 'string' },
        name: text,
        url: text,
        created_at: time,
        finished_at: time,
        stages: { type: ['array', 'null'], items: { type: 'string' } },
      },
    },
    user,
    project: { type: 'object', required: ['id', 'path_with_namespace'], properties: { id, path_with_namespace: path } },
    builds: { type: 'array', maxItems: MAX_ITEMS.jobs, items: build },
  },
});
const validateJobHook = ajv.compile({
  type: 'object',
  required: ['object_kind', 'build_id', 'build_name', 'build_status', 'pipeline_id', 'project_id'],
  properties: {
    object_kind: { const: 'build' },
    ref: text,
    sha,
    checkout_sha: sha,
    source: text,
    ...prefixed,
    retries_count: { type: ['integer', 'null'], minimum: 0, maximum: 1e6 },
    pipeline_id: id,
    project_id: id,
    project: { type: 'object', properties: { path_with_namespace: path } },
    commit: { type: ['object', 'null'], properties: { name: text } },
    user,
    runner,
  },
});

type Text = string | null | undefined;
type Seconds = number | null | undefined;
type User = { username?: Text };
type Runner = { id?: number | null; description?: Text };
interface JobFields {
  id: number;
  name: string;
  stage?: Text;
  status: string;
  failure_reason?: Text;
  allow_failure?: boolean;
  created_at?: Text;
  started_at?: Text;
  finished_at?: Text;
  duration?: Seconds;
  queued_duration?: Seconds;
}
type Build = JobFields & { runner?: Runner | null; user?: User | null };
interface PipelineHook {
  object_attributes: {
    id: number;
    ref?: Text;
    sha?: Text;
    source?: Text;
    status: string;
    stages?: string[] | null;
    name?: Text;
    url?: Text;
    created_at?: Text;
    finished_at?: Text;
  };
  user?: User | null;
  project: { id: number; path_with_namespace: string };
  builds?: Build[];
}
type JobHook = { [K in keyof JobFields as `build_${K}`]: JobFields[K] } & {
  ref?: Text;
  sha?: Text;
  checkout_sha?: Text;
  source?: Text;
  retries_count?: number | null;
  pipeline_id: number;
  project_id: number;
  project?: { path_with_namespace?: string };
  commit?: { name?: Text } | null;
  user?: User | null;
  runner?: Runner | null;
};

/** A Job Hook's build under a Pipeline Hook build's field names (the one table of Job Hook job fields). */
const jobHookBuild = (h: JobHook): Build => ({
  id: h.build_id,
  name: h.build_name,
  stage: h.build_stage,
  status: h.build_status,
  failure_reason: h.build_failure_reason,
  allow_failure: h.build_allow_failure,
  runner: h.runner,
  user: h.user,
  created_at: h.build_created_at,
  started_at: h.build_started_at,
  finished_at: h.build_finished_at,
  duration: h.build_duration,
  queued_duration: h.build_queued_duration,
});

// ---- Mapping. ----
/** A string bounded to its schema's maxLength (in code points, as JSON Schema counts); '' and absent: null. */
function cut(s: Text, max: number): string | null {
  if (s == null || s === '') return null;
  return s.length <= max ? s : Array.from(s).slice(0, max).join('');
}
const link = (ctx: DeliveryContext, path: string | null, kind: 'pipelines' | 'jobs', externalId: number) =>
  path === null ? null : cut(`${ctx.instance.replace(/\/+$/, '')}/${path}/-/${kind}/${externalId}`, MAX.url);

/** One GitLab build as an observed job; null when its status is not one status-mapping.ts knows. */
function toJob(b: Build, attempt: number, ctx: DeliveryContext, path: string | null): ObservedJob | null {
  const observed = gitlabJobStatus(b.status, b.failure_reason ?? null);
  if (observed === null) return null;
  const [created, started, finished] = [gitlabTime(b.created_at), gitlabTime(b.started_at), gitlabTime(b.finished_at)];
  return {
    job_id: observedId(ctx.instance, 'job', b.id),
    external_id: String(b.id),
    url: link(ctx, path, 'jobs', b.id),
    name: cut(b.name, MAX.job)!,
    stage: cut(b.stage, MAX.stage),
    status: observed.status,
    failure_reason: observed.failure ? (cut(b.failure_reason, MAX.reason) ?? observed.failure.failure_reason) : null,
    allow_failure: b.allow_failure ?? false,
    attempt,
    runner: cut(b.runner?.description, MAX.runner) ?? (b.runner?.id == null ? null : String(b.runner.id)),
    user: cut(b.user?.username, MAX.user),
    queued_at: null,
    started_at: started,
    finished_at: finished,
    duration_ms: msOf(b.duration),
    queued_duration_ms: msOf(b.queued_duration),
    exit_code: null,
    steps: null,
    needs: null,
    observed_at: latest(created, started, finished) ?? ctx.receivedAt,
  };
}

type Facts = ObservedPipelineFacts;
function observation(ctx: DeliveryContext, id: number, url: string | null, pipeline: Facts, jobs: ObservedJob[]) {
  const external = { system: 'gitlab' as const, instance: cut(ctx.instance, MAX.instance)!, id: String(id), url };
  const pipeline_id = observedId(ctx.instance, 'pipeline', id);
  const result: AdapterResult = {
    kind: 'observations',
    observations: [{ pipeline_id, system: 'gitlab', external, pipeline, jobs }],
  };
  return result;
}

/** The connection's project (path_with_namespace, case-insensitive, or numeric id; `*` = any). */
function otherProject(ctx: DeliveryContext, projectId: number, path: string | null): AdapterResult | null {
  const want = ctx.externalProject.trim();
  if (want === '*' || want === String(projectId) || path?.toLowerCase() === want.toLowerCase()) return null;
  return invalid('/project', `project ${path ?? projectId} is not the connection's project ${want}`);
}

function mapPipelineHook(h: PipelineHook, ctx: DeliveryContext): AdapterResult {
  const a = h.object_attributes;
  const path = h.project.path_with_namespace;
  const refused = otherProject(ctx, h.project.id, path);
  if (refused) return refused;
  const status = gitlabJobStatus(a.status)?.status;
  if (status === undefined) return ignored(`unknown GitLab pipeline status ${JSON.stringify(a.status.slice(0, 64))}`);
  const jobs = (h.builds ?? []).flatMap((b) => toJob(b, 1, ctx, path) ?? []);
  const [created, finished] = [gitlabTime(a.created_at), gitlabTime(a.finished_at)];
  const url = cut(a.url, MAX.url) ?? link(ctx, path, 'pipelines', a.id);
  const facts: Facts = {
    ref: cut(a.ref, MAX.ref),
    sha: a.sha ?? null,
    source: cut(a.source, MAX.source),
    status,
    stages: a.stages == null ? null : a.stages.flatMap((s) => cut(s, MAX.stage) ?? []).slice(0, MAX_ITEMS.stages),
    name: cut(a.name, MAX.name),
    user: cut(h.user?.username, MAX.user),
    created_at: created,
    finished_at: finished,
    attempt: null,
    observed_at: latest(created, finished, ...jobs.map((j) => j.observed_at)) ?? ctx.receivedAt,
  };
  return observation(ctx, a.id, url, facts, jobs);
}

function mapJobHook(h: JobHook, ctx: DeliveryContext): AdapterResult {
  const path = h.project?.path_with_namespace ?? null;
  const refused = otherProject(ctx, h.project_id, path);
  if (refused) return refused;
  const job = toJob(jobHookBuild(h), (h.retries_count ?? 0) + 1, ctx, path);
  if (job === null) return ignored(`unknown GitLab job status ${JSON.stringify(h.build_status.slice(0, 64))}`);
  const facts: Facts = {
    ref: cut(h.ref, MAX.ref),
    sha: h.checkout_sha ?? h.sha ?? null,
    source: cut(h.source, MAX.source),
    status: null,
    stages: null,
    name: cut(h.commit?.name, MAX.name),
    user: cut(h.user?.username, MAX.user),
    created_at: null,
    finished_at: null,
    attempt: null,
    observed_at: job.observed_at,
  };
  return observation(ctx, h.pipeline_id, link(ctx, path, 'pipelines', h.pipeline_id), facts, [job]);
}

function checked<T>(validate: ValidateFunction, body: unknown, map: (hook: T) => AdapterResult): AdapterResult {
  if (validate(body)) return map(body as T);
  const [first] = toFieldErrors(validate.errors);
  return invalid(first?.pointer ?? '', first?.message ?? 'is not a GitLab hook payload');
}

/** One authenticated GitLab delivery; `event` is its X-Gitlab-Event header. Never throws. */
export function mapGitlabHook(event: string | undefined, body: unknown, ctx: DeliveryContext): AdapterResult {
  switch (event) {
    case 'Pipeline Hook':
      return checked(validatePipelineHook, body, (h: PipelineHook) => mapPipelineHook(h, ctx));
    case 'Job Hook':
      return checked(validateJobHook, body, (h: JobHook) => mapJobHook(h, ctx));
    case undefined:
    case '':
      return ignored('no X-Gitlab-Event header');
    default:
      return ignored(`GitLab ${JSON.stringify(event.slice(0, 100))} is not observed (only Pipeline Hook and Job Hook)`);
  }
}
