// compileDefinition at GitLab's limits: parallel: N (1..200), one matrix (1..200 jobs), 500 jobs and 50
// needs once parallel jobs are expanded; what a need on a matrix becomes when the matrix is not expanded;
// the defaults of allow_failure and retry. Each error with its exact pointer and message.
import { expect } from 'chai';
import { compileDefinition, type AuthoredDefinition, type AuthoredJob } from './authored.js';
import type { DefinitionError } from './definition.js';

const STAGES = ['build', 'test', 'deploy'];
const def = (...jobs: AuthoredJob[]): AuthoredDefinition => ({ stages: STAGES, jobs });
const errorsOf = (d: AuthoredDefinition) => compileDefinition(d).errors;
const codes = (errors: DefinitionError[]) => errors.map((e) => `${e.code} ${e.pointer}`);
const jobOf = (d: AuthoredDefinition, name: string) => {
  const { definition, errors } = compileDefinition(d);
  expect(errors, JSON.stringify(errors)).to.deep.equal([]);
  return definition.jobs.find((j) => j.name === name)!;
};
const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('compileDefinition: parallel: N is 1..200', () => {
  const invalid: [parallel: number, message: string][] = [
    [0, 'parallel is 1..200, got 0'],
    [-1, 'parallel is 1..200, got -1'],
    [2.5, 'parallel is 1..200, got 2.5'],
    [201, 'parallel is 1..200, got 201'],
  ];
  for (const [parallel, message] of invalid) {
    it(`parallel: ${parallel} → invalid_parallel, and the job compiled as one`, () => {
      const { definition, errors } = compileDefinition(def({ name: 'p', stage: 'build', parallel }));
      expect(errors).to.deep.equal([{ pointer: '/definition/jobs/0/parallel', code: 'invalid_parallel', message }]);
      expect(definition.jobs.map((j) => j.name)).to.deep.equal(['p']);
    });
  }

  it('parallel: 200 makes 200 jobs', () => {
    const { definition, errors } = compileDefinition(def({ name: 'p', stage: 'build', parallel: 200 }));
    expect(errors).to.deep.equal([]);
    expect(definition.jobs.map((j) => j.name).slice(-2)).to.deep.equal(['p 199/200', 'p 200/200']);
  });

  it('a parallel job named like a job before it: the duplicate is its parallel', () => {
    expect(
      codes(errorsOf(def({ name: 'unit 1/2', stage: 'build' }, { name: 'unit', stage: 'build', parallel: 2 }))),
    ).to.deep.equal(['duplicate_job /definition/jobs/1/parallel']);
  });
});

describe('compileDefinition: one matrix makes 1..200 jobs', () => {
  it('an empty matrix makes no job', () => {
    expect(errorsOf(def({ name: 'm', stage: 'build', parallel: { matrix: [] } }))).to.deep.equal([
      {
        pointer: '/definition/jobs/0/parallel/matrix',
        code: 'invalid_parallel',
        message: 'parallel:matrix makes no job',
      },
    ]);
  });

  it('a matrix of one job makes that job, and a need on it names it', () => {
    const d = def(
      { name: 'm', stage: 'build', parallel: { matrix: [{ OS: 'linux' }] } },
      { name: 'r', stage: 'test', needs: [{ job: 'm', parallel: { matrix: [{ OS: 'linux' }] } }] },
    );
    expect(compileDefinition(d).definition.jobs.map((j) => j.name)).to.deep.equal(['m: [linux]', 'r']);
    expect(jobOf(d, 'r').needs).to.deep.equal(['m: [linux]']);
  });

  it('a matrix of 201 jobs names its size and the limit', () => {
    const d = def({ name: 'm', stage: 'build', parallel: { matrix: [{ A: values(201) }] } });
    expect(errorsOf(d)).to.deep.equal([
      {
        pointer: '/definition/jobs/0/parallel/matrix',
        code: 'invalid_parallel',
        message: "parallel:matrix makes 201 jobs; GitLab's limit is 200 jobs from one matrix",
      },
    ]);
  });

  it('a need on a job whose matrix is invalid is a need on the job as written', () => {
    const d = def(
      { name: 'big', stage: 'test', parallel: { matrix: [{ A: values(15), B: values(15) }] } },
      { name: 'early', stage: 'build', needs: [{ job: 'big', parallel: { matrix: [{ A: 'v1', B: 'v1' }] } }] },
    );
    expect(codes(errorsOf(d))).to.deep.equal([
      'invalid_parallel /definition/jobs/0/parallel/matrix',
      'need_in_later_stage /definition/jobs/1/needs/0',
    ]);
  });

  it('needs:parallel:matrix on a job the definition does not have is an unknown need', () => {
    const d = def({ name: 'r', stage: 'test', needs: [{ job: 'ghost', parallel: { matrix: [{ A: 'x' }] } }] });
    expect(errorsOf(d)).to.deep.equal([
      {
        pointer: '/definition/jobs/0/needs/0',
        code: 'unknown_need',
        message: 'job "r" needs "ghost", which is not defined',
      },
    ]);
  });

  const build: AuthoredJob = { name: 'build', stage: 'build', parallel: { matrix: [{ P: ['aws', 'gcp'] }] } };
  const missing: [wanted: string[], message: string][] = [
    [['x', 'y', 'z'], 'the matrix of job "build" makes no job "build: [x]", "build: [y]", "build: [z]"'],
    [
      ['x', 'y', 'z', 'w'],
      'the matrix of job "build" makes no job "build: [x]", "build: [y]", "build: [z]" and 1 more',
    ],
    [
      ['x', 'y', 'z', 'w', 'v'],
      'the matrix of job "build" makes no job "build: [x]", "build: [y]", "build: [z]" and 2 more',
    ],
  ];
  for (const [wanted, message] of missing) {
    it(`${wanted.length} jobs the matrix does not make: at most 3 named`, () => {
      const d = def(build, {
        name: 'r',
        stage: 'test',
        needs: [{ job: 'build', parallel: { matrix: [{ P: wanted }] } }],
      });
      expect(errorsOf(d)).to.deep.equal([
        { pointer: '/definition/jobs/1/needs/0/parallel/matrix/0', code: 'unknown_matrix_need', message },
      ]);
    });
  }
});

describe('compileDefinition: at most 500 jobs once parallel jobs are expanded', () => {
  it('exactly 500 is fine', () => {
    const d = def(
      { name: 'a', stage: 'build', parallel: 200 },
      { name: 'b', stage: 'build', parallel: 200 },
      { name: 'c', stage: 'test', parallel: 100 },
    );
    const { definition, errors } = compileDefinition(d);
    expect(errors).to.deep.equal([]);
    expect(definition.jobs).to.have.length(500);
  });

  it('501: the error names the count; each job is compiled as one, so the other checks still run', () => {
    const d = def(
      { name: 'x', stage: 'build' },
      { name: 'a', stage: 'build', parallel: 200 },
      { name: 'b', stage: 'build', parallel: 200 },
      { name: 'x', stage: 'test', parallel: 100 },
    );
    const { definition, errors } = compileDefinition(d);
    expect(errors).to.deep.equal([
      {
        pointer: '/definition/jobs',
        code: 'too_many_jobs',
        message: 'at most 500 jobs, got 501 once parallel jobs are expanded',
      },
      {
        pointer: '/definition/jobs/3/name',
        code: 'duplicate_job',
        message: 'job "x" is already defined at /definition/jobs/0',
      },
    ]);
    expect(definition.jobs.map((j) => j.name)).to.deep.equal(['x', 'a', 'b', 'x']);
  });

  it('with too many jobs, a need on a matrix entry is a need on the matrix job as written', () => {
    const d = def(
      { name: 'a', stage: 'build', parallel: 200 },
      { name: 'b', stage: 'build', parallel: 200 },
      { name: 'm', stage: 'build', parallel: { matrix: [{ A: values(101) }] } },
      { name: 'r', stage: 'test', needs: [{ job: 'm', parallel: { matrix: [{ A: 'v3' }] } }] },
    );
    const { definition, errors } = compileDefinition(d);
    expect(codes(errors)).to.deep.equal(['too_many_jobs /definition/jobs']);
    expect(definition.jobs.find((j) => j.name === 'r')!.needs).to.deep.equal(['m']);
  });
});

describe('compileDefinition: at most 50 needs once needs on parallel jobs are expanded', () => {
  it('exactly 50 is fine', () => {
    const d = def({ name: 'many', stage: 'build', parallel: 50 }, { name: 'r', stage: 'test', needs: ['many'] });
    expect(jobOf(d, 'r').needs).to.have.length(50);
  });

  it('60: the error names the count; the needs up to one past the limit are still checked', () => {
    // the unknown need is the 50th once expanded (index 49); the 10 jobs of q come after it
    const d = def(
      { name: 'p', stage: 'build', parallel: 49 },
      { name: 'q', stage: 'build', parallel: 10 },
      { name: 'r', stage: 'test', needs: ['p', 'ghost', 'q'] },
    );
    const { definition, errors } = compileDefinition(d);
    expect(errors).to.deep.equal([
      {
        pointer: '/definition/jobs/2/needs',
        code: 'too_many_needs',
        message: 'at most 50 needs, got 60 once needs on parallel jobs are expanded',
      },
      {
        pointer: '/definition/jobs/2/needs/1',
        code: 'unknown_need',
        message: 'job "r" needs "ghost", which is not defined',
      },
    ]);
    expect(definition.jobs.find((j) => j.name === 'r')!.needs).to.have.length(51);
  });
});

describe('compileDefinition: allow_failure and retry as written', () => {
  const cases: [name: string, job: Partial<AuthoredJob>, expected: object][] = [
    ['allow_failure: true', { allow_failure: true }, { allow_failure: true }],
    ['allow_failure: false on a manual job', { when: 'manual', allow_failure: false }, { allow_failure: false }],
    // null (the API schema refuses it) is no allow_failure written: the default
    [
      'allow_failure: null on a manual job',
      { when: 'manual', allow_failure: null as unknown as boolean },
      { allow_failure: true },
    ],
    ['retry {max} alone retries always', { retry: { max: 1 } }, { retry: { max: 1, when: ['always'] } }],
    [
      'retry exit codes: only those, each once',
      { retry: { max: 2, exit_codes: [137, 137, 1] } },
      { retry: { max: 2, when: [], exit_codes: [137, 1] } },
    ],
  ];
  for (const [name, job, expected] of cases) {
    it(name, () => {
      const j = jobOf(def({ name: 'a', stage: 'build', ...job }), 'a');
      expect(j).to.deep.include(expected);
      expect(j).to.not.have.property('allow_failure_exit_codes');
    });
  }

  it('a definition without jobs: no_jobs', () => {
    const { definition, errors } = compileDefinition({ stages: STAGES } as unknown as AuthoredDefinition);
    expect(codes(errors)).to.deep.equal(['no_jobs /definition/jobs']);
    expect(definition.jobs).to.deep.equal([]);
  });
});
