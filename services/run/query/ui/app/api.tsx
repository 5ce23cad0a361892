// The dashboard's reads: the query API's JSON routes, same origin, authenticated by the session cookie
// (the browser sends it; the page never sees a token). A 401 means the session ended: back to the login page.

/** A pipeline as GET /v1/pipelines lists it (docs/API.md), the fields the dashboard shows. */
export interface Pipeline {
  pipeline_id: string;
  project_id: string;
  ref: string;
  sha: string;
  source: string;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  last_seq: number;
  system: string;
  name: string | null;
  user: string | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Filters {
  project: string;
  ref: string;
  status: string;
  source: string;
  system: string;
}

export const NO_FILTERS: Filters = { project: '', ref: '', status: '', source: '', system: '' };

/** The statuses GET /v1/pipelines?status= takes (GitLab's) and who may have reported a pipeline: the server's lists. */
export { JOB_STATUSES as STATUSES } from '../../../../lib/core/pipeline/status.js';
export { PIPELINE_SYSTEMS as SYSTEMS } from '../../../../lib/core/observed/systems.js';

/** The event types of GET /v1/stream (ci.pipeline.events.v1). */
export const STREAM_EVENTS = [
  'DownstreamPipelineTriggered',
  'JobCanceled',
  'JobCanceling',
  'JobCreated',
  'JobDiverged',
  'JobEnqueued',
  'JobFailed',
  'JobLogAttached',
  'JobManualActionRequired',
  'JobObserved',
  'JobReopened',
  'JobRetried',
  'JobScheduled',
  'JobSkipped',
  'JobStarted',
  'JobSucceeded',
  'JobUnscheduled',
  'JobWaitingForResource',
  'PipelineCreated',
  'PipelineFinished',
  'PipelineObserved',
  'PipelineStatusChanged',
] as const;

/** What a stream event carries that the list uses. */
export interface StreamEvent {
  type: string;
  pipeline_id: string;
  project_id: string;
  seq?: number;
  to?: string;
  status?: string;
  duration_ms?: number;
}

export class SessionEnded extends Error {}

/** An answer other than 2xx (and 401, which is SessionEnded): its status, for pages that tell 404 apart. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET a JSON route of the query API with the session cookie; a 401 goes back to the login page. */
export async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (r.status === 401) {
    window.location.assign('/login');
    throw new SessionEnded('the session ended');
  }
  if (!r.ok) throw new HttpError(r.status, `${path} answered ${r.status}`);
  return (await r.json()) as T;
}

export function filterParams(filters: Filters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  return q;
}

export function listPipelines(filters: Filters, cursor: string | null, limit: number): Promise<Page<Pipeline>> {
  const q = filterParams(filters);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return getJson(`/v1/pipelines?${q}`);
}

/** One pipeline, or undefined when it is not there (yet, or not for this session's token). */
export async function getPipeline(id: string): Promise<Pipeline | undefined> {
  try {
    return await getJson<Pipeline>(`/v1/pipelines/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof SessionEnded) throw err;
    return undefined;
  }
}

export const matches = (p: Pipeline, f: Filters): boolean =>
  (!f.project || p.project_id === f.project) &&
  (!f.ref || p.ref === f.ref) &&
  (!f.status || p.status === f.status) &&
  (!f.source || p.source === f.source) &&
  (!f.system || p.system === f.system);
