import { expect } from 'chai';
import { createAjv, toFieldErrors } from '../../platform/schemas/ajv.js';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import { compileDefinition, type AuthoredDefinition, type AuthoredJob } from './authored.js';
import type { DefinitionError, JobDefinition } from './definition.js';

const STAGES = ['build', 'test', 'deploy'];
const def = (...jobs: AuthoredJob[]): AuthoredDefinition => ({ stages: STAGES, jobs });
const codes = (errors: DefinitionError[]) => errors.map((e) => `${e.code} ${e.pointer}`);
const names = (d: AuthoredDefinition) => compileDefinition(d).definition.jobs.map((j) => j.name);
const jobNamed = (d: AuthoredDefinition, name: string) => {
  const { definition, errors } = compileDefinition(d);
  expect(errors, JSON.stringify(errors)).to.deep.equal([]);
  const j = definition.jobs.find((x) => x.name === name);
  expect(j, name).to.not.equal(undefined);
  return j!;
};

const DEPLOYSTACKS: AuthoredJob = {
  name: 'deploystacks',
  stage: 'build',
  parallel: {
    matrix: [
      { PROVIDER: 'aws', STACK: ['monitoring', 'app1', 'app2'] },
      { PROVIDER: ['gcp', 'vultr'], STACK: ['data', 'processing'] },
    ],
  },
};
const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('compileDefinition: authored definition → canonical definition', () => {
  it("fills GitLab's defaults and adds nothing else to a plain job", () => {
    expect(compileDefinition(def({ name: 'a', stage: 'build' }))).to.deep.equal({
      definition: {
        stages: STAGES,
        jobs: [
          {
            name: 'a',
            stage: 'build',
            needs: null,
            when: 'on_success',
            allow_failure: false,
            retry: { max: 0, when: ['always'] },
          },
        ],
      },
      origins: [0],
      errors: [],
    });
  });

  it("names matrix jobs as GitLab's docs do (parallel:matrix example, 7 jobs in order)", () => {
    expect(names(def(DEPLOYSTACKS))).to.deep.equal([
      'deploystacks: [aws, monitoring]',
      'deploystacks: [aws, app1]',
      'deploystacks: [aws, app2]',
      'deploystacks: [gcp, data]',
      'deploystacks: [gcp, processing]',
      'deploystacks: [vultr, data]',
      'deploystacks: [vultr, processing]',
    ]);
  });

  const unit: AuthoredJob = { name: 'unit', stage: 'test', parallel: 3 };
  const expansions: [name: string, d: AuthoredDefinition, job: string, expected: Partial<JobDefinition>][] = [
    ['parallel: N makes N jobs "<name> i/N"', def(unit), 'unit 2/3', { name: 'unit 2/3', stage: 'test' }],
    ['parallel: 1 makes "<name> 1/1"', def({ name: 'one', stage: 'build', parallel: 1 }), 'one 1/1', {}],
    [
      'a matrix of 200 jobs (the limit) is fine',
      def({ name: 'm', stage: 'build', parallel: { matrix: [{ A: values(20), B: values(10) }] } }),
      'm: [v19, v9]',
      {},
    ],
    [
      'a need on a parallel job means all its jobs',
      def(unit, { name: 'report', stage: 'deploy', needs: ['unit'] }),
      'report',
      { needs: ['unit 1/3', 'unit 2/3', 'unit 3/3'] },
    ],
    [
      'a need on one job of a parallel job by its name',
      def(unit, { name: 'report', stage: 'deploy', needs: ['unit 2/3'] }),
      'report',
      { needs: ['unit 2/3'] },
    ],
    [
      'needs:parallel:matrix names exactly the jobs of each entry',
      def(DEPLOYSTACKS, {
        name: 'rspec',
        stage: 'test',
        needs: [
          {
            job: 'deploystacks',
            parallel: {
              matrix: [
                { PROVIDER: 'aws', STACK: 'app1' },
                { PROVIDER: 'gcp', STACK: ['data', 'processing'] },
              ],
            },
          },
        ],
      }),
      'rspec',
      { needs: ['deploystacks: [aws, app1]', 'deploystacks: [gcp, data]', 'deploystacks: [gcp, processing]'] },
    ],
    [
      'the needs of a parallel job are every instance’s',
      def({ name: 'compile', stage: 'build' }, { ...unit, needs: ['compile'] }),
      'unit 3/3',
      { needs: ['compile'] },
    ],
    [
      'needs: [] stays empty (start at once), distinct from stage order',
      def({ name: 'lint', stage: 'test', needs: [] }),
      'lint',
      { needs: [] },
    ],
    [
      'an optional need on a job the definition does not have is dropped',
      def(
        { name: 'compile', stage: 'build' },
        { name: 'report', stage: 'deploy', needs: [{ job: 'ghost', optional: true }, 'compile'] },
      ),
      'report',
      { needs: ['compile'] },
    ],
    [
      'an optional need on a job it has is a need',
      def(
        { name: 'compile', stage: 'build' },
        { name: 'report', stage: 'deploy', needs: [{ job: 'compile', optional: true }] },
      ),
      'report',
      { needs: ['compile'] },
    ],
    [
      'dependencies on a parallel job are its jobs, each once',
      def(unit, { name: 'report', stage: 'deploy', dependencies: ['unit', 'unit 1/3'] }),
      'report',
      { dependencies: ['unit 1/3', 'unit 2/3', 'unit 3/3'] },
    ],
    [
      'dependencies: [] stays (no artifacts)',
      def({ name: 'a', stage: 'build', dependencies: [] }),
      'a',
      { dependencies: [] },
    ],
    [
      'when: delayed with start_in in whole seconds',
      def({ name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '30 minutes' }),
      'rollout',
      { when: 'delayed', start_in_s: 1800, allow_failure: false },
    ],
    [
      'start_in of exactly one week',
      def({ name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '1 week' }),
      'rollout',
      { start_in_s: 604_800 },
    ],
    [
      'a fraction of a second is rounded up',
      def({ name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '0.5 seconds' }),
      'rollout',
      { start_in_s: 1 },
    ],
    ['timeout in seconds', def({ name: 'a', stage: 'build', timeout: '3h 30m' }), 'a', { timeout_s: 12_600 }],
    [
      'a timeout of one month (30 days)',
      def({ name: 'a', stage: 'build', timeout: '1 month' }),
      'a',
      { timeout_s: 2_592_000 },
    ],
    [
      'allow_failure exit codes: allow_failure false, one code as a list',
      def({ name: 'a', stage: 'build', allow_failure: { exit_codes: 137 } }),
      'a',
      { allow_failure: false, allow_failure_exit_codes: [137] },
    ],
    [
      'allow_failure exit codes on a manual job: still allow_failure false',
      def({ name: 'a', stage: 'build', when: 'manual', allow_failure: { exit_codes: [1, 2, 1] } }),
      'a',
      { allow_failure: false, allow_failure_exit_codes: [1, 2] },
    ],
    [
      'a manual job may fail by default',
      def({ name: 'a', stage: 'build', when: 'manual' }),
      'a',
      { allow_failure: true },
    ],
    ['retry: n', def({ name: 'a', stage: 'build', retry: 2 }), 'a', { retry: { max: 2, when: ['always'] } }],
    [
      'retry when as one reason',
      def({ name: 'a', stage: 'build', retry: { max: 1, when: 'script_failure' } }),
      'a',
      { retry: { max: 1, when: ['script_failure'] } },
    ],
    [
      'retry exit codes without when: only those codes are retried (AutoRetry: when defaults to none)',
      def({ name: 'a', stage: 'build', retry: { max: 2, exit_codes: 137 } }),
      'a',
      { retry: { max: 2, when: [], exit_codes: [137] } },
    ],
    [
      'retry when and exit codes',
      def({ name: 'a', stage: 'build', retry: { max: 2, when: ['runner_system_failure'], exit_codes: [137, 255] } }),
      'a',
      { retry: { max: 2, when: ['runner_system_failure'], exit_codes: [137, 255] } },
    ],
    ['interruptible', def({ name: 'a', stage: 'build', interruptible: true }), 'a', { interruptible: true }],
  ];
  for (const [name, d, job, expected] of expansions) {
    it(name, () => expect(jobNamed(d, job)).to.deep.include(expected));
  }

  it('leaves out what was not written (interruptible, dependencies, timeout, start_in)', () => {
    const j = jobNamed(def({ name: 'a', stage: 'build' }), 'a');
    for (const k of ['interruptible', 'dependencies', 'timeout_s', 'start_in_s', 'allow_failure_exit_codes'])
      expect(j, k).to.not.have.property(k);
  });

  it('copies the members it does not compile as they are, to every instance', () => {
    const authored = {
      stages: STAGES,
      jobs: [{ name: 'deploy', stage: 'deploy', parallel: 2, resource_group: 'production' }],
      workflow: { auto_cancel: { on_new_commit: 'interruptible' } },
    } as unknown as AuthoredDefinition;
    const { definition } = compileDefinition(authored);
    expect(definition).to.deep.include({ workflow: { auto_cancel: { on_new_commit: 'interruptible' } } });
    expect(definition.jobs.map((j) => (j as unknown as { resource_group: string }).resource_group)).to.deep.equal([
      'production',
      'production',
    ]);
    expect(definition.jobs[0]).to.not.have.property('parallel');
  });

  it('gives each expanded job its own arrays', () => {
    const { definition } = compileDefinition(
      def({ name: 'c', stage: 'build' }, { ...unit, needs: ['c'], retry: { max: 1, exit_codes: [1] } }),
    );
    const [a, b] = definition.jobs.filter((j) => j.name.startsWith('unit'));
    expect(a!.needs).to.not.equal(b!.needs);
    expect(a!.retry.exit_codes).to.not.equal(b!.retry.exit_codes);
  });
});

describe('compileDefinition: errors point at what the producer sent', () => {
  const build: AuthoredJob = {
    name: 'build',
    stage: 'build',
    parallel: { matrix: [{ PROVIDER: ['aws', 'gcp'], STACK: ['app1', 'app2'] }] },
  };
  const errorCases: [name: string, d: AuthoredDefinition, expected: string[]][] = [
    [
      'a matrix of 225 jobs (GitLab: at most 200)',
      def(
        { name: 'big', stage: 'build', parallel: { matrix: [{ A: values(15), B: values(15) }] } },
        { name: 'after', stage: 'test', needs: ['big'] },
      ),
      ['invalid_parallel /definition/jobs/0/parallel/matrix'],
    ],
    [
      'entries that add up to 201 jobs',
      def({ name: 'big', stage: 'build', parallel: { matrix: [{ A: values(200) }, { B: 'x' }] } }),
      ['invalid_parallel /definition/jobs/0/parallel/matrix'],
    ],
    [
      'parallel: 201',
      def({ name: 'p', stage: 'build', parallel: 201 }),
      ['invalid_parallel /definition/jobs/0/parallel'],
    ],
    [
      'a need on a combination the matrix does not make',
      def(
        build,
        { name: 'a', stage: 'test' },
        { name: 'b', stage: 'test' },
        {
          name: 'rspec',
          stage: 'test',
          needs: [
            {
              job: 'build',
              parallel: {
                matrix: [
                  { PROVIDER: 'aws', STACK: 'app1' },
                  { PROVIDER: 'aws', STACK: 'app4' },
                ],
              },
            },
          ],
        },
      ),
      ['unknown_matrix_need /definition/jobs/3/needs/0/parallel/matrix/1'],
    ],
    [
      'a need naming the variables in another order (GitLab names the need from its own values)',
      def(build, {
        name: 'rspec',
        stage: 'test',
        needs: [{ job: 'build', parallel: { matrix: [{ STACK: 'app1', PROVIDER: 'aws' }] } }],
      }),
      ['unknown_matrix_need /definition/jobs/1/needs/0/parallel/matrix/0'],
    ],
    [
      'needs:parallel:matrix on a job without a matrix',
      def(
        { name: 'plain', stage: 'build' },
        { name: 'rspec', stage: 'test', needs: [{ job: 'plain', parallel: { matrix: [{ A: 'x' }] } }] },
      ),
      ['need_not_matrix /definition/jobs/1/needs/0/parallel'],
    ],
    [
      'needs:parallel:matrix on a parallel: N job',
      def(
        { name: 'p', stage: 'build', parallel: 2 },
        { name: 'rspec', stage: 'test', needs: [{ job: 'p', parallel: { matrix: [{ A: 'x' }] } }] },
      ),
      ['need_not_matrix /definition/jobs/1/needs/0/parallel'],
    ],
    [
      'optional with parallel:matrix',
      def(build, {
        name: 'rspec',
        stage: 'test',
        needs: [{ job: 'build', optional: true, parallel: { matrix: [{ PROVIDER: 'aws', STACK: 'app1' }] } }],
      }),
      ['optional_need_with_matrix /definition/jobs/1/needs/0/optional'],
    ],
    [
      'a need that is not optional on a job the definition does not have',
      def({ name: 'rspec', stage: 'test', needs: ['compile', { job: 'ghost', optional: false }] }),
      ['unknown_need /definition/jobs/0/needs/0', 'unknown_need /definition/jobs/0/needs/1'],
    ],
    [
      'a need on the whole matrix and on one of its jobs',
      def(build, {
        name: 'rspec',
        stage: 'test',
        needs: ['build', { job: 'build', parallel: { matrix: [{ PROVIDER: 'gcp', STACK: 'app2' }] } }],
      }),
      ['duplicate_need /definition/jobs/1/needs/1'],
    ],
    [
      'needs on parallel jobs that add up to more than 50',
      def(
        { name: 'many', stage: 'build', parallel: 60 },
        { name: 'rspec', stage: 'test', parallel: 2, needs: ['many'] },
      ),
      ['too_many_needs /definition/jobs/1/needs'],
    ],
    [
      'needs of a matrix job on a later stage, reported once for its 4 jobs',
      def({ ...build, needs: ['late'] }, { name: 'late', stage: 'deploy' }),
      ['need_in_later_stage /definition/jobs/0/needs/0'],
    ],
    [
      'a cycle through a matrix job',
      def(
        { ...build, stage: 'test', needs: ['lint'] },
        {
          name: 'lint',
          stage: 'test',
          needs: [{ job: 'build', parallel: { matrix: [{ PROVIDER: 'aws', STACK: 'app1' }] } }],
        },
      ),
      ['cyclic_needs /definition/jobs/1/needs/0'],
    ],
    [
      'more than 500 jobs once expanded: that alone',
      def(
        { name: 'a', stage: 'build', parallel: 200 },
        { name: 'b', stage: 'build', parallel: 200 },
        { name: 'c', stage: 'test', parallel: 101, needs: ['a', 'b'] },
      ),
      ['too_many_jobs /definition/jobs'],
    ],
    [
      'a matrix job named like another job',
      def({ name: 'build: [aws, app1]', stage: 'build' }, build),
      ['duplicate_job /definition/jobs/1/parallel/matrix/0'],
    ],
    [
      'a job named like a parallel job',
      def({ name: 'unit', stage: 'build', parallel: 2 }, { name: 'unit 2/2', stage: 'build' }),
      ['duplicate_job /definition/jobs/1/name'],
    ],
    [
      'matrix entries that make the same names (GitLab: they overwrite each other)',
      def({
        name: 't',
        stage: 'build',
        parallel: {
          matrix: [
            { OS: 'ubuntu', P: ['aws', 'gcp'] },
            { OS2: 'ubuntu', P: 'aws' },
          ],
        },
      }),
      ['duplicate_job /definition/jobs/0/parallel/matrix/1'],
    ],
    [
      'a matrix job name longer than 255 characters',
      def({ name: 'n'.repeat(240), stage: 'build', parallel: { matrix: [{ A: ['short', 'x'.repeat(20)] }] } }),
      ['invalid_job_name /definition/jobs/0/parallel/matrix/0'],
    ],
    [
      'when: delayed without start_in',
      def({ name: 'a', stage: 'build' }, { name: 'r', stage: 'deploy', when: 'delayed' }),
      ['delayed_without_start_in /definition/jobs/1/when'],
    ],
    [
      'start_in without when: delayed',
      def({ name: 'r', stage: 'deploy', start_in: '5 minutes' }),
      ['start_in_without_delayed /definition/jobs/0/start_in'],
    ],
    [
      'start_in that is no duration, without when: delayed',
      def({ name: 'r', stage: 'deploy', when: 'manual', start_in: 'later' }),
      ['start_in_without_delayed /definition/jobs/0/start_in'],
    ],
    [
      'start_in over one week',
      def({ name: 'r', stage: 'deploy', when: 'delayed', start_in: '1 week 1 second' }),
      ['invalid_start_in /definition/jobs/0/start_in'],
    ],
    [
      'start_in over one week on a parallel job: once',
      def({ name: 'r', stage: 'deploy', parallel: 3, when: 'delayed', start_in: '8 days' }),
      ['invalid_start_in /definition/jobs/0/start_in'],
    ],
    [
      'start_in that is no duration: only that (not "delayed without start_in")',
      def({ name: 'r', stage: 'deploy', when: 'delayed', start_in: 'soon' }),
      ['invalid_duration /definition/jobs/0/start_in'],
    ],
    [
      'timeout over one month',
      def({ name: 'a', stage: 'build', timeout: '1 month 1 day' }),
      ['invalid_timeout /definition/jobs/0/timeout'],
    ],
    [
      'timeout that is no duration',
      def({ name: 'a', stage: 'build', timeout: 'forever' }),
      ['invalid_duration /definition/jobs/0/timeout'],
    ],
    [
      'an unknown dependency of a matrix job, once',
      def({ ...build, dependencies: ['ghost'] }),
      ['unknown_dependency /definition/jobs/0/dependencies/0'],
    ],
    [
      'a dependency on a parallel job of the same stage',
      def({ name: 'u', stage: 'test', parallel: 2 }, { name: 'r', stage: 'test', dependencies: ['u'] }),
      ['dependency_not_in_earlier_stage /definition/jobs/1/dependencies/0'],
    ],
    [
      'a dependency that is not a need of a job with needs',
      def(
        { name: 'a', stage: 'build' },
        { name: 'b', stage: 'build' },
        { name: 'r', stage: 'test', needs: ['a'], dependencies: ['a', 'b'] },
      ),
      ['dependency_not_needed /definition/jobs/2/dependencies/1'],
    ],
    [
      'errors in the order of the authored jobs',
      def(
        { name: 'x', stage: 'build', when: 'delayed', start_in: 'soon' },
        { name: 'y', stage: 'nowhere', needs: ['x'] },
        { name: 'z', stage: 'build', timeout: 'never' },
      ),
      [
        'invalid_duration /definition/jobs/0/start_in',
        'unknown_stage /definition/jobs/1/stage',
        'invalid_duration /definition/jobs/2/timeout',
      ],
    ],
  ];
  for (const [name, d, expected] of errorCases) {
    it(`${name}: ${expected.join(', ')}`, () => expect(codes(compileDefinition(d).errors)).to.deep.equal(expected));
  }

  it('gives every error a pointer that resolves in the request body, and a message', () => {
    for (const [name, d] of errorCases) {
      const body = { definition: d } as unknown as Record<string, unknown>;
      for (const e of compileDefinition(d).errors) {
        const value = e.pointer
          .split('/')
          .slice(1)
          .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);
        expect(value, `${name}: ${e.pointer}`).to.not.equal(undefined);
        expect(e.message, name).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('names what the matrix does not make', () => {
    const [e] = compileDefinition(
      def(build, {
        name: 'rspec',
        stage: 'test',
        needs: [{ job: 'build', parallel: { matrix: [{ PROVIDER: ['aws', 'azure'], STACK: 'app9' }] } }],
      }),
    ).errors;
    expect(e!.message).to.equal('the matrix of job "build" makes no job "build: [aws, app9]", "build: [azure, app9]"');
  });
});

describe('compileDefinition: the canonical definition is a valid CreatePipeline definition', () => {
  const entry = loadCatalog().find((e) => e.topic === 'ci.intake.v1' && e.type === 'CreatePipeline')!;
  const ajv = createAjv();
  const validateRecord = ajv.compile(entry.schema);
  /** The definition in a CreatePipeline record (the schema is checked whole: it may refer to itself). */
  const validate = Object.assign(
    (definition: unknown) =>
      validateRecord({
        type: 'CreatePipeline',
        report_id: '0193a1b2-c3d4-7e5f-8a9b-000000000001',
        pipeline_id: '0193a1b2-c3d4-7e5f-8a9b-000000000002',
        project_id: 'group/project',
        occurred_at: '2026-11-28T10:00:00.000Z',
        received_at: '2026-11-28T10:00:00.000Z',
        idempotency_key: null,
        producer: 'test',
        correlation_id: '0193a1b2-c3d4-7e5f-8a9b-000000000001',
        ref: 'main',
        sha: 'abcdef0',
        source: 'api',
        definition,
      }),
    {
      get errors() {
        return validateRecord.errors;
      },
    },
  );

  it('with every keyword', () => {
    const { definition, errors } = compileDefinition(
      def(
        DEPLOYSTACKS,
        {
          name: 'unit',
          stage: 'test',
          parallel: 2,
          needs: [{ job: 'deploystacks', parallel: { matrix: [{ PROVIDER: 'aws', STACK: 'app1' }] } }],
          dependencies: ['deploystacks: [aws, app1]'],
          retry: { max: 2, exit_codes: 137 },
          timeout: '1h',
          interruptible: true,
        },
        {
          name: 'rollout',
          stage: 'deploy',
          when: 'delayed',
          start_in: '1 day',
          allow_failure: { exit_codes: [1, 2] },
          dependencies: ['unit'],
        },
      ),
    );
    expect(errors).to.deep.equal([]);
    expect(validate(definition) ? [] : toFieldErrors(validate.errors)).to.deep.equal([]);
  });

  it('(the schema refuses what the compiler never writes)', () => {
    const bad = structuredClone(compileDefinition(def({ name: 'a', stage: 'build' })).definition) as unknown as {
      jobs: Record<string, unknown>[];
    };
    bad.jobs[0]!.start_in = '5 minutes';
    expect(validate(bad)).to.equal(false);
  });
});
