import { expect } from 'chai';
import type { PipelineState } from '../../lib/core/pipeline/index.js';
import { FinishedRetention } from './retention.js';

describe('decider: retention of finished pipelines', () => {
  const state = (finished: boolean) => ({ finished }) as PipelineState;
  it('expires finished pipelines idle past the retention, oldest first; running ones never', () => {
    const r = new FinishedRetention(1000);
    r.touch('a', 0);
    r.touch('b', 100);
    r.touch('c', 200);
    r.touch('a', 300); // touched again: now the newest
    const states = new Map([
      ['a', state(true)],
      ['b', state(true)],
      ['c', state(false)],
    ]);
    expect(r.expired(states, 1150)).to.deep.equal(['b']);
    expect(r.expired(states, 1350)).to.deep.equal(['b', 'a']);
    expect(r.expired(states, 1350, 1)).to.deep.equal(['b']);
    r.forget('b');
    expect(r.expired(states, 5000)).to.deep.equal(['a']);
  });
});
