import { expect } from 'chai';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { summary } from './stream.js';

describe('query: the live stream’s event summary', () => {
  const enqueued = exampleEvents.find((e) => e.type === 'JobEnqueued')!;

  it('shows the keys of a played job’s variables, never their values', () => {
    const played = {
      ...enqueued,
      variables: [
        { key: 'DEPLOY_TOKEN', value: 'glpat-not-for-the-stream' },
        { key: 'TARGET', value: 'eu-west-1' },
      ],
    } as PipelineEvent;
    const s = summary(played);
    expect(s.variable_keys).to.deep.equal(['DEPLOY_TOKEN', 'TARGET']);
    expect(s).to.not.have.property('variables');
    expect(JSON.stringify(s)).to.not.include('glpat-not-for-the-stream').and.not.include('eu-west-1');
  });

  it('leaves an event without variables as it was, less its internal fields', () => {
    const s = summary(enqueued);
    expect(s).to.not.have.property('variable_keys');
    expect(s).to.not.have.property('causation_id');
    expect(s).to.include({ type: 'JobEnqueued', job_id: (enqueued as { job_id: string }).job_id });
  });
});
