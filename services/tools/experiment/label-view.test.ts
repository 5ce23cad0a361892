import { expect } from 'chai';
import { compactView, parseSelection, type ViewOptions } from './label-view.js';

/** A log of `n` lines `line 1` … `line n`, ending with a newline. */
const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('compactView', () => {
  const cases: { name: string; log: string; start: number; end: number; options?: ViewOptions; want: string[] }[] = [
    {
      name: 'before, chunk and tail, with the gaps counted',
      log: numbered(30),
      start: 10,
      end: 11,
      options: { before: 2, tail: 3 },
      want: [
        '--- before: lines 8–9',
        '     … 7 lines …',
        ' 8 | line 8',
        ' 9 | line 9',
        '--- chunk: lines 10–11 (2 lines)',
        '10 > line 10',
        '11 > line 11',
        '--- end of the log: lines 28–30',
        '     … 16 lines …',
        '28 | line 28',
        '29 | line 29',
        '30 | line 30',
      ],
    },
    {
      name: 'a chunk at the start and end of the log: no before, no tail',
      log: numbered(3),
      start: 1,
      end: 3,
      want: [
        '--- chunk: lines 1–3 (3 lines)',
        '1 > line 1',
        '2 > line 2',
        '3 > line 3',
        '--- (the chunk ends the log)',
      ],
    },
    {
      name: 'the tail never repeats the chunk',
      log: numbered(6),
      start: 2,
      end: 4,
      options: { before: 5, tail: 5 },
      want: [
        '--- before: lines 1–1',
        '1 | line 1',
        '--- chunk: lines 2–4 (3 lines)',
        '2 > line 2',
        '3 > line 3',
        '4 > line 4',
        '--- end of the log: lines 5–6',
        '5 | line 5',
        '6 | line 6',
      ],
    },
    {
      name: 'a long chunk keeps its first and last halves',
      log: numbered(10),
      start: 2,
      end: 9,
      options: { before: 0, tail: 1, maxChunk: 4 },
      want: [
        '--- chunk: lines 2–9 (8 lines)',
        ' 2 > line 2',
        ' 3 > line 3',
        '     … 4 lines of the chunk …',
        ' 8 > line 8',
        ' 9 > line 9',
        '--- end of the log: lines 10–10',
        '10 | line 10',
      ],
    },
    {
      name: 'ANSI codes and carriage-return overwrites are stripped, long lines cut',
      log: 'a\n\x1b[31mError:\x1b[0m boom\nprogress 10%\rprogress 100%\n' + 'x'.repeat(12),
      start: 2,
      end: 3,
      options: { maxLineChars: 11 },
      want: [
        '--- before: lines 1–1',
        '1 | a',
        '--- chunk: lines 2–3 (2 lines)',
        '2 > Error: boom',
        '3 > progress 10 … (+2 chars)',
        '--- end of the log: lines 4–4',
        '4 | xxxxxxxxxxx … (+1 chars)',
      ],
    },
    {
      name: 'line numbers outside the log are clamped',
      log: 'one\ntwo',
      start: 2,
      end: 9,
      want: [
        '--- before: lines 1–1',
        '1 | one',
        '--- chunk: lines 2–2 (1 line)',
        '2 > two',
        '--- (the chunk ends the log)',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(compactView(c.log, c.start, c.end, c.options).split('\n')).to.deep.equal(c.want);
    });
  }

  it('shows no tail when none is asked for', () => {
    expect(compactView(numbered(5), 2, 2, { before: 0, tail: 0 })).to.equal(
      '--- chunk: lines 2–2 (1 line)\n2 > line 2',
    );
  });

  it('shows at most 60 lines of a chunk, 15 before and 15 at the end by default', () => {
    const view = compactView(numbered(1000), 101, 300).split('\n');
    expect(view.filter((l) => / > /.test(l))).to.have.length(60);
    expect(view.filter((l) => / \| /.test(l))).to.have.length(30);
  });
});

describe('parseSelection', () => {
  it('reads ranges, single positions, open ranges and ids', () => {
    expect(parseSelection(['3-5', '9', 'o/r#12'])).to.deep.equal({ positions: [3, 4, 5, 9], ids: ['o/r#12'] });
    expect(parseSelection(['160-end']).positions.slice(0, 2)).to.deep.equal([160, 161]);
  });
  it('rejects what is neither', () => {
    expect(() => parseSelection(['5-3'])).to.throw('empty range');
    expect(() => parseSelection(['abc'])).to.throw('not a position');
  });
});
