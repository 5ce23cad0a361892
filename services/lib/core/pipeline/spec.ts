// Test support: given/when/then for the pipeline decider (after Emmett's DeciderSpecification).
//   given(events).when(report).then([{ type: 'JobStarted', name: 'build' }, …])  or  .thenRejects('unknown_job')
// Every decision made through this module is also checked for the decider's invariants: seq gap-free and
// continuing the state's, the envelope taken from the report and context, folding the events then
// deciding the same report again answers duplicate_report, the state survives a JSON round trip and a
// fold from scratch, and any checks installed with addEventCheck (the JSON-schema check) pass.
import assert from 'node:assert/strict';
import type { IntakeEvent, PipelineEvent } from '../events/generated.js';
import { decide } from './decide.js';
import type { Decision, Rejected, RejectionCode } from './decision.js';
import { evolve } from './evolve.js';
import { testContext, type TestContext } from './fixtures.js';
import type { PipelineState } from './state.js';

/** An expected event: its type and any fields worth asserting (event_id and recorded_at are never compared). */
export type ExpectedEvent = { type: PipelineEvent['type'] } & Record<string, unknown>;

type EventCheck = (event: PipelineEvent) => void;
const eventChecks: EventCheck[] = [];
let checked = 0;

/** Runs `check` on every event decided through this module from now on (in this process). */
export function addEventCheck(check: EventCheck): void {
  eventChecks.push(check);
}

/** How many events went through the installed checks so far. */
export function checkedEvents(): number {
  return checked;
}

/** A test context whose counters continue after the ids already used by `events`. */
function contextAfter(events: readonly PipelineEvent[]): TestContext {
  const ctx = testContext();
  ctx.eventIds = events.length;
  ctx.jobIds = events.filter((e) => e.type === 'JobCreated').length;
  return ctx;
}

export function fold(events: readonly PipelineEvent[], state: PipelineState | null = null): PipelineState | null {
  return events.reduce<PipelineState | null>((s, e) => evolve(s, e), state);
}

/** decide, plus the invariants every decision must keep. */
function decideChecked(state: PipelineState | null, report: IntakeEvent, ctx: TestContext): Decision {
  const before = JSON.stringify(state);
  const replica = Object.assign(testContext(ctx.now), { eventIds: ctx.eventIds, jobIds: ctx.jobIds });
  const decision = decide(state, report, ctx);
  assert.equal(JSON.stringify(state), before, 'decide must not mutate the state');
  const restored = state === null ? null : (JSON.parse(before) as PipelineState);
  assert.deepEqual(
    decide(restored, report, replica),
    decision,
    'a state restored from its JSON snapshot decides the same',
  );
  if (decision.kind === 'rejected') return decision;
  const from = state?.seq ?? 0;
  assert.deepEqual(
    decision.events.map((e) => e.seq),
    decision.events.map((_, i) => from + i + 1),
    'seq is gap-free after the state',
  );
  for (const event of decision.events) {
    assert.deepEqual(
      [
        event.pipeline_id,
        event.project_id,
        event.causation_id,
        event.correlation_id,
        event.occurred_at,
        event.recorded_at,
      ],
      [
        report.pipeline_id,
        report.project_id,
        report.report_id,
        report.correlation_id,
        // An observed job's events happened when its CI says (its queued, started and finished times).
        report.type === 'ObservePipeline' ? event.occurred_at : report.occurred_at,
        ctx.now,
      ],
      `envelope of ${event.type}`,
    );
    for (const check of eventChecks) check(event);
    checked += eventChecks.length > 0 ? 1 : 0;
  }
  const after = fold(decision.events, state)!;
  assert.deepEqual(JSON.parse(JSON.stringify(after)), after, 'the state is JSON-serialisable');
  assert.equal(after.seq, from + decision.events.length);
  const again = decide(after, report, ctx);
  assert.equal(
    again.kind === 'rejected' && again.code,
    'duplicate_report',
    'the same report decided again is a duplicate',
  );
  return decision;
}

/** Decides each report in turn; every one must be accepted. Returns all events and the final state. */
export function run(
  reports: readonly IntakeEvent[],
  given: readonly PipelineEvent[] = [],
  ctx: TestContext = contextAfter(given),
) {
  let state = fold(given);
  const events: PipelineEvent[] = [...given];
  for (const report of reports) {
    const decision = decideChecked(state, report, ctx);
    if (decision.kind === 'rejected') {
      assert.fail(
        `${report.type} ${'job' in report ? report.job : ''} ${'status' in report ? report.status : ''} rejected: ${decision.code}: ${decision.message}`,
      );
    }
    state = fold(decision.events, state);
    events.push(...decision.events);
  }
  assert.deepEqual(fold(events), state, 'folding every event from scratch gives the same state');
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
    'seq is 1..n without gaps',
  );
  return { events, state: state!, ctx };
}

/** Compares types and the expected fields of each event, in order; names the first difference. */
function assertEvents(actual: readonly PipelineEvent[], expected: readonly ExpectedEvent[]): void {
  // Labels name the job where the expectation names one, so a wrong order reads well in the diff.
  const label = (e: object, withName: boolean) => {
    const { type, name } = e as { type: string; name?: unknown };
    return withName && name !== undefined ? `${type}(${String(name)})` : type;
  };
  assert.deepEqual(
    actual.map((e, i) => label(e, expected[i]?.name !== undefined)),
    expected.map((e) => label(e, true)),
    'event types',
  );
  expected.forEach((exp, i) => {
    const act = actual[i] as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(exp)) assert.deepEqual(act[key], value, `${exp.type} #${i}: ${key}`);
  });
}

export function given(events: readonly PipelineEvent[] = [], ctx: TestContext = contextAfter(events)) {
  const state = fold(events);
  return {
    when(report: IntakeEvent) {
      const decision = decideChecked(state, report, ctx);
      return {
        decision,
        then(expected: readonly ExpectedEvent[]): PipelineEvent[] {
          if (decision.kind === 'rejected')
            assert.fail(`expected events, got rejection ${decision.code}: ${decision.message}`);
          assertEvents(decision.events, expected);
          return decision.events;
        },
        thenRejects(code: RejectionCode, details: Record<string, unknown> = {}): Rejected {
          if (decision.kind === 'accepted')
            assert.fail(`expected rejection ${code}, got ${decision.events.map((e) => e.type).join(', ')}`);
          assert.equal(decision.code, code, decision.message);
          for (const [key, value] of Object.entries(details))
            assert.deepEqual(decision.details[key], value, `details.${key}`);
          return decision;
        },
      };
    },
  };
}
