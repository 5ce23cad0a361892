import { expect } from 'chai';
import { parseLabel, parseLabelFiles } from './labels.js';

describe('parseLabel', () => {
  const cases: { line: string; want: string | { category: string; note: string } }[] = [
    {
      line: '{"id": "o/r#12", "category": "lint", "note": "eslint semi"}',
      want: { category: 'lint', note: 'eslint semi' },
    },
    { line: '{"id": "o/r#12", "category": "unknown"}', want: { category: 'unknown', note: '' } },
    { line: '{"id": "o/r#12", "category": "network"}', want: 'category must be one of' },
    { line: '{"id": "r#12", "category": "lint"}', want: 'id must be' },
    { line: `{"id": "o/r#1", "category": "lint", "note": "${'x'.repeat(121)}"}`, want: 'at most 120' },
    { line: '{"id": "o/r#1", "category": "lint", "note": 3}', want: 'note must be a string' },
    { line: '[1]', want: 'not an object' },
    { line: '{', want: 'not JSON' },
  ];
  for (const c of cases) {
    it(c.line.slice(0, 60), () => {
      const got = parseLabel(c.line);
      if (typeof c.want === 'string') expect((got as Error).message).to.include(c.want);
      else expect(got).to.deep.include(c.want);
    });
  }
});

describe('parseLabelFiles', () => {
  it('reads several files as one pass', () => {
    const labels = parseLabelFiles([
      { name: 'pass-a-1.jsonl', text: '{"id": "o/r#1", "category": "lint"}\n\n' },
      { name: 'pass-a-2.jsonl', text: '{"id": "o/r#2", "category": "timeout"}' },
    ]);
    expect([...labels.keys()]).to.deep.equal(['o/r#1', 'o/r#2']);
  });
  it('rejects an id labelled twice, naming both places', () => {
    expect(() =>
      parseLabelFiles([
        { name: 'a.jsonl', text: '{"id": "o/r#1", "category": "lint"}' },
        { name: 'b.jsonl', text: '\n{"id": "o/r#1", "category": "flaky"}' },
      ]),
    ).to.throw('b.jsonl:2: o/r#1 is labelled already at a.jsonl:1');
  });
  it('names the file and line of a bad label', () => {
    expect(() => parseLabelFiles([{ name: 'a.jsonl', text: '{"id": "o/r#1"}' }])).to.throw(
      'a.jsonl:1: o/r#1: category',
    );
  });
});
