import { expect } from 'chai';
import { agreementReport, cohenKappa, type Pair } from './kappa.js';
import type { Label } from './labels.js';

/** `count` pairs (a, b). */
const times = (count: number, a: string, b: string): Pair[] => Array.from({ length: count }, () => ({ a, b }));

/** A 2×2 table [[yy, yn], [ny, nn]] (rows: rater A) as pairs. */
const table2 = (yy: number, yn: number, ny: number, nn: number): Pair[] => [
  ...times(yy, 'yes', 'yes'),
  ...times(yn, 'yes', 'no'),
  ...times(ny, 'no', 'yes'),
  ...times(nn, 'no', 'no'),
];

describe('cohenKappa', () => {
  const cases: { name: string; pairs: Pair[]; observed: number; expected: number; kappa: number }[] = [
    // The textbook examples (Wikipedia, "Cohen's kappa"): p_o 0.7, p_e 0.5·0.6 + 0.5·0.4 = 0.5.
    { name: '2×2, κ 0.4', pairs: table2(20, 5, 10, 15), observed: 0.7, expected: 0.5, kappa: 0.4 },
    // Same p_o 0.6, different marginals: p_e 0.6·0.7 + 0.4·0.3 = 0.54 → κ 0.06/0.46.
    { name: '2×2, κ 0.1304', pairs: table2(45, 15, 25, 15), observed: 0.6, expected: 0.54, kappa: 0.06 / 0.46 },
    // p_e 0.6·0.3 + 0.4·0.7 = 0.46 → κ 0.14/0.54.
    { name: '2×2, κ 0.2593', pairs: table2(25, 35, 5, 35), observed: 0.6, expected: 0.46, kappa: 0.14 / 0.54 },
    {
      name: 'perfect agreement, 3 categories',
      pairs: [...times(3, 'lint', 'lint'), ...times(2, 'timeout', 'timeout'), ...times(5, 'flaky', 'flaky')],
      observed: 1,
      expected: 0.38,
      kappa: 1,
    },
    { name: 'always opposite', pairs: table2(0, 10, 10, 0), observed: 0, expected: 0.5, kappa: -1 },
    // Agreement no better than chance: every cell equal.
    { name: 'chance level', pairs: table2(5, 5, 5, 5), observed: 0.5, expected: 0.5, kappa: 0 },
    { name: 'one category only: undefined', pairs: times(4, 'lint', 'lint'), observed: 1, expected: 1, kappa: NaN },
    { name: 'no pairs: undefined', pairs: [], observed: NaN, expected: NaN, kappa: NaN },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = cohenKappa(c.pairs);
      expect(r.n).to.equal(c.pairs.length);
      for (const [got, want] of [
        [r.observed, c.observed],
        [r.expected, c.expected],
        [r.kappa, c.kappa],
      ] as const) {
        if (Number.isNaN(want)) expect(Number.isNaN(got), `${got} is NaN`).to.equal(true);
        else expect(got).to.be.closeTo(want, 1e-12);
      }
    });
  }

  it('gives the table, per-category agreement and the large-sample interval', () => {
    const r = cohenKappa(table2(20, 5, 10, 15), ['yes', 'no']);
    expect(r.categories).to.deep.equal(['yes', 'no']);
    expect(r.confusion).to.deep.equal([
      [20, 5],
      [10, 15],
    ]);
    expect(r.perCategory[0]).to.deep.include({ category: 'yes', a: 25, b: 30, both: 20 });
    expect(r.perCategory[0]!.agreement).to.be.closeTo(40 / 55, 1e-12);
    expect(r.perCategory[1]!.agreement).to.be.closeTo(30 / 45, 1e-12);
    // √(0.7·0.3 / (50·0.5²)) = √0.0168.
    expect(r.se).to.be.closeTo(Math.sqrt(0.0168), 1e-12);
    expect(r.ci95[0]).to.be.closeTo(0.4 - 1.96 * Math.sqrt(0.0168), 1e-12);
  });

  it('puts the given order first, then the other categories sorted', () => {
    const r = cohenKappa([...times(1, 'b', 'z'), ...times(1, 'a', 'lint')], ['lint', 'timeout']);
    expect(r.categories).to.deep.equal(['lint', 'a', 'b', 'z']);
  });
});

describe('agreementReport', () => {
  const label = (id: string, category: Label['category'], note = ''): [string, Label] => [id, { id, category, note }];
  const a = new Map([label('o/r#1', 'lint', 'eslint'), label('o/r#2', 'timeout'), label('o/r#3', 'lint')]);
  const b = new Map([
    label('o/r#1', 'lint'),
    label('o/r#2', 'infrastructure', 'runner | died'),
    label('o/r#4', 'lint'),
  ]);
  const report = agreementReport(a, b, ['o/r#4', 'o/r#2', 'o/r#1', 'o/r#3', 'o/r#5']);

  it('counts what each pass labelled', () => {
    expect(report).to.include(
      'Labelled by both passes: 2; only by A: 1; only by B: 1; in the sample but by neither: 1 of 5.',
    );
  });
  it('lists the disagreements, notes escaped', () => {
    expect(report).to.include('## Disagreements (1)');
    expect(report).to.include('| o/r#2 | timeout | infrastructure |  | runner \\| died |');
  });
  it('has a confusion row per category used, in rubric order', () => {
    expect(report).to.match(/\| A \\ B \| timeout \| infrastructure \| lint \| total \|/);
  });
});
