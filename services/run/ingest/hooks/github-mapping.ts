// GitHub's webhooks as observations (issue 14): a pure mapping of `workflow_run` and `workflow_job`
// deliveries (X-GitHub-Event) to ObservePipeline records without their envelope. One Verity pipeline is one
// workflow run (its id); a re-run keeps the run id and gives its jobs new ids with run_attempt + 1, which is
// the job's attempt. The fields read are checked with Ajv first (a wrong one answers its JSON pointer);
// nothing here throws. The signature was checked on the raw bytes before (github-signature.ts). The objects
// are mapped as the import maps the REST API's (lib/core/observed/github-observation.ts).
import { clip, latest, MAX, type Opt } from '../../../lib/core/observed/fields.js';
import {
  githubExternal,
  githubJob,
  githubRunObservation,
  type GithubJobFields,
  type GithubRunFields,
} from '../../../lib/core/observed/github-observation.js';
import { observedId, type Observation } from '../../../lib/core/observed/ids.js';
import { githubRunStatus } from '../../../lib/core/observed/status-mapping.js';
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

// What the schemas above let through: the fields the mapping reads (absent, null or as checked).
type Repository = { full_name: string; html_url?: Opt<string> };
type RunHook = { repository: Repository; workflow_run: GithubRunFields };
type JobHook = { repository: Repository; sender?: Opt<{ login?: Opt<string> }>; workflow_job: GithubJobFields };

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
  if (githubRunStatus(run.status, run.conclusion ?? null) === null)
    return ignored(`workflow_run ${run.id}: ${unmapped(run.status, run.conclusion)} is not mapped`);
  const observedAt = latest(run.updated_at, run.run_started_at, run.created_at) ?? ctx.receivedAt;
  return { kind: 'observations', observations: [githubRunObservation(ctx.instance, run, observedAt, [])] };
}

function mapWorkflowJob(body: unknown, ctx: DeliveryContext): AdapterResult {
  if (!validateJob(body)) return firstError(validateJob.errors);
  const { repository, sender, workflow_job: job } = body;
  if (!repositoryMatches(repository.full_name, ctx.externalProject)) return otherRepository(repository, ctx);
  const observed = githubJob(ctx.instance, job, { user: sender?.login, fallbackAt: ctx.receivedAt });
  if (observed === null)
    return ignored(`workflow_job ${job.id}: ${unmapped(job.status, job.conclusion)} is not mapped`);
  // A job says of its run only what it shares with it: the branch, commit, workflow and attempt.
  const observation: Observation = {
    pipeline_id: observedId(ctx.instance, 'pipeline', job.run_id),
    system: 'github',
    external: githubExternal(ctx.instance, job.run_id, runPage(repository, job.run_id)),
    pipeline: {
      ref: clip(job.head_branch, MAX.ref),
      sha: job.head_sha ?? null,
      source: null,
      status: null,
      stages: null,
      name: clip(job.workflow_name, MAX.name),
      user: observed.user,
      created_at: null,
      finished_at: null,
      attempt: job.run_attempt ?? null,
      observed_at: observed.observed_at,
    },
    jobs: [observed],
  };
  return { kind: 'observations', observations: [observation] };
}

// ---- Helpers ----

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
