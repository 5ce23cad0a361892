// The excerpt's byte accounting: UTF-8 lengths (1-, 2-, 3- and 4-byte characters, lone surrogates, which
// Buffer writes as U+FFFD), the cut of a line longer than maxLineBytesFor(maxBytes) to exactly its limit
// without splitting a character, and a budget used to the byte.
import { expect } from 'chai';
import { buildExcerpt, LinePacker, utf8Length } from './excerpt.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('utf8Length', () => {
  const cases: [string, string, number][] = [
    ['the last 1-byte character, U+007F', '\u007f', 1],
    ['the first 2-byte character, U+0080', '\u0080', 2],
    ['a 2-byte letter', 'Größe', 7],
    ['the last 2-byte character, U+07FF', '\u07ff', 2],
    ['the first 3-byte character, U+0800', '\u0800', 3],
    ['CJK text', '日本語', 9],
    ['the last character below the surrogates, U+D7FF', '\ud7ff', 3],
    ['the first character above them, U+E000', '\ue000', 3],
    ['the first surrogate pair, U+10000', '\ud800\udc00', 4],
    ['the last surrogate pair, U+10FFFF', '\udbff\udfff', 4],
    ['an emoji between letters', 'ok 😀 ok', 10],
    ['a high surrogate at the end of the string', 'x\ud83d', 4],
    ['a high surrogate before a letter', '\ud83dx', 4],
    ['a high surrogate before a 2-byte letter', '\ud83dé', 5],
    ['two high surrogates', '\ud83d\ud83d', 6],
    ['a low surrogate after a CJK character', '日\ude00', 6],
    ['a low surrogate after a letter', 'x\ude00', 4],
    ['two low surrogates', '\ude00\ude00', 6],
    ['a low surrogate before a high one', '\ude00\ud83d', 6],
  ];
  for (const [what, s, n] of cases)
    it(`given ${what}, then it counts ${n} bytes, as Buffer writes it`, () => {
      expect(utf8Length(s)).to.equal(n);
      expect(bytes(s)).to.equal(n);
    });
});

describe('buildExcerpt: a line longer than the line limit', () => {
  /** An ASCII line of exactly `n` bytes, like a minified bundle in a build log. */
  const ascii = (n: number) =>
    'dist/app.min.js: ' + 'function(a){return a+1};'.repeat(Math.ceil(n / 24)).slice(0, n - 17);

  // The limit is a sixteenth of the budget, at least 256 and at most 4096 bytes.
  for (const [maxBytes, limit] of [
    [4000, 256],
    [32_000, 2000],
    [100_000, 4096],
  ] as const) {
    it(`given a budget of ${maxBytes} bytes, then a line of exactly ${limit} bytes is kept whole`, () => {
      const line = ascii(limit);
      expect(buildExcerpt(line, { maxBytes })).to.deep.equal({
        text: line,
        ranges: [{ start: 1, end: 1 }],
        truncated: false,
      });
    });

    it(`given a budget of ${maxBytes} bytes, then a line of ${limit + 1} bytes is cut to exactly ${limit} with a note`, () => {
      const line = ascii(limit + 1);
      const note = ` … [${limit + 1} bytes, cut]`;
      const ex = buildExcerpt(line, { maxBytes });
      expect(ex.text).to.equal(line.slice(0, limit - bytes(note)) + note);
      expect(bytes(ex.text)).to.equal(limit);
      expect(ex.ranges).to.deep.equal([{ start: 1, end: 1 }]);
      expect(ex.truncated).to.equal(true);
    });
  }

  // With a budget of 4000 bytes the limit is 256; the note of a line of 1000 to 9999 bytes takes 22 of
  // them, which leaves 234 bytes for the start of the line: as many whole characters as fit.
  const cases: [string, string, string][] = [
    ['ASCII', 'x'.repeat(1000), 'x'.repeat(234)],
    ['2-byte letters', 'é'.repeat(600), 'é'.repeat(117)],
    ['the first 2-byte character, U+0080', '\u0080'.repeat(600), '\u0080'.repeat(117)],
    ['the first 3-byte character, U+0800', '\u0800'.repeat(400), '\u0800'.repeat(78)],
    [
      'emoji after a letter (58 of them fit, 233 bytes: half of the 59th is not taken)',
      'a' + '😀'.repeat(250),
      'a' + '😀'.repeat(58),
    ],
    ['the first surrogate pair, U+10000', '\ud800\udc00'.repeat(300), '\ud800\udc00'.repeat(58)],
    ['the last surrogate pair, U+10FFFF', '\udbff\udfff'.repeat(300), '\udbff\udfff'.repeat(58)],
    ['lone high surrogates (3 bytes each)', '\ud83d'.repeat(400), '\ud83d'.repeat(78)],
    ['lone low surrogates (3 bytes each)', '\ude00'.repeat(400), '\ude00'.repeat(78)],
    ['letters each followed by a lone low surrogate', 'x\ude00'.repeat(300), 'x\ude00'.repeat(58) + 'x'],
  ];
  for (const [what, line, kept] of cases)
    it(`given a line of ${what}, then the cut keeps its longest start that fits the limit`, () => {
      const ex = buildExcerpt(line, { maxBytes: 4000 });
      expect(ex.text).to.equal(kept + ` … [${bytes(line)} bytes, cut]`);
      expect(bytes(ex.text)).to.be.at.most(256);
    });
});

describe('buildExcerpt: a budget used to the byte', () => {
  // 9 lines: the separator of lines 1-7 or 1-8 is as long as the longest one (8-9) it is charged for.
  const lines = Array.from({ length: 9 }, (_, i) => `Step ${i + 1}/9 : RUN make -j2 target-${i + 1}`);
  const log = lines.join('\n');
  const lastTwo = `… [lines 1-7 omitted] …\n${lines[7]}\n${lines[8]}`;

  it('given a budget of exactly the bytes of the last two lines and their separator, then it holds them', () => {
    expect(buildExcerpt(log, { maxBytes: bytes(lastTwo) })).to.deep.equal({
      text: lastTwo,
      ranges: [{ start: 8, end: 9 }],
      truncated: true,
    });
  });

  it('given one byte less, then it holds the last line only', () => {
    expect(buildExcerpt(log, { maxBytes: bytes(lastTwo) - 1 })).to.deep.equal({
      text: `… [lines 1-8 omitted] …\n${lines[8]}`,
      ranges: [{ start: 9, end: 9 }],
      truncated: true,
    });
  });
});

describe('LinePacker', () => {
  it('given a line number outside the log, then add refuses it and the excerpt stays as it was', () => {
    const lines = ['$ make test', 'cc -c main.c', 'main.c:3:1: error: expected ‘;’'];
    const pack = new LinePacker(lines, 1000);
    expect(pack.add(2)).to.equal(true);
    expect(pack.add(-1)).to.equal(false);
    expect(pack.add(3)).to.equal(false);
    expect(pack.used).to.equal(bytes(lines[2]!) + 1);
    expect(pack.excerpt()).to.deep.equal({
      text: `… [lines 1-2 omitted] …\n${lines[2]}`,
      ranges: [{ start: 3, end: 3 }],
      truncated: true,
    });
  });
});
