import { expect } from 'chai';
import { PROVIDER_NAMES, providerByName } from './providers.js';
import { contextOf } from './run-file.js';

describe('experiment providers', () => {
  it('knows the heuristic and the tail baseline', () => {
    expect(PROVIDER_NAMES).to.include.members(['heuristic', 'tail']);
    expect(providerByName('heuristic').name).to.equal('heuristic');
    expect(() => providerByName('nope')).to.throw(/unknown provider "nope" \(known: .*heuristic.*tail/);
    expect(() => providerByName('toString')).to.throw(/unknown provider/);
  });

  it('tail: the last 20 lines, category unknown, confidence 0.1', async () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    const { body } = await providerByName('tail').propose(
      contextOf({ repo: 'a/b', build_id: '1', log, chunk_start_line: 1, chunk_end_line: 1 }),
    );
    expect(body.evidence).to.deep.equal([{ start_line: 31, end_line: 50, reason: 'end of the log' }]);
    expect(body).to.deep.include({ category: 'unknown', confidence: 0.1 });
    expect(body.suggested_action.kind).to.equal('investigate');
  });
});
