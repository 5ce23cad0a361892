import { expect } from 'chai';
import { measuresFor, missesOf, scoreLog, type LogScore } from './log-score.js';
import type { Prediction, TrainingLog } from './tunable.js';

const log: TrainingLog = { repo: 'a/b', build_id: '7', lines: Array(100).fill('x'), label: { start: 40, end: 45 } };
const range = (start_line: number, end_line: number) => ({ start_line, end_line, reason: 'r' });
const prediction = (evidence: [number, number][], context: (b: number) => [number, number][]): Prediction => ({
  context: (b) => context(b).map(([start, end]) => ({ start, end })),
  evidence: evidence.map(([s, e]) => range(s, e)),
  category: 'lint',
});

describe('scoreLog', () => {
  const cases: { name: string; p: Prediction; firstHit: number | null; recall: Record<string, boolean> }[] = [
    {
      name: 'first range hits, context from 16 kB',
      p: prediction([[44, 50]], (b) => (b >= 16000 ? [[30, 100]] : [[90, 100]])),
      firstHit: 1,
      recall: { 8000: false, 16000: true },
    },
    {
      name: 'third range hits; context only partly covers the label',
      p: prediction(
        [
          [1, 2],
          [3, 4],
          [45, 45],
        ],
        () => [[42, 100]],
      ),
      firstHit: 3,
      recall: { 8000: false, 16000: false },
    },
    {
      name: 'no range hits',
      p: prediction([[1, 2]], () => [[1, 100]]),
      firstHit: null,
      recall: { 8000: true, 16000: true },
    },
    {
      name: 'a hit past the tenth range does not count',
      p: prediction([...Array.from({ length: 10 }, (): [number, number] => [1, 1]), [40, 40]], () => []),
      firstHit: null,
      recall: { 8000: false, 16000: false },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = scoreLog(log, 'Go', c.p, [8000, 16000]);
      expect(s.firstHit).to.equal(c.firstHit);
      expect(s.recall).to.deep.equal(c.recall);
      expect(s.predicted).to.equal('lint');
      expect(s).to.not.have.property('category');
    });
  }

  const score = (over: Partial<LogScore>): LogScore => ({
    repo: 'a/b',
    build_id: '1',
    format: 'Go',
    lines: 10,
    label: { start: 1, end: 1 },
    recall: { 16000: true },
    firstHit: 1,
    ...over,
  });

  it('computes the measures, with macro-F1 only when asked', () => {
    const scores = [score({}), score({ firstHit: 2, recall: { 16000: false } }), score({ firstHit: null })];
    const ms = measuresFor([16000], false);
    expect(ms.map((m) => m.name)).to.deep.equal(['context recall @16000 B', 'evidence hit@1', 'evidence hit@3']);
    expect(ms.map((m) => m.stat(scores))).to.deep.equal([2 / 3, 1 / 3, 2 / 3]);
    const [f1, accuracy] = measuresFor([16000], true).slice(-2);
    expect(f1!.name).to.equal('category macro-F1');
    expect(f1!.stat([score({ category: 'lint', predicted: 'lint' }), score({ category: 'timeout' })])).to.equal(0.5);
    expect(accuracy!.name).to.equal('category accuracy');
    const three = [score({ category: 'lint', predicted: 'lint' }), score({ category: 'timeout' }), score({})];
    expect(accuracy!.stat(three)).to.equal(0.5);
  });

  const misses: [Partial<LogScore>, number, string][] = [
    [{}, 0, 'none'],
    [{ firstHit: 2 }, 1, 'first hit at rank 2'],
    [{ firstHit: 5, recall: { 16000: false } }, 3, 'label outside the 16000 B excerpt; first hit at rank 5'],
    [{ firstHit: null, recall: { 16000: false } }, 4, 'label outside the 16000 B excerpt; none in top 10'],
  ];
  for (const [over, failed, why] of misses) {
    it(`says why a log misses: ${why}`, () => expect(missesOf(score(over))).to.deep.equal({ failed, why }));
  }
});
