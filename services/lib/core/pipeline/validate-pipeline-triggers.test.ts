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

  it("its instances' downstream errors point under the authored job", () => {
    const { errors } = compilePipeline(authored({ definition: child }), 'acme/app');
    expect([...new Set(errors.map((e) => `${e.code} ${e.pointer}`))]).to.deep.equal([
      'unknown_stage /definition/jobs/1/trigger/definition/jobs/0/stage',
    ]);
  });

  it('its trigger cycle points at the authored trigger', () => {
    const { errors } = compilePipeline(authored({ project: 'acme/app', definition: child }), 'acme/app');
    expect([...new Set(errors.map((e) => `${e.code} ${e.pointer}`))]).to.deep.equal([
      'trigger_cycle /definition/jobs/1/trigger/project',
    ]);
  });
});
