// The HISTORY.md headline of load-tests/log-excerpt/categories.ts.
//   VERITY_TEST_STACK=none npx mocha load-tests/log-excerpt/categories-headline.test.ts
import { expect } from 'chai';
import { headline } from '../headlines.js';

const measure = (name: string, cv: number, fit: number) => ({ measure: name, cv: { value: cv }, fit: { value: fit } });

describe('load-tests: the failure-category headline', () => {
  it('reads the first method’s macro-F1 and accuracy, CV with fit, against its rules alone by name', () => {
    const json = {
      repos: 45,
      categoryLabels: 447,
      folds: [{}, {}, {}, {}, {}],
      tunables: [
        {
          tunable: 'category',
          measures: [measure('category macro-F1', 0.6, 0.55), measure('category accuracy', 0.72, 0.73)],
        },
        { tunable: 'majority', measures: [measure('category macro-F1', 0.06, 0.06)] },
        { tunable: 'category-rules', measures: [measure('category macro-F1', 0.45, 0.49)] },
        { tunable: 'heuristic', measures: [measure('category macro-F1', 0.5, 0.5)] },
      ],
    };
    expect(headline('log-excerpt-categories', json)).to.deep.equal({
      figures: 'category CV (fit) macro-F1 60.0% (55.0%), accuracy 72.0% (73.0%); 447 labelled logs, 45 repos, 5 folds',
      ratio: 'macro-F1 CV 1.33× the rules alone (45.0%)',
    });
  });
});
