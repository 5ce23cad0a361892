// Verity's canonical events as CDEvents (cdevents.dev spec v0.4: context version 0.4.1, event types 0.2.0), each
// a CloudEvent 1.0 whose data is the CDEvent. Pure; one canonical event gives at most one CDEvent:
//   PipelineCreated                       → pipelinerun.queued
//   PipelineStatusChanged, to running     → pipelinerun.started (every transition into running: a pipeline
//                                           that runs again after a retry starts again; nothing is
//                                           remembered between events, so a redelivery maps the same)
//   PipelineFinished                      → pipelinerun.finished: success → success, failed → failure,
//                                           canceled → cancel, skipped (no job ran) → cancel; errors says so
//   JobStarted                            → taskrun.started
//   JobSucceeded / JobFailed / JobCanceled → taskrun.finished: success / failure (errors = failure_reason) /
//                                           cancel
//   anything else                         → nothing
// Ids: the CloudEvent id and context.id are the Verity event_id (a redelivery is the same event to the sink);
// source `<prefix>/<project_id>`; the pipelineRun's id is the pipeline_id, the taskRun's the job_id (one
// attempt); time and timestamp the event's occurred_at. What CDEvents has no field for (ref, sha, attempt,
// exit code, …) is in customData.
import { CloudEvent } from 'cloudevents';
import type { PipelineEvent } from '../../lib/core/events/generated.js';

export const CDEVENTS_SPEC_VERSION = '0.4.1';
const TYPE_VERSION = '0.2.0';

export type CdeventKind =
  'pipelinerun.queued' | 'pipelinerun.started' | 'pipelinerun.finished' | 'taskrun.started' | 'taskrun.finished';
export type CdeventOutcome = 'success' | 'failure' | 'cancel';

export interface Cdevent {
  context: { version: string; id: string; source: string; type: string; timestamp: string };
  subject: {
    id: string;
    source: string;
    type: 'pipelineRun' | 'taskRun';
    content: {
      pipelineName?: string;
      taskName?: string;
      pipelineRun?: { id: string; source: string };
      outcome?: CdeventOutcome;
      errors?: string;
    };
  };
  customData: Record<string, unknown>;
  customDataContentType: 'application/json';
}

export interface CdeventsOptions {
  /** The CloudEvent source is `<prefix>/<project_id>` (default `/verity`). */
  sourcePrefix: string;
}

/** The canonical event types that may give a CDEvent: the exporter decodes no other. */
export const EXPORTED_TYPES: ReadonlySet<string> = new Set<PipelineEvent['type']>([
  'PipelineCreated',
  'PipelineStatusChanged',
  'PipelineFinished',
  'JobStarted',
  'JobSucceeded',
  'JobFailed',
  'JobCanceled',
]);

/** The CDEvent type of a kind: dev.cdevents.<subject>.<predicate>.<version>. */
export const cdeventType = (kind: CdeventKind): string => `dev.cdevents.${kind}.${TYPE_VERSION}`;

/** The CloudEvent source of a project: each path segment of the project id percent-encoded. */
export function sourceOf(projectId: string, opts: CdeventsOptions): string {
  const prefix = opts.sourcePrefix.replace(/\/+$/, '');
  return `${prefix}/${projectId.split('/').map(encodeURIComponent).join('/')}`;
}

const PIPELINE_OUTCOME: Record<string, { outcome: CdeventOutcome; errors?: string }> = {
  success: { outcome: 'success' },
  failed: { outcome: 'failure', errors: 'pipeline failed' },
  canceled: { outcome: 'cancel', errors: 'pipeline canceled' },
  skipped: { outcome: 'cancel', errors: 'pipeline skipped: no job ran' },
};

type Content = Cdevent['subject']['content'];
interface Mapped {
  kind: CdeventKind;
  subject: 'pipelineRun' | 'taskRun';
  content: Content;
  customData: Record<string, unknown>;
}

function mapped(e: PipelineEvent): Mapped | null {
  const pipeline = (content: Content, customData: Record<string, unknown>, kind: CdeventKind): Mapped => ({
    kind,
    subject: 'pipelineRun',
    content,
    customData,
  });
  switch (e.type) {
    case 'PipelineCreated':
      return pipeline(
        { pipelineName: e.ref },
        {
          project_id: e.project_id,
          ref: e.ref,
          sha: e.sha,
          source: e.source,
          ...(e.mode ? { mode: e.mode } : {}),
          ...(e.external ? { external: e.external } : {}),
          ...(e.parent ? { parent: e.parent } : {}),
        },
        'pipelinerun.queued',
      );
    case 'PipelineStatusChanged':
      if (e.to !== 'running' || e.from === 'running') return null;
      return pipeline({}, { project_id: e.project_id, from: e.from }, 'pipelinerun.started');
    case 'PipelineFinished': {
      const o = PIPELINE_OUTCOME[e.status]!;
      return pipeline(
        { outcome: o.outcome, ...(o.errors ? { errors: o.errors } : {}) },
        { project_id: e.project_id, status: e.status, warnings: e.warnings, duration_ms: e.duration_ms },
        'pipelinerun.finished',
      );
    }
    case 'JobStarted':
      return task(e, 'taskrun.started', {}, { runner_id: e.runner_id, queued_ms: e.queued_ms });
    case 'JobSucceeded':
      return task(e, 'taskrun.finished', { outcome: 'success' }, { duration_ms: e.duration_ms });
    case 'JobFailed':
      return task(
        e,
        'taskrun.finished',
        { outcome: 'failure', errors: e.failure_reason },
        {
          failure_reason: e.failure_reason,
          failure_reason_raw: e.failure_reason_raw,
          exit_code: e.exit_code,
          allow_failure: e.allow_failure,
          duration_ms: e.duration_ms,
        },
      );
    case 'JobCanceled':
      return task(
        e,
        'taskrun.finished',
        { outcome: 'cancel' },
        { duration_ms: e.duration_ms, ...(e.auto_canceled_by ? { auto_canceled_by: e.auto_canceled_by } : {}) },
      );
    default:
      return null;
  }
}

function task(
  e: { project_id: string; name: string; attempt: number },
  kind: CdeventKind,
  content: Content,
  customData: Record<string, unknown>,
): Mapped {
  return {
    kind,
    subject: 'taskRun',
    content: { taskName: e.name, ...content },
    customData: { project_id: e.project_id, attempt: e.attempt, ...customData },
  };
}

/** The CDEvent of a canonical event as a CloudEvent, or null when the event has none. */
export function toCdevent(e: PipelineEvent, opts: CdeventsOptions): CloudEvent<Cdevent> | null {
  const m = mapped(e);
  if (!m) return null;
  const source = sourceOf(e.project_id, opts);
  const type = cdeventType(m.kind);
  const content = m.subject === 'taskRun' ? { ...m.content, pipelineRun: { id: e.pipeline_id, source } } : m.content;
  const data: Cdevent = {
    context: { version: CDEVENTS_SPEC_VERSION, id: e.event_id, source, type, timestamp: e.occurred_at },
    subject: {
      id: 'job_id' in e ? e.job_id : e.pipeline_id,
      source,
      type: m.subject,
      content,
    },
    customData: { ...m.customData, seq: e.seq, correlation_id: e.correlation_id },
    customDataContentType: 'application/json',
  };
  return new CloudEvent<Cdevent>({
    specversion: '1.0',
    id: e.event_id,
    source,
    type,
    time: e.occurred_at,
    datacontenttype: 'application/json',
    data,
  });
}
