import { expect } from 'chai';
import { validateDefinition, type Definition, type DefinitionError } from './definition.js';
import { definition, job } from './fixtures.js';

const valid = () =>
  definition(
    ['build', 'test', 'deploy'],
    [
      job('compile', 'build'),
      job('unit', 'test', { needs: ['compile'] }),
      job('lint', 'test', { needs: [] }),
      job('ship', 'deploy'),
    ],
  );

/** A valid definition changed by `edit`. */
const withEdit = (edit: (d: { stages: string[]; jobs: ReturnType<typeof job>[] }) => void): Definition => {
  const d = structuredClone(valid()) as unknown as { stages: string[]; jobs: ReturnType<typeof job>[] };
  edit(d);
  return d as unknown as Definition;
};

const codes = (errors: DefinitionError[]) => errors.map((e) => `${e.code} ${e.pointer}`);

describe('validateDefinition', () => {
  it('accepts a valid definition (stage jobs, DAG jobs, needs [] and same-stage needs)', () => {
    expect(validateDefinition(valid())).to.deep.equal([]);
    expect(validateDefinition(withEdit((d) => d.jobs.push(job('e2e', 'test', { needs: ['unit'] }))))).to.deep.equal([]);
  });

  const cases: [name: string, edit: Parameters<typeof withEdit>[0], expected: string[]][] = [
    ['duplicate stage', (d) => d.stages.push('test'), ['duplicate_stage /definition/stages/3']],
    [
      'blank stage name',
      (d) => (d.stages[1] = ' '),
      [
        'invalid_stage_name /definition/stages/1',
        'unknown_stage /definition/jobs/1/stage',
        'unknown_stage /definition/jobs/2/stage',
      ],
    ],
    [
      'too many stages',
      (d) => d.stages.push(...Array.from({ length: 48 }, (_, i) => `s${i}`)),
      ['too_many_stages /definition/stages'],
    ],
    [
      'no stages, no jobs',
      (d) => {
        d.stages.length = 0;
        d.jobs.length = 0;
      },
      ['no_stages /definition/stages', 'no_jobs /definition/jobs'],
    ],
    ['duplicate job name', (d) => d.jobs.push(job('unit', 'deploy')), ['duplicate_job /definition/jobs/4/name']],
    ['job name too long', (d) => (d.jobs[3]!.name = 'x'.repeat(256)), ['invalid_job_name /definition/jobs/3/name']],
    ['empty job name', (d) => (d.jobs[3]!.name = ''), ['invalid_job_name /definition/jobs/3/name']],
    [
      'too many jobs',
      (d) => d.jobs.push(...Array.from({ length: 497 }, (_, i) => job(`j${i}`, 'deploy'))),
      ['too_many_jobs /definition/jobs'],
    ],
    ['unknown stage', (d) => (d.jobs[3]!.stage = 'release'), ['unknown_stage /definition/jobs/3/stage']],
    ['unknown need', (d) => (d.jobs[1]!.needs = ['compile', 'assets']), ['unknown_need /definition/jobs/1/needs/1']],
    ['need on itself', (d) => (d.jobs[2]!.needs = ['lint']), ['need_on_itself /definition/jobs/2/needs/0']],
    [
      'duplicate need',
      (d) => (d.jobs[1]!.needs = ['compile', 'compile']),
      ['duplicate_need /definition/jobs/1/needs/1'],
    ],
    [
      'too many needs',
      (d) => (d.jobs[1]!.needs = Array.from({ length: 51 }, () => 'compile')),
      [
        'too_many_needs /definition/jobs/1/needs',
        ...Array.from({ length: 50 }, (_, i) => `duplicate_need /definition/jobs/1/needs/${i + 1}`),
      ],
    ],
    ['need on a later stage', (d) => (d.jobs[0]!.needs = ['lint']), ['need_in_later_stage /definition/jobs/0/needs/0']],
    [
      'retry max out of range',
      (d) => (d.jobs[0]!.retry = { max: 3, when: ['always'] }),
      ['invalid_retry_max /definition/jobs/0/retry/max'],
    ],
    [
      'a cycle across stages is also a later-stage need',
      (d) => (d.jobs[0]!.needs = ['unit']),
      ['need_in_later_stage /definition/jobs/0/needs/0', 'cyclic_needs /definition/jobs/1/needs/0'],
    ],
    [
      'two-job cycle',
      (d) => {
        d.jobs[1]!.needs = ['lint'];
        d.jobs[2]!.needs = ['unit'];
      },
      ['cyclic_needs /definition/jobs/2/needs/0'],
    ],
    [
      'three-job cycle',
      (d) => {
        d.jobs.push(
          job('a', 'test', { needs: ['c'] }),
          job('b', 'test', { needs: ['a'] }),
          job('c', 'test', { needs: ['b'] }),
        );
      },
      ['cyclic_needs /definition/jobs/5/needs/0'],
    ],
  ];

  for (const [name, edit, expected] of cases) {
    it(`${name}: ${expected[0]}`, () => {
      expect(codes(validateDefinition(withEdit(edit)))).to.deep.equal(expected);
    });
  }

  it('accepts GitLab job settings at their bounds (delayed + start_in, timeout, exit codes, dependencies)', () => {
    const def = withEdit((d) => {
      Object.assign(d.jobs[3]!, {
        when: 'delayed',
        start_in_s: 604_800,
        timeout_s: 2_629_746,
        allow_failure: false,
        allow_failure_exit_codes: [137],
        retry: { max: 2, when: [], exit_codes: [1, 255] },
        dependencies: ['compile', 'unit'],
        interruptible: true,
      });
      Object.assign(d.jobs[1]!, { when: 'delayed', start_in_s: 1, timeout_s: 1, dependencies: ['compile'] });
      d.jobs[2]!.dependencies = [];
    });
    expect(validateDefinition(def)).to.deep.equal([]);
  });

  const settings: [name: string, edit: Parameters<typeof withEdit>[0], expected: string[]][] = [
    [
      'when: delayed without start_in',
      (d) => (d.jobs[3]!.when = 'delayed'),
      ['delayed_without_start_in /definition/jobs/3/when'],
    ],
    [
      'start_in without when: delayed',
      (d) => (d.jobs[3]!.start_in_s = 60),
      ['start_in_without_delayed /definition/jobs/3/start_in_s'],
    ],
    [
      'start_in over one week',
      (d) => Object.assign(d.jobs[3]!, { when: 'delayed', start_in_s: 604_801 }),
      ['invalid_start_in /definition/jobs/3/start_in_s'],
    ],
    [
      'start_in of 0 s',
      (d) => Object.assign(d.jobs[3]!, { when: 'delayed', start_in_s: 0 }),
      ['invalid_start_in /definition/jobs/3/start_in_s'],
    ],
    [
      'start_in not whole seconds',
      (d) => Object.assign(d.jobs[3]!, { when: 'delayed', start_in_s: 1.5 }),
      ['invalid_start_in /definition/jobs/3/start_in_s'],
    ],
    [
      'timeout over one month',
      (d) => (d.jobs[0]!.timeout_s = 2_629_747),
      ['invalid_timeout /definition/jobs/0/timeout_s'],
    ],
    ['timeout of 0 s', (d) => (d.jobs[0]!.timeout_s = 0), ['invalid_timeout /definition/jobs/0/timeout_s']],
    [
      'allow_failure true with exit codes',
      (d) => Object.assign(d.jobs[0]!, { allow_failure: true, allow_failure_exit_codes: [1] }),
      ['exit_codes_with_allow_failure /definition/jobs/0/allow_failure_exit_codes'],
    ],
    [
      'retry when empty without exit codes',
      (d) => (d.jobs[0]!.retry = { max: 1, when: [] }),
      ['empty_retry_when /definition/jobs/0/retry/when'],
    ],
    [
      'unknown dependency',
      (d) => (d.jobs[3]!.dependencies = ['compile', 'assets']),
      ['unknown_dependency /definition/jobs/3/dependencies/1'],
    ],
    [
      'duplicate dependency',
      (d) => (d.jobs[3]!.dependencies = ['compile', 'compile']),
      ['duplicate_dependency /definition/jobs/3/dependencies/1'],
    ],
    [
      'dependency of the same stage (a stage job gets artifacts of earlier stages only)',
      (d) => (d.jobs[3]!.dependencies = ['ship']),
      ['dependency_not_in_earlier_stage /definition/jobs/3/dependencies/0'],
    ],
    [
      'dependency of a later stage',
      (d) => (d.jobs[0]!.dependencies = ['ship']),
      ['dependency_not_in_earlier_stage /definition/jobs/0/dependencies/0'],
    ],
    [
      'a job with needs depends on a job it does not need',
      (d) => (d.jobs[1]!.dependencies = ['compile', 'lint']),
      ['dependency_not_needed /definition/jobs/1/dependencies/1'],
    ],
    [
      'needs: [] with a dependency (GitLab fetches artifacts from the needs only)',
      (d) => (d.jobs[2]!.dependencies = ['compile']),
      ['dependency_not_needed /definition/jobs/2/dependencies/0'],
    ],
  ];
  for (const [name, edit, expected] of settings) {
    it(`${name}: ${expected[0]}`, () => {
      expect(codes(validateDefinition(withEdit(edit)))).to.deep.equal(expected);
    });
  }

  it('names the cycle in the message', () => {
    const errors = validateDefinition(
      withEdit((d) =>
        d.jobs.push(
          job('a', 'test', { needs: ['c'] }),
          job('b', 'test', { needs: ['a'] }),
          job('c', 'test', { needs: ['b'] }),
        ),
      ),
    );
    expect(errors).to.have.length(1);
    expect(errors[0]!.message).to.equal('needs form a cycle: a → c → b → a');
  });

  it('gives every error a pointer that resolves in the report and a message', () => {
    const def = withEdit((d) => {
      d.stages.push('test');
      d.jobs.push(job('unit', 'nowhere', { needs: ['ghost', 'unit'] }));
    });
    const report = { definition: def } as Record<string, unknown>;
    const errors = validateDefinition(def);
    expect(codes(errors)).to.deep.equal([
      'duplicate_stage /definition/stages/3',
      'duplicate_job /definition/jobs/4/name',
      'unknown_stage /definition/jobs/4/stage',
      'unknown_need /definition/jobs/4/needs/0',
      'need_on_itself /definition/jobs/4/needs/1',
    ]);
    for (const e of errors) {
      const value = e.pointer
        .split('/')
        .slice(1)
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], report);
      expect(value, e.pointer).to.not.equal(undefined);
      expect(e.message).to.be.a('string').and.not.equal('');
    }
  });
});
