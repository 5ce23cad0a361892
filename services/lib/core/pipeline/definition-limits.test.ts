// validateDefinition at GitLab's limits (50 stages, 500 jobs, 50 needs, names of 255 characters, retry max
// 0..2), each rule's exact pointer and message, and how a cycle of needs is named.
import { expect } from 'chai';
import { validateDefinition, type Definition } from './definition.js';
import { definition, job } from './fixtures.js';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const validate = (stages: string[], jobs: ReturnType<typeof job>[]) => validateDefinition(definition(stages, jobs));
const codes = (stages: string[], jobs: ReturnType<typeof job>[]) =>
  validate(stages, jobs).map((e) => `${e.code} ${e.pointer}`);

describe('validateDefinition: limits, at and past them', () => {
  it('50 stages are fine; 51 are too many', () => {
    const jobs = [job('a', 's0')];
    expect(validate(names('s', 50), jobs)).to.deep.equal([]);
    expect(validate(names('s', 51), jobs)).to.deep.equal([
      { pointer: '/definition/stages', code: 'too_many_stages', message: 'at most 50 stages, got 51' },
    ]);
  });

  it('500 jobs are fine; 501 are too many', () => {
    const jobs = (n: number) => names('j', n).map((n) => job(n, 'build'));
    expect(validate(['build'], jobs(500))).to.deep.equal([]);
    expect(validate(['build'], jobs(501))).to.deep.equal([
      { pointer: '/definition/jobs', code: 'too_many_jobs', message: 'at most 500 jobs, got 501' },
    ]);
  });

  it('50 needs are fine; 51 are too many', () => {
    const needed = names('n', 51).map((n) => job(n, 'build'));
    const needing = (n: number) => job('r', 'test', { needs: names('n', n) });
    expect(validate(['build', 'test'], [...needed, needing(50)])).to.deep.equal([]);
    expect(validate(['build', 'test'], [...needed, needing(51)])).to.deep.equal([
      { pointer: '/definition/jobs/51/needs', code: 'too_many_needs', message: 'at most 50 needs, got 51' },
    ]);
  });

  it('names of 255 characters are fine; of 256, or blank, are not', () => {
    const long = (n: number) => 'x'.repeat(n);
    expect(validate([long(255)], [job(long(255), long(255))])).to.deep.equal([]);
    expect(validate([long(256), 'build'], [job(long(256), 'build')])).to.deep.equal([
      {
        pointer: '/definition/stages/0',
        code: 'invalid_stage_name',
        message: 'stage names are 1..255 characters, not blank',
      },
      {
        pointer: '/definition/jobs/0/name',
        code: 'invalid_job_name',
        message: 'job names are 1..255 characters, not blank',
      },
    ]);
  });

  it('no stages and no jobs, written as empty lists or left out', () => {
    const expected = [
      { pointer: '/definition/stages', code: 'no_stages', message: 'a pipeline needs at least one stage' },
      { pointer: '/definition/jobs', code: 'no_jobs', message: 'a pipeline needs at least one job' },
    ];
    expect(validate([], [])).to.deep.equal(expected);
    expect(validateDefinition({} as Definition)).to.deep.equal(expected);
  });
});

describe('validateDefinition: retry max is an integer 0..2', () => {
  const message = 'retry max is an integer 0..2';
  for (const max of [0, 2]) {
    it(`${max} is fine`, () =>
      expect(validate(['build'], [job('a', 'build', { retry: { max, when: ['always'] } })])).to.deep.equal([]));
  }
  for (const max of [-1, 1.5, 3]) {
    it(`${max} is not`, () =>
      expect(validate(['build'], [job('a', 'build', { retry: { max, when: ['always'] } })])).to.deep.equal([
        { pointer: '/definition/jobs/0/retry/max', code: 'invalid_retry_max', message },
      ]));
  }
  it('a job without retry (the schema refuses it) is reported, not thrown on', () => {
    const a = job('a', 'build');
    delete (a as Partial<typeof a>).retry;
    expect(validate(['build'], [a])).to.deep.equal([
      { pointer: '/definition/jobs/0/retry/max', code: 'invalid_retry_max', message },
    ]);
  });
});

describe('validateDefinition: the messages of job settings and dependencies', () => {
  it('retry when empty is fine with exit codes, and an error without them', () => {
    expect(validate(['build'], [job('a', 'build', { retry: { max: 1, when: [], exit_codes: [137] } })])).to.deep.equal(
      [],
    );
    expect(validate(['build'], [job('a', 'build', { retry: { max: 1, when: [], exit_codes: [] } })])).to.deep.equal([
      {
        pointer: '/definition/jobs/0/retry/when',
        code: 'empty_retry_when',
        message: 'retry when is empty, and there are no retry exit codes',
      },
    ]);
  });

  it('allow_failure true with exit codes', () => {
    expect(
      validate(['build'], [job('a', 'build', { allow_failure: true, allow_failure_exit_codes: [1] })]),
    ).to.deep.equal([
      {
        pointer: '/definition/jobs/0/allow_failure_exit_codes',
        code: 'exit_codes_with_allow_failure',
        message: 'allow_failure exit codes go with allow_failure false (the job may fail with those codes only)',
      },
    ]);
  });

  it('a dependency named twice', () => {
    expect(
      validate(['build', 'test'], [job('c', 'build'), job('t', 'test', { dependencies: ['c', 'c'] })]),
    ).to.deep.equal([
      {
        pointer: '/definition/jobs/1/dependencies/1',
        code: 'duplicate_dependency',
        message: '"c" is already a dependency',
      },
    ]);
  });
});

describe('validateDefinition: a cycle of needs is named from its first job back to it', () => {
  it('a job that needs into a cycle is not part of its name', () => {
    const errors = validate(
      ['test'],
      [job('x', 'test', { needs: ['a'] }), job('a', 'test', { needs: ['b'] }), job('b', 'test', { needs: ['a'] })],
    );
    expect(errors).to.deep.equal([
      { pointer: '/definition/jobs/2/needs/0', code: 'cyclic_needs', message: 'needs form a cycle: a → b → a' },
    ]);
  });

  it('two cycles that share no job: each once', () => {
    expect(
      codes(
        ['test'],
        [
          job('a', 'test', { needs: ['b'] }),
          job('b', 'test', { needs: ['a'] }),
          job('c', 'test', { needs: ['d'] }),
          job('d', 'test', { needs: ['c'] }),
        ],
      ),
    ).to.deep.equal(['cyclic_needs /definition/jobs/1/needs/0', 'cyclic_needs /definition/jobs/3/needs/0']);
  });
});
