import { expect } from 'chai';
import {
  entryCombinations,
  entryJobNames,
  entrySize,
  matrixJobName,
  matrixSize,
  parallelJobNames,
  type MatrixEntry,
} from './matrix.js';

describe('parallel and parallel:matrix: GitLab job names', () => {
  it("names GitLab's documented example as GitLab does (docs, parallel:matrix: 7 deploystacks jobs)", () => {
    const matrix: MatrixEntry[] = [
      { PROVIDER: 'aws', STACK: ['monitoring', 'app1', 'app2'] },
      { PROVIDER: ['gcp', 'vultr'], STACK: ['data', 'processing'] },
    ];
    expect(matrix.flatMap((e) => entryJobNames('deploystacks', e))).to.deep.equal([
      'deploystacks: [aws, monitoring]',
      'deploystacks: [aws, app1]',
      'deploystacks: [aws, app2]',
      'deploystacks: [gcp, data]',
      'deploystacks: [gcp, processing]',
      'deploystacks: [vultr, data]',
      'deploystacks: [vultr, processing]',
    ]);
    expect(matrixSize(matrix)).to.equal(7);
  });

  const entries: [name: string, entry: MatrixEntry, combos: string[][]][] = [
    ['one variable, one value', { OS: 'linux' }, [['linux']]],
    ['one variable, values', { OS: ['linux', 'mac'] }, [['linux'], ['mac']]],
    [
      'the first variable varies slowest',
      { A: ['1', '2'], B: ['x', 'y'] },
      [
        ['1', 'x'],
        ['1', 'y'],
        ['2', 'x'],
        ['2', 'y'],
      ],
    ],
    [
      'values in the order of the entry’s variables, not by name',
      { Z: 'last', A: ['first', 'second'] },
      [
        ['last', 'first'],
        ['last', 'second'],
      ],
    ],
    [
      'three variables',
      { A: ['1', '2'], B: 'b', C: ['x', 'y', 'z'] },
      [1, 2].flatMap((a) => ['x', 'y', 'z'].map((c) => [`${a}`, 'b', c])),
    ],
  ];
  for (const [name, entry, combos] of entries) {
    it(`${name}: ${combos.length} combination(s)`, () => {
      expect(entryCombinations(entry)).to.deep.equal(combos);
      expect(entrySize(entry)).to.equal(combos.length);
    });
  }

  it('counts a matrix without making its jobs (15 × 15 = 225)', () => {
    const values = Array.from({ length: 15 }, (_, i) => `v${i}`);
    expect(matrixSize([{ A: values, B: values }])).to.equal(225);
    expect(matrixSize([{ A: values }, { B: values, C: ['1', '2'] }])).to.equal(45);
  });

  it('keeps values as written in the name (GitLab joins them with ", " inside brackets)', () => {
    expect(matrixJobName('build', ['ubuntu 22.04', 'x86_64'])).to.equal('build: [ubuntu 22.04, x86_64]');
    expect(matrixJobName('test:unit', ['a, b'])).to.equal('test:unit: [a, b]');
  });

  const parallel: [total: number, names: string[]][] = [
    [1, ['rspec 1/1']],
    [3, ['rspec 1/3', 'rspec 2/3', 'rspec 3/3']],
  ];
  for (const [total, names] of parallel) {
    it(`parallel: ${total} → ${names.join(', ')}`, () => expect(parallelJobNames('rspec', total)).to.deep.equal(names));
  }

  it('parallel: 200 ends with "<name> 200/200"', () => {
    const names = parallelJobNames('rspec', 200);
    expect(names).to.have.length(200);
    expect(names[199]).to.equal('rspec 200/200');
    expect(new Set(names).size).to.equal(200);
  });
});
