import { expect } from 'chai';
import { forEachLine, MASK, maskSpans, type Span } from './mask.js';

describe('maskSpans', () => {
  it('the mask is [MASKED], GitLab’s word for a masked variable', () => expect(MASK).to.equal('[MASKED]'));

  const text = 'user=bob password=hunter22 token=abc123xyz';
  //            0         1         2         3         4
  //            0123456789012345678901234567890123456789012
  const table: { name: string; spans: Span[]; text: string; count: number }[] = [
    { name: 'given no spans, then the text is unchanged', spans: [], text, count: 0 },
    {
      name: 'given one span, then exactly those characters become the mask',
      spans: [{ start: 18, end: 26 }],
      text: `user=bob password=${MASK} token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given spans out of order, then each is masked in place',
      spans: [
        { start: 33, end: 42 },
        { start: 18, end: 26 },
      ],
      text: `user=bob password=${MASK} token=${MASK}`,
      count: 2,
    },
    {
      name: 'given overlapping spans, then they become one mask reaching the farther end',
      spans: [
        { start: 18, end: 22 },
        { start: 20, end: 26 },
      ],
      text: `user=bob password=${MASK} token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given touching spans, then they become one mask (how many secrets stood there is not told)',
      spans: [
        { start: 18, end: 22 },
        { start: 22, end: 26 },
      ],
      text: `user=bob password=${MASK} token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given a chain of touching spans out of order, then they become one mask',
      spans: [
        { start: 38, end: 42 },
        { start: 33, end: 36 },
        { start: 36, end: 38 },
      ],
      text: `user=bob password=hunter22 token=${MASK}`,
      count: 1,
    },
    {
      name: 'given spans one character apart, then each is its own mask',
      spans: [
        { start: 18, end: 26 },
        { start: 27, end: 32 },
      ],
      text: `user=bob password=${MASK} ${MASK}=abc123xyz`,
      count: 2,
    },
    {
      name: 'given a span at the start of the text, then it is masked (nothing before it to join)',
      spans: [{ start: 0, end: 4 }],
      text: `${MASK}=bob password=hunter22 token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given a span inside another that comes after it, then the outer span’s end is kept',
      spans: [
        { start: 18, end: 26 },
        { start: 19, end: 21 },
      ],
      text: `user=bob password=${MASK} token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given a span inside another that comes before it, then the outer span’s end is kept',
      spans: [
        { start: 19, end: 21 },
        { start: 18, end: 26 },
      ],
      text: `user=bob password=${MASK} token=abc123xyz`,
      count: 1,
    },
    {
      name: 'given an empty span, then nothing is inserted',
      spans: [{ start: 18, end: 18 }],
      text,
      count: 0,
    },
    {
      name: 'given a reversed span (end before start), then nothing is masked or repeated',
      spans: [{ start: 26, end: 18 }],
      text,
      count: 0,
    },
    {
      name: 'given an empty span beside a real one, then only the real one is masked',
      spans: [
        { start: 5, end: 5 },
        { start: 33, end: 42 },
      ],
      text: `user=bob password=hunter22 token=${MASK}`,
      count: 1,
    },
  ];
  for (const c of table)
    it(c.name, () => expect(maskSpans(text, c.spans)).to.deep.equal({ text: c.text, count: c.count }));
});

describe('forEachLine', () => {
  const lines = (text: string) => {
    const out: [string, number][] = [];
    forEachLine(text, (line, offset) => out.push([line, offset]));
    return out;
  };
  const table: [string, string, [string, number][]][] = [
    ['given one line, then it is passed with offset 0', 'abc', [['abc', 0]]],
    [
      'given lines, then each comes without its newline and with its offset',
      'ab\ncde\nf',
      [
        ['ab', 0],
        ['cde', 3],
        ['f', 7],
      ],
    ],
    [
      'given a trailing newline, then the empty last line is passed too',
      'ab\n',
      [
        ['ab', 0],
        ['', 3],
      ],
    ],
    [
      'given a leading newline, then the first line is empty',
      '\nab',
      [
        ['', 0],
        ['ab', 1],
      ],
    ],
    ['given an empty text, then one empty line', '', [['', 0]]],
  ];
  for (const [name, text, expected] of table) it(name, () => expect(lines(text)).to.deep.equal(expected));
});
