import { expect } from 'chai';
import type { Definition } from './definition.js';
import { definition, job } from './fixtures.js';
import { validatePipeline } from './validate-pipeline.js';

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
