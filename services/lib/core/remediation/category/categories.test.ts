import { expect } from 'chai';
import { fromEventCategory, isRubricCategory, RUBRIC_CATEGORIES } from './categories.js';

describe('rubric categories', () => {
  it('are the eleven ids of docs/FAILURE-CATEGORIES.md in precedence order, unknown last', () => {
    expect(RUBRIC_CATEGORIES).to.have.length(11);
    expect(RUBRIC_CATEGORIES[0]).to.equal('out_of_resources');
    expect(RUBRIC_CATEGORIES.at(-2)).to.equal('test_failure');
    expect(RUBRIC_CATEGORIES.at(-1)).to.equal('unknown');
  });

  const cases: [Parameters<typeof fromEventCategory>[0], string][] = [
    ['network', 'infrastructure'],
    ['infrastructure', 'infrastructure'],
    ['test_failure', 'test_failure'],
    ['flaky', 'flaky'],
    ['unknown', 'unknown'],
    ['permissions', 'permissions'],
  ];
  for (const [event, rubric] of cases) {
    it(`maps today's ${event} to ${rubric}`, () => expect(fromEventCategory(event)).to.equal(rubric));
  }

  it('tells rubric ids from others', () => {
    expect(isRubricCategory('permissions')).to.equal(true);
    expect(isRubricCategory('network')).to.equal(false);
  });
});
