import { expect } from 'chai';
import type { Definition } from './definition.js';
import { definition, job } from './fixtures.js';
import { compilePipeline, validatePipeline } from './validate-pipeline.js';

const leaf = definition(['test'], [job('t', 'test')]);
const triggering = (trigger: NonNullable<Definition['jobs'][number]['trigger']>) =>
  definition(['build', 'down'], [job('b', 'build'), job('bridge', 'down', { trigger })]);
const codes = (def: Definition, project = 'acme/app') =>
  validatePipeline(def, project).map((e) => `${e.code} ${e.pointer}`);

describe('validatePipeline: trigger jobs and their downstream definitions', () => {
  it('a valid child and a valid multi-project downstream pass', () => {
    expect(codes(triggering({ definition: leaf }))).to.deep.equal([]);
    expect(codes(triggering({ definition: leaf, project: 'acme/deploy', strategy: 'depend' }))).to.deep.equal([]);
  });

  it("a downstream definition's own errors point into it", () => {
    const bad = definition(['test'], [job('t', 'nope')]);
    expect(codes(triggering({ definition: bad }))).to.deep.equal([
      'unknown_stage /definition/jobs/1/trigger/definition/jobs/0/stage',
    ]);
  });

  it('a trigger chain coming back to a project in it is a cycle (GitLab: pipeline_loop_detected)', () => {
    const back = triggering({ project: 'acme/app', definition: leaf });
    const viaDeploy = triggering({ project: 'acme/deploy', definition: back });
    expect(codes(back)).to.deep.equal(['trigger_cycle /definition/jobs/1/trigger/project']);
    expect(codes(viaDeploy)).to.deep.equal([
      'trigger_cycle /definition/jobs/1/trigger/definition/jobs/1/trigger/project',
    ]);
    // the same project twice in parallel branches is no cycle
    const twice = definition(
      ['down'],
      [
        job('x', 'down', { trigger: { project: 'acme/lib', definition: leaf } }),
        job('y', 'down', { trigger: { project: 'acme/lib', definition: leaf } }),
      ],
    );
    expect(codes(twice)).to.deep.equal([]);
  });

  it('child pipelines nest at most two levels deep', () => {
    const two = triggering({ definition: triggering({ definition: leaf }) });
    const three = triggering({ definition: two });
    expect(codes(two)).to.deep.equal([]);
    expect(codes(three)).to.deep.equal([
      'trigger_too_deep /definition/jobs/1/trigger/definition/jobs/1/trigger/definition/jobs/1/trigger',
    ]);
    // a multi-project pipeline starts its own count
    expect(codes(triggering({ project: 'acme/other', definition: two }))).to.deep.equal([]);
  });
});

describe('compilePipeline: an authored definition and its downstream definitions, compiled', () => {
  it('compiles each level (a matrix in a child definition) and keeps the trigger settings', () => {
    const authored = {
      stages: ['down'],
      jobs: [
        {
          name: 'bridge',
          stage: 'down',
          trigger: {
            strategy: 'depend' as const,
            definition: { stages: ['test'], jobs: [{ name: 'unit', stage: 'test', parallel: 2 }] },
          },
        },
      ],
    };
    const { definition: compiled, errors } = compilePipeline(authored, 'acme/app');
    expect(errors).to.deep.equal([]);
    const trigger = compiled.jobs[0]!.trigger!;
    expect(trigger.strategy).to.equal('depend');
    expect(trigger.definition.jobs.map((j) => j.name)).to.deep.equal(['unit 1/2', 'unit 2/2']);
    expect(validatePipeline(compiled, 'acme/app')).to.deep.equal([]);
  });

  it('errors point into what the producer wrote, at any depth; cycles and depth as validatePipeline', () => {
    const child = (jobs: object[]) => ({ stages: ['test'], jobs });
    const authored = {
      stages: ['build', 'down'],
      jobs: [
        { name: 'matrix', stage: 'build', parallel: 2 },
        {
          name: 'bridge',
          stage: 'down',
          trigger: { definition: child([{ name: 't', stage: 'test', start_in: '1 day' }]) },
        },
        {
          name: 'loop',
          stage: 'down',
          trigger: { project: 'acme/app', definition: child([{ name: 't', stage: 'test' }]) },
        },
      ],
    };
    const { errors } = compilePipeline(authored as never, 'acme/app');
    expect(errors.map((e) => `${e.code} ${e.pointer}`)).to.deep.equal([
      'start_in_without_delayed /definition/jobs/1/trigger/definition/jobs/0/start_in',
      'trigger_cycle /definition/jobs/2/trigger/project',
    ]);
  });
});
