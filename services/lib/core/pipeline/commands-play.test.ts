// PlayJob with variables: the job is enqueued with the keys of the variables it is played with; their values
// are secrets that stay in ingest and never reach an event (GitLab: play a manual job with variables).
import { expect } from 'chai';
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';

const def = definition(['build', 'deploy'], [job('compile', 'build'), job('deploy', 'deploy', { when: 'manual' })]);

const blocked = () => {
  const r = new Reports();
  return { r, ...run([r.create(def), ...r.runs('compile')]) };
};

describe('PlayJob: the variables a manual job is played with', () => {
  it('variable_keys: JobEnqueued carries the keys, in the order given', () => {
    const { r, events, ctx } = blocked();
    given(events, ctx)
      .when(r.play('deploy', { variable_keys: ['DEPLOY_ENV', 'REGION'] }))
      .then([
        { type: 'JobEnqueued', name: 'deploy', variable_keys: ['DEPLOY_ENV', 'REGION'] },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'running' },
      ]);
  });

  it('a record written before variable_keys: the keys of its variables, never their values', () => {
    const { r, events, ctx } = blocked();
    const played = given(events, ctx)
      .when(r.play('deploy', { variables: [{ key: 'API_TOKEN', value: 'glpat-Orchid215secret' }] }))
      .then([
        { type: 'JobEnqueued', name: 'deploy', variable_keys: ['API_TOKEN'] },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'running' },
      ]);
    expect(JSON.stringify(played)).not.to.include('glpat-Orchid215secret');
  });

  it('variable_keys wins over variables when a record has both', () => {
    const { r, events, ctx } = blocked();
    given(events, ctx)
      .when(r.play('deploy', { variable_keys: ['REGION'], variables: [{ key: 'OTHER', value: 'x' }] }))
      .then([{ type: 'JobEnqueued', name: 'deploy', variable_keys: ['REGION'] }, { type: 'PipelineStatusChanged' }]);
  });

  const none: [string, object][] = [
    ['played without variables', {}],
    ['played with an empty list of keys', { variable_keys: [] }],
  ];
  for (const [rule, over] of none) {
    it(`${rule}: JobEnqueued has no variable_keys at all`, () => {
      const { r, events, ctx } = blocked();
      const [enqueued] = given(events, ctx)
        .when(r.play('deploy', over))
        .then([{ type: 'JobEnqueued', name: 'deploy' }, { type: 'PipelineStatusChanged' }]);
      expect(enqueued).not.to.have.property('variable_keys');
    });
  }

  it('a job its turn enqueues (not played) has no variable_keys', () => {
    const { events } = blocked();
    const enqueued = events.filter((e) => e.type === 'JobEnqueued');
    expect(enqueued).to.have.length(1);
    expect(enqueued[0]).not.to.have.property('variable_keys');
  });
});
