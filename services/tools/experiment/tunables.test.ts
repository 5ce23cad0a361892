import { expect } from 'chai';
import { FEATURE_COUNT } from '../../lib/core/remediation/ranker/features.js';
import type { LabelledLog } from './dataset.js';
import { prepareLog, type TrainingLog } from './tunable.js';
import { heuristicTunable, tailRange, tailTunable, tunableByName } from './tunables.js';

const record = (log: string, start: number, end: number): LabelledLog => ({
  repo: 'a/b',
  build_id: '1',
  log,
  chunk_start_line: start,
  chunk_end_line: end,
});

describe('tunables', () => {
  const tails: [string[], number, { start: number; end: number }[]][] = [
    [['aaa', 'bb', 'c'], 1, [{ start: 3, end: 3 }]],
    [['aaa', 'bb', 'c'], 4, [{ start: 2, end: 3 }]], // "bb\nc" is 4 bytes
    [['aaa', 'bb', 'c'], 3, [{ start: 3, end: 3 }]],
    [['aaa', 'bb', 'c'], 100, [{ start: 1, end: 3 }]],
    [['aaa', 'bb', 'cc'], 1, []],
    [['aaa', 'é'], 2, [{ start: 2, end: 2 }]], // é is 2 UTF-8 bytes
  ];
  for (const [lines, budget, want] of tails) {
    it(`takes the lines wholly in the last ${budget} bytes of ${JSON.stringify(lines)}`, () => {
      expect(tailRange(lines, budget)).to.deep.equal(want);
    });
  }

  it('prepares a record as providers get it: sanitised, label clamped', () => {
    const log = prepareLog(record('\u001b[31mred\u001b[0m\nb', 2, 9));
    expect(log.lines).to.deep.equal(['red', 'b']);
    expect(log.label).to.deep.equal({ start: 2, end: 2 });
  });

  it('wraps the heuristic: its ranker fitted on the training logs, its excerpt as context, its evidence and category', () => {
    const filler = Array.from({ length: 300 }, (_, i) => `step ${i} ok`);
    const log: TrainingLog = {
      category: 'test_failure',
      ...prepareLog(
        record(
          [
            '$ go test ./...',
            '--- FAIL: TestA (0.00s)',
            '    a_test.go:3: want 1',
            ...filler,
            'The command "go test ./..." exited with 1.',
          ].join('\n'),
          2,
          3,
        ),
      ),
    };
    const model = heuristicTunable.fit([log]);
    expect(heuristicTunable.tuned).to.equal(true);
    expect(model.ranker.weights).to.have.length(FEATURE_COUNT);
    const p = heuristicTunable.predict(model, log);
    expect(p.category).to.equal('test_failure');
    expect(p.evidence[0]!.start_line).to.be.at.most(2);
    const context = p.context(16000);
    expect(context.some((r) => r.start <= 2 && 3 <= r.end)).to.equal(true);
    expect(
      tailTunable
        .predict(null, log)
        .context(1000)
        .some((r) => r.start <= 2),
    ).to.equal(false);
  });

  it('gives the tail baseline: the last 20 lines as evidence, unknown category', () => {
    const log = prepareLog(record(Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n'), 1, 1));
    const p = tailTunable.predict(tailTunable.fit([log]), log);
    expect(p.evidence).to.deep.equal([{ start_line: 11, end_line: 30, reason: 'end of the log' }]);
    expect(p.category).to.equal('unknown');
  });

  it('finds Tunables by name', () => {
    expect(tunableByName('tail')).to.equal(tailTunable);
    expect(() => tunableByName('openai')).to.throw(
      /no grouped CV for "openai" \(known: heuristic, tail, category, category-rules, majority\)/,
    );
  });
});
