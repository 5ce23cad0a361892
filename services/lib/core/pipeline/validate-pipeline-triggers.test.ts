// The trigger rules over the tree of definitions: the messages of a trigger cycle and of child pipelines
// nested too deep, and where a parallel trigger job's downstream errors point in what the producer wrote.
import { expect } from 'chai';
import type { AuthoredDefinition } from './authored.js';
import type { Definition } from './definition.js';
import { definition, job } from './fixtures.js';
import { compilePipeline, validatePipeline } from './validate-pipeline.js';

const leaf = definition(['test'], [job('t', 'test')]);
const triggering = (trigger: NonNullable<Definition['jobs'][number]['trigger']>) =>
  definition(['build', 'down'], [job('b', 'build'), job('bridge', 'down', { trigger })]);

describe('validatePipeline: what the trigger errors say', () => {
  it('a cycle names the projects of the chain, back to the first', () => {
    const back = triggering({ project: 'acme/app', definition: leaf });
    expect(validatePipeline(triggering({ project: 'acme/deploy', definition: back }), 'acme/app')).to.deep.equal([
      {
        pointer: '/definition/jobs/1/trigger/definition/jobs/1/trigger/project',
        code: 'trigger_cycle',
        message: 'triggers form a cycle: acme/app → acme/deploy → acme/app (GitLab: pipeline_loop_detected)',
      },
    ]);
  });

  it('a child pipeline three levels deep names the limit', () => {
    const three = triggering({ definition: triggering({ definition: triggering({ definition: leaf }) }) });
    expect(validatePipeline(three, 'acme/app')).to.deep.equal([
      {
        pointer: '/definition/jobs/1/trigger/definition/jobs/1/trigger/definition/jobs/1/trigger',
        code: 'trigger_too_deep',
        message: 'child pipelines nest at most 2 levels deep',
      },
    ]);
  });
});

describe('compilePipeline: a parallel trigger job', () => {
  const child = { stages: ['test'], jobs: [{ name: 'x', stage: 'nowhere' }] };
  const authored = (trigger: object) =>
    ({
      stages: ['build', 'down'],
      jobs: [
        { name: 'b', stage: 'build' },
        { name: 'bridge', stage: 'down', parallel: 2, trigger },
      ],
    }) as unknown as AuthoredDefinition;

  it("its instances' downstream errors point under the authored job, said once for all its instances", () => {
    const { errors } = compilePipeline(authored({ definition: child }), 'acme/app');
    expect(errors.map((e) => `${e.code} ${e.pointer}`)).to.deep.equal([
      'unknown_stage /definition/jobs/1/trigger/definition/jobs/0/stage',
    ]);
  });

  it('its trigger cycle points at the authored trigger, once', () => {
    const { errors } = compilePipeline(authored({ project: 'acme/app', definition: child }), 'acme/app');
    expect(errors.map((e) => `${e.code} ${e.pointer}`)).to.deep.equal([
      'trigger_cycle /definition/jobs/1/trigger/project',
    ]);
  });
});

describe('compilePipeline: two trigger jobs with the same trigger', () => {
  it('each error points at its own job', () => {
    const trigger = { project: 'acme/app', definition: { stages: ['test'], jobs: [{ name: 't', stage: 'test' }] } };
    const authored = {
      stages: ['down'],
      jobs: [
        { name: 'l1', stage: 'down', trigger },
        { name: 'l2', stage: 'down', trigger },
      ],
    } as unknown as AuthoredDefinition;
    expect(compilePipeline(authored, 'acme/app').errors.map((e) => `${e.code} ${e.pointer}`)).to.deep.equal([
      'trigger_cycle /definition/jobs/0/trigger/project',
      'trigger_cycle /definition/jobs/1/trigger/project',
    ]);
  });
});

describe('compilePipeline: a job named like a parallel job', () => {
  it('is a duplicate, pointed at as written', () => {
    const authored = {
      stages: ['build'],
      jobs: [
        { name: 'u', stage: 'build', parallel: 2 },
        { name: 'u', stage: 'build' },
      ],
    } as unknown as AuthoredDefinition;
    expect(compilePipeline(authored, 'acme/app').errors).to.deep.equal([
      {
        pointer: '/definition/jobs/1/name',
        code: 'duplicate_job',
        message: 'job "u" is already defined at /definition/jobs/0',
      },
    ]);
  });

  it('after a parallel job, a duplicate names the first as written, not by its place among the instances', () => {
    const authored = {
      stages: ['build'],
      jobs: [
        { name: 'u', stage: 'build', parallel: 2 },
        { name: 'v', stage: 'build' },
        { name: 'v', stage: 'build' },
      ],
    } as unknown as AuthoredDefinition;
    expect(compilePipeline(authored, 'acme/app').errors).to.deep.equal([
      {
        pointer: '/definition/jobs/2/name',
        code: 'duplicate_job',
        message: 'job "v" is already defined at /definition/jobs/1',
      },
    ]);
  });
});
