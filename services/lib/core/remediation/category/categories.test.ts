import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { fromEventCategory, isRubricCategory, RUBRIC_CATEGORIES } from './categories.js';

describe('rubric categories', () => {
  it('are the ids of docs/FAILURE-CATEGORIES.md in its precedence order, unknown last', () => {
    const doc = readFileSync(new URL('../../../../../docs/FAILURE-CATEGORIES.md', import.meta.url), 'utf8');
    const section = doc.split('## Categories, in precedence order')[1]!.split('\n## ')[0]!;
    const numbered = [...section.matchAll(/^\d+\. \*\*`(\w+)`\*\*/gm)].map((m) => m[1]);
    expect(numbered).to.have.length.above(0);
    expect(section).to.match(/^\*\*`unknown`\*\*/m);
    expect(RUBRIC_CATEGORIES).to.deep.equal([...numbered, 'unknown']);
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
