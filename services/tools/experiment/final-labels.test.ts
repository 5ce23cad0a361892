import { expect } from 'chai';
import type { LabelledLog } from './dataset.js';
import { finalLabels, joinLabels } from './final-labels.js';
import type { Label, LabelCategory } from './labels.js';

const pass = (rows: [string, LabelCategory][]) =>
  new Map<string, Label>(rows.map(([id, category]) => [id, { id, category, note: '' }]));

describe('finalLabels', () => {
  const a = pass([
    ['o/r#1', 'lint'],
    ['o/r#2', 'lint'],
    ['o/s#3', 'compilation'],
  ]);
  const b = pass([
    ['o/r#1', 'lint'],
    ['o/r#2', 'test_failure'],
    ['o/s#3', 'compilation'],
  ]);

  it('takes the agreed label, else the adjudicated one', () => {
    const f = finalLabels(a, b, pass([['o/r#2', 'test_failure']]));
    expect([...f.labels]).to.deep.equal([
      ['o/r#1', 'lint'],
      ['o/r#2', 'test_failure'],
      ['o/s#3', 'compilation'],
    ]);
    expect(f).to.deep.include({ agreed: 2, adjudicated: 1 });
  });

  const errors: [string, () => unknown, RegExp][] = [
    ['a disagreement left undecided', () => finalLabels(a, b, new Map()), /without an adjudicated label: o\/r#2/],
    [
      'an adjudication of an agreed id',
      () =>
        finalLabels(
          a,
          b,
          pass([
            ['o/r#2', 'lint'],
            ['o/r#1', 'unknown'],
          ]),
        ),
      /not a disagreement of the passes: o\/r#1/,
    ],
    [
      'an id of one pass only',
      () => finalLabels(a, pass([['o/r#1', 'lint']]), new Map()),
      /one pass only: o\/r#2, o\/s#3/,
    ],
  ];
  for (const [what, run, message] of errors) it(`refuses ${what}`, () => expect(run).to.throw(message));
});

describe('joinLabels', () => {
  const record = (repo: string, build_id: string): LabelledLog => ({
    repo,
    build_id,
    log: 'x',
    chunk_start_line: 1,
    chunk_end_line: 1,
  });

  it('sets category by repo#build_id and leaves unlabelled records alone', () => {
    const { records, joined } = joinLabels(
      [record('o/r', '1'), record('o/r', '9')],
      new Map([['o/r#1', 'permissions']]),
    );
    expect(joined).to.equal(1);
    expect(records[0]!.category).to.equal('permissions');
    expect(records[1]).to.not.have.property('category');
  });
});
