import { expect } from 'chai';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import {
  FAILURE_REASONS,
  JOB_STATUSES,
  mapFailureReason,
  transition,
  type JobStatus,
  type JobTransition,
} from './status.js';

describe('job status transitions', () => {
  // Rows: from-status; columns: enqueue run succeed drop cancel skip reopen actionize. '-' = illegal.
  // GitLab's CommitStatus: success and drop accept created (a job finished without running); run does not.
  const table: Record<JobStatus, string> = {
    //          enqueue   run       succeed   drop     cancel    skip     reopen   actionize
    created: 'pending   -         success   failed   canceled  skipped  -        manual',
    pending: '-         running   success   failed   canceled  skipped  -        -',
    running: '-         -         success   failed   canceled  -        -        -',
    success: '-         -         -         -        -         -        -        -',
    failed: ' -         -         -         -        -         -        -        -',
    canceled: '-        -         -         -        -         -        -        -',
    skipped: 'pending   -         -         -        -         -        created  -',
    manual: ' pending   -         -         -        canceled  -        -        -',
  };
  const events: JobTransition[] = ['enqueue', 'run', 'succeed', 'drop', 'cancel', 'skip', 'reopen', 'actionize'];

  for (const from of JOB_STATUSES) {
    const expected = table[from].trim().split(/\s+/);
    events.forEach((event, i) => {
      const to = expected[i] === '-' ? null : expected[i];
      it(`${from} --${event}--> ${to ?? 'illegal'}`, () => {
        expect(transition(from, event)).to.equal(to);
      });
    });
  }
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
