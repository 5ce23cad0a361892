// The HISTORY.md headline of load-tests/log-excerpt/cv.ts.
//   VERITY_TEST_STACK=none npx mocha load-tests/log-excerpt/cv-headline.test.ts
import { expect } from 'chai';
import { headline } from '../headlines.js';

const measure = (name: string, cv: number, fit: number) => ({
  measure: name,
  cv: { value: cv },
  fit: { value: fit },
  gapPoints: (fit - cv) * 100,
});

describe('load-tests: the grouped-CV headline', () => {
  it('reads the held-out figures with the fit beside them, the time and the ratio to the tail', () => {
    const json = {
      logs: 447,
      repos: 45,
      folds: [{}, {}, {}, {}, {}],
      tunables: [
        {
          tunable: 'heuristic',
          measures: [
            measure('context recall @16000 B', 0.9, 0.95),
            measure('evidence hit@1', 0.7, 0.72),
            measure('evidence hit@3', 0.88, 0.9),
          ],
        },
        { tunable: 'tail', measures: [measure('context recall @16000 B', 0.75, 0.75)] },
      ],
      timing: { methods: [{ tunable: 'heuristic', median_ms: 9, largest_ms: 139 }] },
    };
    expect(headline('log-excerpt-cv', json)).to.deep.equal({
      figures:
        'heuristic CV (fit) recall@16k 90.0% (95.0%), hit@1 70.0% (72.0%), hit@3 88.0% (90.0%); 447 logs, 45 repos, 5 folds; 9 ms median, 139 ms on the largest log',
      ratio: "recall@16k CV 1.20× the tail's (75.0%); largest gap 5.0 pts",
    });
  });

  it('reads the first method, its own time, and the tail by name wherever it is listed', () => {
    const json = {
      logs: 447,
      repos: 45,
      folds: [{}, {}, {}, {}, {}],
      tunables: [
        { tunable: 'ranker', measures: [measure('context recall @16000 B', 0.9, 0.91)] },
        { tunable: 'heuristic', measures: [measure('context recall @16000 B', 0.95, 0.95)] },
        { tunable: 'tail', measures: [measure('context recall @16000 B', 0.75, 0.75)] },
      ],
      timing: {
        methods: [
          { tunable: 'ranker', median_ms: 12, largest_ms: 300 },
          { tunable: 'heuristic', median_ms: 9, largest_ms: 139 },
        ],
      },
    };
    const h = headline('log-excerpt-cv', json);
    expect(h.figures)
      .to.match(/^ranker CV \(fit\) recall@16k 90\.0% \(91\.0%\)/)
      .and.to.contain('12 ms median, 300 ms');
    expect(h.ratio).to.equal("recall@16k CV 1.20× the tail's (75.0%); largest gap 1.0 pts");
  });

  it('tolerates an empty result', () => {
    expect(headline('log-excerpt-cv', {}).figures).to.contain('—');
  });
});
