// decide/evolve round trips over arbitrary report sequences (fast-check): whatever reports arrive, the
// events decide emits, folded by evolve, give a state that agrees with what decide saw and said.
import { expect } from 'chai';
import fc from 'fast-check';
import type { IntakeEvent, PipelineEvent } from '../events/generated.js';
import { compositeStatus } from './composite.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import { definition, job, Reports, testContext } from './fixtures.js';
import { latestJobs, type PipelineState } from './state.js';
import type { JobStatus } from './status.js';

const NAMES = ['build', 'lint', 'test', 'deploy'] as const;
const WHENS = ['on_success', 'on_failure', 'always', 'manual'] as const;

/** The job status each job event leaves behind. */
const STATUS_OF: Partial<Record<PipelineEvent['type'], JobStatus>> = {
  JobCreated: 'created',
  JobEnqueued: 'pending',
  JobScheduled: 'scheduled',
  JobUnscheduled: 'manual',
  JobWaitingForResource: 'waiting_for_resource',
  JobCanceling: 'canceling',
  JobStarted: 'running',
  JobSucceeded: 'success',
  JobFailed: 'failed',
  JobCanceled: 'canceled',
  JobSkipped: 'skipped',
  JobManualActionRequired: 'manual',
  JobReopened: 'created',
};

type Step =
  | { kind: 'report'; name: number; status: 'running' | 'success' | 'failed' | 'canceled' }
  | { kind: 'retry' | 'play' | 'cancelJob'; name: number }
  | { kind: 'cancel' | 'retryPipeline' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      name: fc.nat(3),
      status: fc.constantFrom('running' as const, 'success' as const, 'failed' as const, 'canceled' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('retry' as const, 'play' as const, 'cancelJob' as const),
      name: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('cancel' as const, 'retryPipeline' as const) }) },
);
const defArb = fc.record({
  stages: fc.integer({ min: 1, max: 3 }),
  jobs: fc.array(fc.record({ stage: fc.nat(2), when: fc.constantFrom(...WHENS), allow_failure: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  }),
});

function reportOf(r: Reports, step: Step, names: readonly string[]): IntakeEvent {
  const name = 'name' in step ? names[step.name % names.length]! : '';
  switch (step.kind) {
    case 'report':
      return r.job(name, step.status);
    case 'retry':
      return r.retry(name);
    case 'play':
      return r.play(name);
    case 'cancelJob':
      return r.cancelJob(name);
    case 'cancel':
      return r.cancel();
    case 'retryPipeline':
      return r.retryPipeline();
  }
}

describe('decide/evolve: properties over arbitrary report sequences', () => {
  it('the state folded from the events decide emits agrees with what decide saw and said', () => {
    fc.assert(
      fc.property(defArb, fc.array(stepArb, { minLength: 5, maxLength: 25 }), (d, steps) => {
        const stages = ['s0', 's1', 's2'].slice(0, d.stages);
        const jobs = d.jobs.map((j, i) =>
          job(NAMES[i]!, stages[j.stage % stages.length]!, { when: j.when, allow_failure: j.allow_failure }),
        );
        const names = jobs.map((j) => j.name);
        const r = new Reports();
        const ctx = testContext();
        let state: PipelineState | null = null;
        const all: PipelineEvent[] = [];
        for (const report of [r.create(definition(stages, jobs)), ...steps.map((s) => reportOf(r, s, names))]) {
          const before = JSON.stringify(state);
          const decision = decide(state, report, ctx);
          expect(JSON.stringify(state), 'decide does not mutate the state').to.equal(before);
          if (decision.kind === 'rejected') {
            expect(state, `CreatePipeline rejected: ${decision.message}`).to.not.equal(null);
            continue;
          }
          const from = state?.seq ?? 0;
          expect(decision.events.map((e) => e.seq)).to.deep.equal(decision.events.map((_, i) => from + i + 1));
          const next: PipelineState = decision.events.reduce<PipelineState | null>((s, e) => evolve(s, e), state)!;
          all.push(...decision.events);
          expect(next.seq).to.equal(from + decision.events.length);
          // Each job is left in the status of the last event decide emitted for it.
          const last = new Map<string, JobStatus>();
          for (const e of decision.events) {
            const status = STATUS_OF[e.type];
            if (status !== undefined && 'job_id' in e) last.set(e.job_id, status);
          }
          for (const [id, status] of last) expect(next.jobs[id]?.status, id).to.equal(status);
          // The pipeline's status is the composite of its latest jobs, as announced.
          const composite = compositeStatus(latestJobs(next));
          expect(next.status, JSON.stringify(decision.events.map((e) => e.type))).to.equal(composite.status);
          expect(next.warnings).to.equal(composite.warnings);
          // The same report again is a duplicate; the state survives its JSON.
          const again = decide(next, report, ctx);
          expect(again.kind === 'rejected' && again.code).to.equal('duplicate_report');
          expect(JSON.parse(JSON.stringify(next))).to.deep.equal(next);
          state = next;
        }
        // Folding every event from scratch gives the same state.
        expect(all.reduce<PipelineState | null>((s, e) => evolve(s, e), null)).to.deep.equal(state);
      }),
      { numRuns: 100 },
    );
  });
});
