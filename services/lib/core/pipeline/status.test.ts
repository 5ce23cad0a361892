import { expect } from 'chai';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import {
  FAILURE_REASONS,
  isActive,
  isCancelableByPipeline,
  isCompleted,
  JOB_STATUSES,
  mapFailureReason,
  transition,
  type JobStatus,
  type JobTransition,
} from './status.js';

describe('job status transitions', () => {
  // Rows: from-status; columns: the job state machine's events. '-' = illegal. Read off GitLab's state machines
  // (CommitStatus, Ci::Processable, Ci::Build; Ci::HasStatus::CANCELABLE_STATUSES) by hand:
  // - success and drop accept created (a job finished without running); run does not;
  // - drop also takes manual and scheduled; success and drop of a canceling job end it canceled;
  // - cancel takes the cancelable statuses, manual and canceling; start_cancel only running;
  // - enqueue, request_resource and prepare start from created, skipped, manual, scheduled (and onwards:
  //   waiting_for_resource → preparing → pending); process (reopen) takes skipped and manual back to created.
  const E = [
    'enqueue',
    'request_resource',
    'prepare',
    'run',
    'succeed',
    'drop',
    'start_cancel',
    'cancel',
    'skip',
  ] as const;
  const F = ['reopen', 'actionize', 'schedule', 'unschedule'] as const;
  const events: JobTransition[] = [...E, ...F];
  const W = 'waiting_for_resource';
  const table: Record<JobStatus, string> = {
    //             enqueue request  prepare   run      succeed  drop     s_cancel  cancel   skip     reopen  actionize schedule  unschedule
    created: `     pending ${W}     preparing -        success  failed   -         canceled skipped  -       manual    scheduled -`,
    waiting_for_resource: `pending - preparing -        success  failed   -         canceled skipped  -       -         -         -`,
    preparing: `   pending -        -         -        success  failed   -         canceled skipped  -       -         -         -`,
    pending: `     -       -        -         running  success  failed   -         canceled skipped  -       -         -         -`,
    running: `     -       -        -         -        success  failed   canceling canceled -        -       -         -         -`,
    canceling: `   -       -        -         -        canceled canceled -         canceled -        -       -         -         -`,
    success: `     -       -        -         -        -        -        -         -        -        -       -         -         -`,
    failed: `      -       -        -         -        -        -        -         -        -        -       -         -         -`,
    canceled: `    -       -        -         -        -        -        -         -        -        -       -         -         -`,
    skipped: `     pending ${W}     preparing -        -        -        -         -        -        created -         -         -`,
    manual: `      pending ${W}     preparing -        -        failed   -         canceled -        created -         -         -`,
    scheduled: `   pending ${W}     preparing -        -        failed   -         canceled -        -       -         -         manual`,
  };

  for (const from of JOB_STATUSES) {
    const expected = table[from].trim().split(/\s+/);
    // The table's own shape, checked as it is read (a test of this file, not of Verity).
    if (expected.length !== events.length)
      throw new Error(`row ${from}: ${expected.length} cells, ${events.length} events`);
    events.forEach((event, i) => {
      const to = expected[i] === '-' ? null : expected[i];
      it(`${from} --${event}--> ${to ?? 'illegal'}`, () => {
        expect(transition(from, event)).to.equal(to);
      });
    });
  }

  it('a pipeline cancel takes the cancelable statuses and leaves manual jobs manual (gitlab#19273)', () => {
    expect(JOB_STATUSES.filter(isCancelableByPipeline)).to.deep.equal([
      'created',
      'waiting_for_resource',
      'preparing',
      'pending',
      'running',
      'scheduled',
    ]);
  });

  it("alive statuses keep a pipeline from finishing; completed ones are GitLab's COMPLETED_STATUSES", () => {
    expect(JOB_STATUSES.filter(isActive)).to.deep.equal([
      'created',
      'waiting_for_resource',
      'preparing',
      'pending',
      'running',
      'canceling',
    ]);
    expect(JOB_STATUSES.filter(isCompleted)).to.deep.equal(['success', 'failed', 'canceled', 'skipped']);
  });
});

describe('failure reasons', () => {
  const cases: [raw: string | null, reason: string, rawKept: string | null][] = [
    ['script_failure', 'script_failure', null],
    ['runner_system_failure', 'runner_system_failure', null],
    ['stuck_or_timeout_failure', 'stuck_or_timeout_failure', null],
    ['unknown_failure', 'unknown_failure', null],
    ['oom_killed', 'unknown_failure', 'oom_killed'],
    ['Script_Failure', 'unknown_failure', 'Script_Failure'],
    ['', 'unknown_failure', ''],
    [null, 'unknown_failure', null],
  ];
  for (const [raw, reason, rawKept] of cases) {
    it(`${JSON.stringify(raw)} → ${reason} (raw ${JSON.stringify(rawKept)})`, () => {
      expect(mapFailureReason(raw)).to.deep.equal({ failure_reason: reason, failure_reason_raw: rawKept });
    });
  }

  it('bounds the raw value kept to the schema limit', () => {
    expect(mapFailureReason('x'.repeat(300)).failure_reason_raw).to.have.length(255);
  });

  it("lists exactly the JobFailed schema's failure_reason enum", () => {
    const schema = loadCatalog().find((e) => e.type === 'JobFailed')!.schema as {
      properties: { failure_reason: { enum: string[] } };
    };
    expect([...FAILURE_REASONS]).to.deep.equal(schema.properties.failure_reason.enum);
  });
});
