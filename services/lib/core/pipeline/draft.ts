// A decision in progress: the events emitted so far and the state they lead to. Every event gets its
// envelope here (ids and clock from the context, seq gap-free after the state's) and is folded into the
// draft's state at once, so later steps of the same decision see its effect. The draft works on its own
// copy of the state (folded in place, the same fold as evolve), never on the caller's.
import type { IntakeEvent, PipelineEvent } from '../events/generated.js';
import type { DecideContext } from './decision.js';
import { evolve, foldInto, ownedCopy } from './evolve.js';
import type { JobState, PipelineState } from './state.js';

type EnvelopeKey =
  'event_id' | 'occurred_at' | 'recorded_at' | 'pipeline_id' | 'project_id' | 'seq' | 'causation_id' | 'correlation_id';

/** A canonical event without its envelope (distributed over the union). */
export type EventBody = PipelineEvent extends infer E
  ? E extends PipelineEvent
    ? Omit<E, EnvelopeKey>
    : never
  : never;

export interface Draft {
  state: PipelineState;
  events: PipelineEvent[];
  readonly report: IntakeEvent;
  readonly ctx: DecideContext;
}

function makeEvent(
  report: IntakeEvent,
  ctx: DecideContext,
  seq: number,
  body: EventBody,
  occurredAt = report.occurred_at,
): PipelineEvent {
  return {
    event_id: ctx.newEventId(),
    occurred_at: occurredAt,
    recorded_at: ctx.now,
    pipeline_id: report.pipeline_id,
    project_id: report.project_id,
    seq,
    causation_id: report.report_id,
    correlation_id: report.correlation_id,
    ...body,
  } as PipelineEvent;
}

/** Starts a decision from an existing pipeline. */
export function draftFrom(state: PipelineState, report: IntakeEvent, ctx: DecideContext): Draft {
  return { state: ownedCopy(state), events: [], report, ctx };
}

/** Starts a decision with the PipelineCreated event (seq 1). */
export function draftCreating(
  report: IntakeEvent,
  ctx: DecideContext,
  body: EventBody & { type: 'PipelineCreated' },
  occurredAt?: string,
): Draft {
  const event = makeEvent(report, ctx, 1, body, occurredAt);
  return { state: evolve(null, event), events: [event], report, ctx };
}

/** Emits an event; `occurredAt` when it happened at another time than the report (an observed job's times). */
export function emit(draft: Draft, body: EventBody, occurredAt?: string): void {
  const event = makeEvent(draft.report, draft.ctx, draft.state.seq + 1, body, occurredAt);
  draft.events.push(event);
  foldInto(draft.state, event);
}

/** The job fields every job event carries. */
export function jobRef(job: Pick<JobState, 'job_id' | 'name' | 'attempt'>): {
  job_id: string;
  name: string;
  attempt: number;
} {
  return { job_id: job.job_id, name: job.name, attempt: job.attempt };
}

/** Whole milliseconds from `from` to `to`, never negative (clocks of different producers drift). */
export function elapsedMs(from: string | null, to: string): number {
  if (from === null) return 0;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
}
