// Pointers into the canonical definition mapped back to what the producer wrote (authored-pointers.ts), one
// row per member of a canonical job, and the order compileDefinition reports its errors in.
import { expect } from 'chai';
import { compileDefinition, type AuthoredDefinition, type AuthoredJob } from './authored.js';
import { toAuthoredPointer, type Source } from './authored-pointers.js';
import type { DefinitionError } from './definition.js';

/** Canonical job 0 comes from authored job 3, instance made by its `parallel`; two needs, one dependency. */
const source = (job: Source['job']): Source => ({
  index: 3,
  made: '/parallel',
  needs: ['/needs/0', '/needs/1'],
  dependencies: ['/dependencies/2'],
  job,
  skip: new Set(),
});

describe('toAuthoredPointer: a canonical pointer as a pointer into the authored definition', () => {
  const cases: [canonical: string, job: Source['job'], authored: string][] = [
    ['/definition/jobs/0', {}, '/definition/jobs/3'],
    ['/definition/jobs/0/name', {}, '/definition/jobs/3/parallel'],
    ['/definition/jobs/0/stage', {}, '/definition/jobs/3/stage'],
    ['/definition/jobs/0/needs', {}, '/definition/jobs/3/needs'],
    ['/definition/jobs/0/needs/1', {}, '/definition/jobs/3/needs/1'],
    // a need past what the authored job wrote (the canonical check looks at one need past the limit)
    ['/definition/jobs/0/needs/7', {}, '/definition/jobs/3/needs'],
    ['/definition/jobs/0/dependencies', {}, '/definition/jobs/3/dependencies'],
    ['/definition/jobs/0/dependencies/0', {}, '/definition/jobs/3/dependencies/2'],
    ['/definition/jobs/0/dependencies/4', {}, '/definition/jobs/3/dependencies'],
    // when: the default (on_success) was filled in, so the job itself is meant
    ['/definition/jobs/0/when', {}, '/definition/jobs/3'],
    ['/definition/jobs/0/when', { when: 'delayed' }, '/definition/jobs/3/when'],
    ['/definition/jobs/0/start_in_s', {}, '/definition/jobs/3/start_in'],
    ['/definition/jobs/0/timeout_s', {}, '/definition/jobs/3/timeout'],
    ['/definition/jobs/0/allow_failure_exit_codes', {}, '/definition/jobs/3/allow_failure/exit_codes'],
    ['/definition/jobs/0/allow_failure', {}, '/definition/jobs/3'],
    ['/definition/jobs/0/allow_failure', { allow_failure: true }, '/definition/jobs/3/allow_failure'],
    // retry: absent (the default filled in), a number, or {max, when, exit_codes}
    ['/definition/jobs/0/retry/max', {}, '/definition/jobs/3'],
    ['/definition/jobs/0/retry/max', { retry: 5 }, '/definition/jobs/3/retry'],
    ['/definition/jobs/0/retry/max', { retry: { max: 5 } }, '/definition/jobs/3/retry/max'],
    ['/definition/jobs/0/retry/when', { retry: { max: 1, when: [] } }, '/definition/jobs/3/retry/when'],
    // retry.when filled in from the exit codes: the retry as written is meant
    ['/definition/jobs/0/retry/when', { retry: { max: 1, exit_codes: [] } }, '/definition/jobs/3/retry'],
    ['/definition/jobs/0/retry', { retry: { max: 1 } }, '/definition/jobs/3/retry'],
    // a member the compiler copies as it is
    ['/definition/jobs/0/resource_group', {}, '/definition/jobs/3/resource_group'],
    // not a canonical job, or a job the sources do not know: unchanged
    ['/definition/stages/1', {}, '/definition/stages/1'],
    ['/definition/jobs', {}, '/definition/jobs'],
    ['/definition/jobs/9/name', {}, '/definition/jobs/9/name'],
  ];
  for (const [canonical, job, authored] of cases) {
    it(`${canonical} (authored job ${JSON.stringify(job)}) → ${authored}`, () =>
      expect(toAuthoredPointer(canonical, [source(job)])).to.equal(authored));
  }
});

describe('compileDefinition: the order of the errors', () => {
  const STAGES = ['build', 'test'];
  const codes = (errors: DefinitionError[]) => errors.map((e) => `${e.code} ${e.pointer}`);
  const compile = (jobs: AuthoredJob[], stages = STAGES) =>
    codes(compileDefinition({ stages, jobs } as AuthoredDefinition).errors);
  const plain = (n: number): AuthoredJob[] => Array.from({ length: n }, (_, i) => ({ name: `j${i}`, stage: 'build' }));

  it('errors of the definition itself come before the errors of its jobs', () => {
    // invalid_parallel is found while compiling, duplicate_stage only by the canonical checks after it
    expect(compile([{ name: 'p', stage: 'build', parallel: 0 }], ['build', 'build'])).to.deep.equal([
      'duplicate_stage /definition/stages/1',
      'invalid_parallel /definition/jobs/0/parallel',
    ]);
  });

  it('job 2 before job 10 (by number, not by the first digit)', () => {
    const jobs = plain(11);
    jobs[2] = { name: 'j2', stage: 'nowhere' };
    jobs[10] = { name: 'j10', stage: 'build', parallel: 0 };
    expect(compile(jobs)).to.deep.equal([
      'unknown_stage /definition/jobs/2/stage',
      'invalid_parallel /definition/jobs/10/parallel',
    ]);
  });

  it('errors of one job in the order they were found', () => {
    expect(
      compile([{ name: 'r', stage: 'build', when: 'delayed', start_in: 'soon', timeout: 'never', parallel: 0 }]),
    ).to.deep.equal([
      'invalid_parallel /definition/jobs/0/parallel',
      'invalid_duration /definition/jobs/0/start_in',
      'invalid_duration /definition/jobs/0/timeout',
    ]);
  });
});
