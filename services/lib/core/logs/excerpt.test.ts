import { expect } from 'chai';
import { buildExcerpt, maxLineBytesFor, separatorLine, utf8Length, type Excerpt } from './excerpt.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const filler = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `compiling module ${from + i} of the project, all fine`);

/** The text an excerpt must have, rebuilt from its ranges. */
function rebuild(log: string, ex: Excerpt): string {
  const lines = log.split('\n');
  const out: string[] = [];
  let next = 1;
  for (const r of ex.ranges) {
    if (r.start > next) out.push(separatorLine(next, r.start - 1));
    out.push(...lines.slice(r.start - 1, r.end));
    next = r.end + 1;
  }
  if (ex.ranges.length > 0 && next <= lines.length) out.push(separatorLine(next, lines.length));
  return out.join('\n');
}

function expectWellFormed(ex: Excerpt, lineCount: number): void {
  let prevEnd = 0;
  for (const r of ex.ranges) {
    // Ordered, non-overlapping and non-adjacent (adjacent ranges are one range).
    expect(r.start, JSON.stringify(ex.ranges)).to.be.at.least(prevEnd === 0 ? 1 : prevEnd + 2);
    expect(r.end).to.be.at.least(r.start);
    expect(r.end).to.be.at.most(lineCount);
    prevEnd = r.end;
  }
}

describe('buildExcerpt', () => {
  it('returns a small log whole', () => {
    const log = 'line one\nError: two\nthree\n';
    const ex = buildExcerpt(log);
    expect(ex).to.deep.equal({ text: log, ranges: [{ start: 1, end: 4 }], truncated: false });
  });

  it('keeps the tail of a log without markers, with a separator for what is left out', () => {
    const log = filler(1, 5000).join('\n');
    const ex = buildExcerpt(log, { maxBytes: 4000 });
    expect(bytes(ex.text)).to.be.at.most(4000);
    expect(ex.truncated).to.equal(true);
    expect(ex.ranges).to.have.length(1);
    expect(ex.ranges[0]!.end).to.equal(5000);
    expect(ex.text.startsWith(`… [lines 1-${ex.ranges[0]!.start - 1} omitted] …\n`)).to.equal(true);
    expect(ex.text).to.equal(rebuild(log, ex));
  });

  it('finds a failure far from the end and keeps its window', () => {
    const lines = filler(1, 6000);
    lines[1999] = 'FAIL src/parser.test.ts';
    lines[2000] = '  ● parses dates';
    lines[2001] = '    expect(received).toEqual(expected)';
    const log = lines.join('\n');
    const ex = buildExcerpt(log, { maxBytes: 8000 });
    expect(bytes(ex.text)).to.be.at.most(8000);
    expect(
      ex.ranges.some((r) => r.start <= 1998 && r.end >= 2002),
      JSON.stringify(ex.ranges),
    ).to.equal(true);
    expect(ex.ranges[ex.ranges.length - 1]!.end).to.equal(6000);
    expect(ex.text).to.contain('FAIL src/parser.test.ts');
    expect(ex.text).to.match(/… \[lines \d+-\d+ omitted\] …/);
    expect(ex.text).to.equal(rebuild(log, ex));
  });

  it('runs a failing test report on to the end of its block', () => {
    const lines = filler(1, 3000);
    lines[999] = '--- FAIL: TestAlpha (0.00s)';
    for (let i = 1000; i < 1080; i++) lines[i] = `    repo_test.go:${i}: expected 'x' but got 'y'`;
    lines[1080] = '--- PASS: TestBeta (0.00s)';
    const ex = buildExcerpt(lines.join('\n'), { maxBytes: 16000 });
    expect(
      ex.ranges.some((r) => r.start <= 1000 && r.end >= 1080),
      JSON.stringify(ex.ranges),
    ).to.equal(true);
    expect(
      ex.ranges.some((r) => r.start <= 1081 && r.end >= 1081 && r.start > 1000),
      'the PASS line ends the block',
    ).to.equal(false);
  });

  it('gives the budget to the stronger marker when only one window fits', () => {
    const lines = filler(1, 3000);
    lines[499] = 'The command "make test" exited with 2.';
    lines[1499] = 'warning: deprecated API';
    const ex = buildExcerpt(lines.join('\n'), { maxBytes: 330, tailLines: 0, windowBefore: 2, windowAfter: 2 });
    const covered = (line: number) => ex.ranges.some((r) => r.start <= line && line <= r.end);
    expect(covered(500)).to.equal(true);
    expect(covered(1500)).to.equal(false);
  });

  it('honours windowBefore and windowAfter', () => {
    const lines = filler(1, 10000);
    lines[999] = 'Error: boom';
    const ex = buildExcerpt(lines.join('\n'), { maxBytes: 2000, tailLines: 0, windowBefore: 2, windowAfter: 3 });
    expect(ex.ranges.find((r) => r.start <= 1000 && 1000 <= r.end)).to.deep.equal({ start: 998, end: 1003 });
  });

  it('shortens a huge line and stays within the budget', () => {
    const log = ['start', 'x'.repeat(200_000), 'Error: after the blob', 'end'].join('\n');
    const ex = buildExcerpt(log, { maxBytes: 16000 });
    expect(bytes(ex.text)).to.be.at.most(16000);
    expect(ex.truncated).to.equal(true);
    expect(ex.text).to.contain('Error: after the blob');
    expect(ex.text).to.contain(`… [200000 bytes, cut]`);
    expect(ex.text.split('\n').every((l) => bytes(l) <= maxLineBytesFor(16000))).to.equal(true);
  });

  it('never exceeds the budget, multi-byte characters and separators included', () => {
    let seed = 42;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const words = [
      'ok',
      'Größe',
      '日本語',
      '😀',
      'Error:',
      'FAILED',
      'exited with 1',
      'x'.repeat(300),
      '',
      '$ make',
      '==========',
    ];
    for (let t = 0; t < 150; t++) {
      const lines = Array.from({ length: 1 + rand(400) }, () =>
        Array.from({ length: rand(6) }, () => words[rand(words.length)]).join(' '),
      );
      const log = lines.join('\n');
      const maxBytes = rand(3000);
      const ex = buildExcerpt(log, { maxBytes, tailLines: rand(250) });
      expect(bytes(ex.text), `budget ${maxBytes}`).to.be.at.most(maxBytes);
      expectWellFormed(ex, lines.length);
      if (!ex.truncated) expect(ex.text).to.equal(log);
    }
  });

  it('returns nothing when not even one line fits', () => {
    expect(buildExcerpt('a long first line\nanother long line', { maxBytes: 5 })).to.deep.equal({
      text: '',
      ranges: [],
      truncated: true,
    });
    expect(buildExcerpt('', { maxBytes: 0 })).to.deep.equal({
      text: '',
      ranges: [{ start: 1, end: 1 }],
      truncated: false,
    });
  });

  it('guarantees exactly the last tailLines lines when the markers take the rest of the budget', () => {
    const lines = filler(1, 200);
    lines[49] = 'Error: one';
    lines[99] = 'Error: two';
    for (const tailLines of [1, 2, 3]) {
      const ex = buildExcerpt(lines.join('\n'), { maxBytes: 1000, tailLines, windowBefore: 100, windowAfter: 0 });
      expect(bytes(ex.text)).to.be.at.most(1000);
      expect(ex.ranges.at(-1), `tailLines ${tailLines}: ${JSON.stringify(ex.ranges)}`).to.deep.equal({
        start: 201 - tailLines,
        end: 200,
      });
      // The markers' windows got the rest of the budget: both markers are in.
      for (const marker of [50, 100])
        expect(ex.ranges.some((r) => r.start <= marker && marker <= r.end)).to.equal(true);
    }
  });

  // Its time on large logs is measured by the log-excerpt benchmarks (load-tests/log-excerpt), not here.
  it('keeps to its budget on a large log full of markers', () => {
    const log = Array.from({ length: 200_000 }, (_, i) =>
      i % 2 ? `ERROR step ${i} failed` : `--- FAIL: Test${i}`,
    ).join('\n');
    const ex = buildExcerpt(log, { maxBytes: 65536 });
    expect(bytes(ex.text)).to.be.at.most(65536);
    expect(ex.text, 'the last line is in the tail window').to.contain('ERROR step 199999 failed');
  });

  it('counts UTF-8 bytes like Buffer does', () => {
    for (const s of ['', 'abc', 'Größe', '日本', '😀', '\ud800', 'a\udc00b'])
      expect(utf8Length(s), JSON.stringify(s)).to.equal(bytes(s));
  });
});
