// CDEvents in (issue 14): a CDEvent (cdevents.dev, spec v0.4 and later) is a CloudEvent whose type is
// dev.cdevents.<subject>.<predicate>.<version> and whose data is {context, subject, customData?}. Verity reads
// five of them, any version 0.x: pipelinerun queued/started/finished and taskrun started/finished. Pure: the
// route authenticates, then parseCloudEvent (HTTP binary or structured mode) and mapCdevent; nothing throws.
//
// pipelineRun → the pipeline (observedId(instance, 'pipeline', subject.id)), no jobs:
//   status: queued → pending, started → running, finished by outcome: success → success, failure and error →
//   failed, cancel/canceled/cancelled → canceled (a pipeline has no failure reason field: error and failure
//   read the same; `errors` is not kept). ref: customData.ref or customData.git.ref when the sender gives one,
//   else the pipelineName (CDEvents has no git ref: runs of one pipeline group together as one ref would);
//   sha: customData.sha or customData.git.sha when it is a hex commit id, else null. name: pipelineName.
//   created_at: the time of a queued event; finished_at: of a finished one. stages: null (none listed);
//   source: external (CDEvents does not say what started a run).
// taskRun → one job of the pipeline content.pipelineRun.id (required): job_id observedId(instance, 'job',
//   subject.id), name: taskName (subject.id without it), stage 'tasks' (CDEvents has no stages), attempt 1;
//   started → running (started_at); finished by outcome: success → success, failure → failed script_failure,
//   error → failed with the raw reason `error` (the decider maps an unknown reason to unknown_failure and
//   keeps it raw), cancel → canceled (finished_at). The pipeline facts say nothing (status, ref, sha null).
// Times: observed_at is context.timestamp (the CloudEvent time the library fills in when ce-time is absent is
// not used), as ISO-8601 with milliseconds. A finished event without a known outcome is ignored (202), as is
// any other type. A connection bound to one external project accepts only events whose source is it.
import type { ErrorObject } from 'ajv';
import { CloudEvent, HTTP, type CloudEventV1 } from 'cloudevents';
import { observedId, type Observation, type ObservedJob } from '../../../lib/core/observed/ids.js';
import { createAjv, toFieldErrors } from '../../../lib/platform/schemas/ajv.js';
import { ignored, invalid, type AdapterResult, type DeliveryContext } from './adapter.js';

export type Invalid = { pointer: string; message: string };
export type ParsedCloudEvent = { event: CloudEvent<unknown> } | { invalid: Invalid };

const TYPE = /^dev\.cdevents\.(pipelinerun|taskrun)\.(queued|started|finished)\.0\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const READ = 'pipelinerun queued/started/finished and taskrun started/finished, version 0.x';

type JobStatus = ObservedJob['status'];
interface Outcome {
  status: JobStatus;
  /** A failed taskRun's reason as the decider reads it (a GitLab reason, else kept raw). */
  reason: string | null;
}
const CANCELED: Outcome = { status: 'canceled', reason: null };
const OUTCOMES: Readonly<Record<string, Outcome>> = {
  success: { status: 'success', reason: null },
  failure: { status: 'failed', reason: 'script_failure' },
  error: { status: 'failed', reason: 'error' },
  cancel: CANCELED,
  canceled: CANCELED,
  cancelled: CANCELED,
};

const text = (max: number) => ({ type: 'string', maxLength: max });
const id = { type: 'string', minLength: 1, maxLength: 255 };
const common = {
  pipelineName: text(1024),
  taskName: text(255),
  url: text(2048),
  outcome: text(64),
  errors: { type: 'string' },
  pipelineRun: { type: 'object', properties: { id, source: { type: 'string' } } },
};
/** The parts of a CDEvent Verity reads; anything else (links, chainId, later fields) is let through. */
const CDEVENT_SCHEMA = {
  type: 'object',
  required: ['context', 'subject'],
  properties: {
    context: {
      type: 'object',
      required: ['version', 'id', 'source', 'type', 'timestamp'],
      properties: {
        version: { type: 'string', minLength: 1, maxLength: 64 },
        id,
        source: { type: 'string', minLength: 1, maxLength: 2048 },
        type: { type: 'string', minLength: 1, maxLength: 255 },
        timestamp: { type: 'string', format: 'date-time' },
      },
    },
    subject: {
      type: 'object',
      required: ['id', 'content'],
      properties: {
        id,
        source: { type: 'string' },
        type: { type: 'string' },
        content: { type: 'object', properties: common },
      },
    },
  },
};

interface CdeventData {
  context: { version: string; id: string; source: string; type: string; timestamp: string };
  subject: {
    id: string;
    content: {
      pipelineName?: string;
      taskName?: string;
      url?: string;
      outcome?: string;
      pipelineRun?: { id?: string };
    };
  };
  customData?: unknown;
}

const validate = createAjv().compile<CdeventData>(CDEVENT_SCHEMA);

/** A CloudEvent from an HTTP request: binary mode (ce-* headers, the body is the data) or structured mode. */
export function parseCloudEvent(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): ParsedCloudEvent {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const media = flat['content-type']?.split(';')[0]?.trim().toLowerCase();
  // The library matches content types exactly: a charset in another spelling must not make the body opaque.
  if (media === 'application/json' || media === 'application/cloudevents+json') flat['content-type'] = media;
  const binary = media !== 'application/cloudevents+json' && media !== 'application/cloudevents-batch+json';
  try {
    const parsed = HTTP.toEvent({ headers: flat, body: rawBody });
    if (Array.isArray(parsed))
      return {
        invalid: { pointer: '', message: 'a batch of CloudEvents is not accepted: send one event per request' },
      };
    if (!(parsed instanceof CloudEvent)) return { invalid: { pointer: '', message: 'not a CloudEvent' } };
    if (parsed.specversion !== '1.0') {
      const pointer = binary ? '/headers/ce-specversion' : '/specversion';
      return {
        invalid: { pointer, message: `CloudEvents ${String(parsed.specversion)} is not read: CDEvents are 1.0` },
      };
    }
    parsed.validate();
    return { event: parsed };
  } catch (err) {
    return { invalid: describe(err, binary) };
  }
}

function describe(err: unknown, binary: boolean): Invalid {
  const e = err as { message?: string; errors?: unknown };
  if (Array.isArray(e.errors) && e.errors.length > 0 && typeof e.errors[0] === 'object') {
    const [first] = toFieldErrors(e.errors as ErrorObject[]);
    const attr = first!.pointer.split('/')[1] ?? '';
    const pointer = attr === '' ? '' : binary ? `/headers/ce-${attr}` : `/${attr}`;
    return { pointer, message: `CloudEvent ${attr ? `attribute ${attr} ` : ''}${first!.message}` };
  }
  const message = e.message ?? String(err);
  if (err instanceof SyntaxError) return { pointer: '', message: `the body is not valid JSON: ${message}` };
  if (/no cloud event detected/i.test(message))
    return {
      pointer: '',
      message:
        'not a CloudEvent: send ce-id, ce-source, ce-type and ce-specversion headers (binary mode) ' +
        'or Content-Type application/cloudevents+json (structured mode)',
    };
  return { pointer: '', message: `not a valid CloudEvent: ${message.split('\n')[0]}` };
}

/** The data of the event as JSON: the library leaves it a string (or bytes) for a content type it does not parse. */
function dataOf(event: CloudEventV1<unknown>): unknown {
  const data = event.data;
  if (typeof data === 'object' && data !== null && !ArrayBuffer.isView(data)) return data;
  const raw =
    typeof data === 'string'
      ? data
      : ArrayBuffer.isView(data)
        ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
        : undefined;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function mapCdevent(event: CloudEventV1<unknown>, ctx: DeliveryContext): AdapterResult {
  try {
    return map(event, ctx);
  } catch (err) {
    return invalid('', `the CDEvent could not be read: ${(err as Error)?.message ?? String(err)}`);
  }
}

function map(event: CloudEventV1<unknown>, ctx: DeliveryContext): AdapterResult {
  const m = TYPE.exec(event.type);
  if (!m) return ignored(`CloudEvent type ${event.type} is not a CDEvent Verity reads (${READ})`);
  const [, subject, predicate] = m as unknown as [string, 'pipelinerun' | 'taskrun', 'queued' | 'started' | 'finished'];
  if (subject === 'taskrun' && predicate === 'queued')
    return ignored(`CDEvent type ${event.type} is not one Verity reads (${READ})`);
  const data = dataOf(event);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return invalid('', 'the CloudEvent data is not a CDEvent: a JSON object with context and subject');
  if (!validate(data)) {
    const [first] = toFieldErrors(validate.errors);
    return invalid(first?.pointer ?? '', first?.message ?? 'is not a CDEvent');
  }
  if (data.context.type !== event.type)
    return invalid('/context/type', `is ${data.context.type}, but the CloudEvent type is ${event.type}`);
  if (ctx.externalProject !== '*' && data.context.source !== ctx.externalProject)
    return invalid('/context/source', `is not the source this connection accepts (${ctx.externalProject})`);
  const ms = Date.parse(data.context.timestamp);
  if (Number.isNaN(ms)) return invalid('/context/timestamp', 'is not a time');
  const at = new Date(ms).toISOString();
  const content = data.subject.content;
  let outcome: Outcome | null = null;
  if (predicate === 'finished') {
    const raw = content.outcome?.trim().toLowerCase() ?? '';
    outcome = Object.hasOwn(OUTCOMES, raw) ? OUTCOMES[raw]! : null;
    if (!outcome)
      return ignored(
        raw === '' ? `${event.type} without an outcome` : `${event.type} with an outcome Verity does not know: ${raw}`,
      );
  }
  const url = content.url || null;
  if (subject === 'pipelinerun') {
    const name = content.pipelineName || null;
    const git = gitOf(data.customData);
    const status: JobStatus =
      predicate === 'queued' ? 'pending' : predicate === 'started' ? 'running' : outcome!.status;
    const observation: Observation = {
      pipeline_id: observedId(ctx.instance, 'pipeline', data.subject.id),
      system: 'cdevents',
      external: { system: 'cdevents', instance: ctx.instance, id: data.subject.id, url },
      pipeline: {
        ref: git.ref ?? name,
        sha: git.sha,
        source: 'external',
        status,
        stages: null,
        name,
        user: null,
        created_at: predicate === 'queued' ? at : null,
        finished_at: predicate === 'finished' ? at : null,
        attempt: null,
        observed_at: at,
      },
      jobs: [],
    };
    return { kind: 'observations', observations: [observation] };
  }
  const pipelineRun = content.pipelineRun?.id;
  if (!pipelineRun)
    return invalid('/subject/content/pipelineRun/id', 'is required: the pipelineRun this taskRun belongs to');
  const job: ObservedJob = {
    job_id: observedId(ctx.instance, 'job', data.subject.id),
    external_id: data.subject.id,
    url,
    name: content.taskName || data.subject.id,
    stage: 'tasks',
    status: outcome ? outcome.status : 'running',
    failure_reason: outcome?.reason ?? null,
    allow_failure: false,
    attempt: 1,
    runner: null,
    user: null,
    queued_at: null,
    started_at: predicate === 'started' ? at : null,
    finished_at: predicate === 'finished' ? at : null,
    duration_ms: null,
    queued_duration_ms: null,
    exit_code: null,
    observed_at: at,
  };
  const observation: Observation = {
    pipeline_id: observedId(ctx.instance, 'pipeline', pipelineRun),
    system: 'cdevents',
    external: { system: 'cdevents', instance: ctx.instance, id: pipelineRun, url: null },
    pipeline: {
      ref: null,
      sha: null,
      source: null,
      status: null,
      stages: null,
      name: null,
      user: null,
      created_at: null,
      finished_at: null,
      attempt: null,
      observed_at: at,
    },
    jobs: [job],
  };
  return { kind: 'observations', observations: [observation] };
}

/** A git ref and commit the sender put in customData (`ref`/`sha`, or under `git`); what does not fit is left out. */
function gitOf(customData: unknown): { ref: string | null; sha: string | null } {
  const obj = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const top = obj(customData);
  const git = obj(top.git);
  const ref = [top.ref, git.ref].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1024);
  const sha = [top.sha, git.sha]
    .map((v) => (typeof v === 'string' ? v.toLowerCase() : ''))
    .find((v) => /^[0-9a-f]{7,64}$/.test(v));
  return { ref: ref ?? null, sha: sha ?? null };
}
