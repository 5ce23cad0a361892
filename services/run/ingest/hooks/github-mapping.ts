// GitHub's webhooks as observations (issue 14): a pure mapping of `workflow_run` and `workflow_job`
// deliveries (X-GitHub-Event) to ObservePipeline records without their envelope. One Verity pipeline is one
// workflow run (its id); a re-run keeps the run id and gives its jobs new ids with run_attempt + 1, which is
// the job's attempt. The fields read are checked with Ajv first (a wrong one answers its JSON pointer);
// nothing here throws. The signature was checked on the raw bytes before (github-signature.ts).
import { githubJobStatus } from '../../../lib/core/observed/status-mapping.js';
import { observedId, type Observation, type ObservedJob } from '../../../lib/core/observed/ids.js';
import type { JobStatus } from '../../../lib/core/pipeline/status.js';
import { createAjv, toFieldErrors } from '../../../lib/platform/schemas/ajv.js';
import { INSTANT_PATTERN, INT32_MAX, SAFE_TEXT_PATTERN } from '../../../lib/platform/schemas/safety.js';
import { ignored, invalid, type AdapterResult, type DeliveryContext } from './adapter.js';

// ---- What is read of a payload, and what it must be (everything else is not looked at) ----
// Strings carry no U+0000 or lone surrogate and instants are ones Postgres takes (platform/schemas/safety.ts),
// so the record always passes ingest's last check (record-check.ts); lengths are cut, not refused.
const text = { type: ['string', 'null'], pattern: SAFE_TEXT_PATTERN } as const;
const word = { type: 'string', minLength: 1, pattern: SAFE_TEXT_PATTERN } as const;
const instant = { type: ['string', 'null'], format: 'date-time', pattern: INSTANT_PATTERN } as const;
const githubId = { type: 'integer', minimum: 1 } as const;
const runAttempt = { type: ['integer', 'null'], minimum: 1, maximum: INT32_MAX } as const;
const sha = { type: ['string', 'null'], pattern: '^[0-9a-f]{7,64}$' } as const;
const account = { type: ['object', 'null'], properties: { login: text } } as const;
const repository = { type: 'object', required: ['full_name'], properties: { full_name: word, html_url: text } };
const common = { head_branch: text, head_sha: sha, html_url: text, run_attempt: runAttempt, status: word };

const ajv = createAjv();
const validateRun = ajv.compile<RunHook>({
  type: 'object',
  required: ['workflow_run', 'repository'],
  properties: {
    repository,
    workflow_run: {
      type: 'object',
      required: ['id', 'status'],
      properties: {
        ...common,
        ...{ id: githubId, conclusion: text, name: text, event: text, actor: account, triggering_actor: account },
        ...{ created_at: instant, run_started_at: instant, updated_at: instant },
      },
    },
  },
});
const step = {
  type: 'object',
  required: ['number', 'name', 'status'],
  properties: {
    ...{ number: { type: 'integer', minimum: 0, maximum: INT32_MAX }, name: word, status: word, conclusion: text },
    ...{ started_at: instant, completed_at: instant },
  },
};
const validateJob = ajv.compile<JobHook>({
  type: 'object',
  required: ['workflow_job', 'repository'],
  properties: {
    repository,
    sender: account,
    workflow_job: {
      type: 'object',
      required: ['id', 'run_id', 'name', 'status'],
      properties: {
        ...common,
        ...{ id: githubId, run_id: githubId, name: word, conclusion: text, workflow_name: text, runner_name: text },
        ...{ created_at: instant, started_at: instant, completed_at: instant },
        steps: { type: ['array', 'null'], items: step },
      },
    },
  },
});

// What the schemas above let through (`?: S`: absent, null or a string).
type Opt<T> = T | null | undefined;
type S = Opt<string>;
type Account = Opt<{ login?: S }>;
type Repository = { full_name: string; html_url?: S };
type Common = { status: string; conclusion?: S; head_branch?: S; head_sha?: S; html_url?: S } & Attempt;
type Attempt = { run_attempt?: number | null };
type RunFields = { id: number; name?: S; event?: S; actor?: Account; triggering_actor?: Account };
type RunTimes = { created_at?: S; run_started_at?: S; updated_at?: S };
type RunHook = { repository: Repository; workflow_run: Common & RunFields & RunTimes };
type JobFields = { id: number; run_id: number; name: string; workflow_name?: S; runner_name?: S } & Steps;
type Steps = { steps?: Step[] | null };
type JobTimes = { created_at?: S; started_at?: S; completed_at?: S };
type JobHook = { repository: Repository; sender?: Account; workflow_job: Common & JobFields & JobTimes };
type Step = { number: number; name: string; status: string; conclusion?: S } & JobStepTimes;
type JobStepTimes = { started_at?: S; completed_at?: S };

// ---- Tables ----

/** A run's status before it completes; a completed run reads by its conclusion, as a job's does. */
const RUN_STATUS: Readonly<Record<string, JobStatus>> = {
  requested: 'pending',
  queued: 'pending',
  waiting: 'pending',
  pending: 'pending',
  in_progress: 'running',
};

/** Job statuses before a runner took the job: GitHub's started_at is then a placeholder (= created_at). */
const NOT_STARTED: ReadonlySet<string> = new Set(['requested', 'queued', 'waiting', 'pending']);

/** The ObservePipeline schema's maxLength of each string copied; a longer value is cut (a URL is dropped). */
const MAX = { ref: 1024, source: 64, name: 1024, user: 255, job: 255, stage: 255, runner: 255, step: 1024, word: 64 };
const MAX_URL = 2048;
/** The schema's maxItems of jobs[].steps: the first ones are kept. */
const MAX_STEPS = 500;
/** The stage of a job whose payload does not name its workflow. */
const DEFAULT_STAGE = 'jobs';

/** The events Verity observes; every other one is acknowledged and ignored. */
const EVENTS: Readonly<Record<string, (body: unknown, ctx: DeliveryContext) => AdapterResult>> = {
  workflow_run: mapWorkflowRun,
  workflow_job: mapWorkflowJob,
  ping: (body) => ignored(`ping: hook ${hookId(body)} is set up`),
};

export function mapGithubHook(event: string, body: unknown, ctx: DeliveryContext): AdapterResult {
  if (!Object.hasOwn(EVENTS, event))
    return ignored(
      `${JSON.stringify(String(event).slice(0, 64))} events are not observed (only workflow_run, workflow_job)`,
    );
  return EVENTS[event]!(body, ctx);
}

function mapWorkflowRun(body: unknown, ctx: DeliveryContext): AdapterResult {
  if (!validateRun(body)) return firstError(validateRun.errors);
  const { repository, workflow_run: run } = body;
  if (!repositoryMatches(repository.full_name, ctx.externalProject)) return otherRepository(repository, ctx);
  const status = runStatus(run.status, run.conclusion ?? null);
  if (status === null) return ignored(`workflow_run ${run.id}: ${unmapped(run.status, run.conclusion)} is not mapped`);
  const observedAt = latest(run.updated_at, run.run_started_at, run.created_at) ?? ctx.receivedAt;
  const observation: Observation = {
    pipeline_id: observedId(ctx.instance, 'pipeline', run.id),
    system: 'github',
    external: external(ctx, run.id, run.html_url),
    pipeline: {
      ref: clip(run.head_branch, MAX.ref),
      sha: run.head_sha ?? null,
      source: clip(run.event, MAX.source),
      status,
      stages: null,
      name: clip(run.name, MAX.name),
      user: clip(run.actor?.login ?? run.triggering_actor?.login, MAX.user),
      created_at: iso(run.run_started_at ?? run.created_at),
      finished_at: run.status === 'completed' ? iso(run.updated_at) : null,
      attempt: run.run_attempt ?? null,
      observed_at: observedAt,
    },
    jobs: [],
  };
  return { kind: 'observations', observations: [observation] };
}

function mapWorkflowJob(body: unknown, ctx: DeliveryContext): AdapterResult {
  if (!validateJob(body)) return firstError(validateJob.errors);
  const { repository, sender, workflow_job: job } = body;
  if (!repositoryMatches(repository.full_name, ctx.externalProject)) return otherRepository(repository, ctx);
  const mapped = githubJobStatus(job.status, job.conclusion ?? null);
  if (mapped === null) return ignored(`workflow_job ${job.id}: ${unmapped(job.status, job.conclusion)} is not mapped`);
  const startedAt = NOT_STARTED.has(job.status) ? null : iso(job.started_at);
  const finishedAt = iso(job.completed_at);
  const observedAt = latest(job.created_at, job.started_at, job.completed_at) ?? ctx.receivedAt;
  const user = clip(sender?.login, MAX.user);
  const observed: ObservedJob = {
    job_id: observedId(ctx.instance, 'job', job.id),
    external_id: String(job.id),
    url: url(job.html_url),
    name: clip(job.name, MAX.job) ?? String(job.id),
    stage: clip(job.workflow_name, MAX.stage) ?? DEFAULT_STAGE,
    status: mapped.status,
    failure_reason: mapped.failure ? (mapped.failure.failure_reason_raw ?? mapped.failure.failure_reason) : null,
    allow_failure: false,
    attempt: job.run_attempt ?? 1,
    runner: clip(job.runner_name, MAX.runner),
    user,
    queued_at: iso(job.created_at),
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: span(startedAt, finishedAt),
    queued_duration_ms: span(iso(job.created_at), startedAt),
    exit_code: null,
    steps: (job.steps ?? []).slice(0, MAX_STEPS).map(mapStep),
    observed_at: observedAt,
  };
  const observation: Observation = {
    pipeline_id: observedId(ctx.instance, 'pipeline', job.run_id),
    system: 'github',
    external: external(ctx, job.run_id, runPage(repository, job.run_id)),
    pipeline: {
      ref: clip(job.head_branch, MAX.ref),
      sha: job.head_sha ?? null,
      source: null,
      status: null,
      stages: null,
      name: clip(job.workflow_name, MAX.name),
      user,
      created_at: null,
      finished_at: null,
      attempt: job.run_attempt ?? null,
      observed_at: observedAt,
    },
    jobs: [observed],
  };
  return { kind: 'observations', observations: [observation] };
}

const mapStep = (s: Step) => ({
  number: s.number,
  name: clip(s.name, MAX.step) ?? String(s.number),
  status: clip(s.status, MAX.word) ?? 'unknown',
  conclusion: clip(s.conclusion, MAX.word),
  started_at: iso(s.started_at),
  completed_at: iso(s.completed_at),
});

// ---- Helpers ----

function runStatus(status: string, conclusion: string | null): JobStatus | null {
  if (status === 'completed') return githubJobStatus(status, conclusion)?.status ?? null;
  return Object.hasOwn(RUN_STATUS, status) ? RUN_STATUS[status]! : null;
}

const external = (ctx: DeliveryContext, runId: number, page: Opt<string>): Observation['external'] => ({
  system: 'github',
  instance: ctx.instance,
  id: String(runId),
  url: url(page),
});

/** A job's run page, which workflow_job does not give (its html_url is the job's): the repository's runs/<id>. */
const runPage = (repository: Repository, runId: number) =>
  repository.html_url ? `${repository.html_url.replace(/\/+$/, '')}/actions/runs/${runId}` : null;

/** `*` is any repository, `owner/*` any of owner's; GitHub's names are case-insensitive. */
export function repositoryMatches(fullName: string, externalProject: string): boolean {
  const got = fullName.toLowerCase();
  const want = externalProject.trim().toLowerCase();
  if (want === '*') return true;
  if (want.endsWith('/*')) {
    const owner = want.slice(0, -1);
    return got.startsWith(owner) && got.length > owner.length && !got.slice(owner.length).includes('/');
  }
  return got === want;
}

const otherRepository = (repository: Repository, ctx: DeliveryContext) =>
  invalid(
    '/repository/full_name',
    `${repository.full_name} is not ${ctx.externalProject}, the connection's repository`,
  );

function firstError(errors: Parameters<typeof toFieldErrors>[0]): AdapterResult {
  const [first] = toFieldErrors(errors);
  return first ? invalid(first.pointer, first.message) : invalid('', 'is not a GitHub webhook payload');
}

const unmapped = (status: string, conclusion: Opt<string>) =>
  conclusion
    ? `status ${JSON.stringify(status)} with conclusion ${JSON.stringify(conclusion)}`
    : `status ${JSON.stringify(status)}`;

function hookId(body: unknown): string {
  const id = typeof body === 'object' && body !== null ? (body as { hook_id?: unknown }).hook_id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? String(id).slice(0, 64) : '(no hook_id)';
}

/** `s` cut to `max` UTF-16 units without splitting a surrogate pair; empty or absent is null. */
export function clip(s: Opt<string>, max: number): string | null {
  if (s === null || s === undefined || s === '') return null;
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A link longer than the schema allows is dropped, not cut (a cut URL leads elsewhere). */
const url = (s: Opt<string>): string | null => (s && s.length <= MAX_URL ? s : null);

/** An instant as UTC ISO-8601 with milliseconds, so that strings of one job compare in time order. */
function iso(s: Opt<string>): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

function latest(...instants: Opt<string>[]): string | null {
  let best: string | null = null;
  for (const s of instants) {
    const t = iso(s);
    if (t !== null && (best === null || Date.parse(t) > Date.parse(best))) best = t;
  }
  return best;
}

/** Milliseconds from `from` to `to`; null when either is missing, the clocks disagree or it exceeds int32. */
function span(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isInteger(ms) && ms >= 0 && ms <= INT32_MAX ? ms : null;
}
