// How buildExcerpt shares its budget: the tail's guaranteed fifth (its separator line included), each
// marker's window (its own lines, a failing test's report to the end of its block, at most three quarters
// of the budget, one contiguous run), then the rest extending the tail backwards until a line does not fit.
import { expect } from 'chai';
import { buildExcerpt, rankMarkers } from './excerpt.js';
import { findMarkers } from './markers.js';

const filler = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `compiling module ${from + i} of the project, all fine`);
/** `text` padded with dots to exactly `width` bytes (ASCII). */
const pad = (text: string, width: number) => text.padEnd(width, '.');
const rangesOf = (log: string[], opts: Parameters<typeof buildExcerpt>[1]) =>
  buildExcerpt(log.join('\n'), opts).ranges.map((r) => `${r.start}-${r.end}`);

describe('buildExcerpt: the tail share', () => {
  // 100 lines of 39 bytes (40 with the newline), two errors far from the end whose windows (10 lines
  // before each) want more than what the tail leaves them: the later error gets 11 lines, the earlier one
  // what is left, so the tail ends up with what it took itself. A separator line costs at most 32 bytes here.
  const log = Array.from({ length: 100 }, (_, i) => pad(`[build] compiling module ${i + 1}`, 39));
  log[19] = pad('Error: cannot find module ./a', 39);
  log[49] = pad('Error: cannot find module ./b', 39);
  const opts = { windowBefore: 10, windowAfter: 0 };

  it('given a fifth of the budget that the last 4 lines and their separator fill to the byte, then the tail is those 4 lines', () => {
    // 955 bytes: a fifth is 191, the tail's text 4 × 40 + 32 - 1 (the text has one newline fewer).
    expect(rangesOf(log, { maxBytes: 955, ...opts })).to.deep.equal(['15-20', '40-50', '97-100']);
  });

  it('given a fifth of the budget with room for a 5th line but not for it and the separator, then the tail is 4 lines', () => {
    // 1000 bytes: a fifth is 200; 5 lines are 200 bytes without the separator above them, 232 with it.
    expect(rangesOf(log, { maxBytes: 1000, ...opts })).to.deep.equal(['14-20', '40-50', '97-100']);
  });
});

describe('buildExcerpt: the rest of the budget extends the tail', () => {
  it('given a log without markers, then the excerpt is the longest tail that fits, one separator above it', () => {
    // 1000 bytes: 24 lines of 40 bytes and a separator of at most 32 (992); a 25th line would make 1032.
    const log = Array.from({ length: 100 }, (_, i) => pad(`[test] running case ${i + 1} ok`, 39));
    const ex = buildExcerpt(log.join('\n'), { maxBytes: 1000 });
    expect(ex.ranges).to.deep.equal([{ start: 77, end: 100 }]);
    expect(ex.text).to.equal(['… [lines 1-76 omitted] …', ...log.slice(76)].join('\n'));
  });

  const make = ['$ make', 'cc -c main.c', 'cc -o app main.o', 'make: Nothing to be done for all'];

  it('given tailLines 0 and a budget for the whole log, then the rest of the budget still takes the whole log', () => {
    expect(buildExcerpt(make.join('\n'), { tailLines: 0 })).to.deep.equal({
      text: make.join('\n'),
      ranges: [{ start: 1, end: 4 }],
      truncated: false,
    });
  });

  it('given tailLines 2 and a budget for the whole log, then the rest of the budget takes the lines above, line 1 included', () => {
    expect(buildExcerpt(make.join('\n'), { tailLines: 2 })).to.deep.equal({
      text: make.join('\n'),
      ranges: [{ start: 1, end: 4 }],
      truncated: false,
    });
  });

  // A 300-byte budget: lines are cut at 256 bytes, so the 2,017-byte line 2 costs 257 and does not fit.
  const blob = `npm sill tarball ${'ab12'.repeat(500)}`;
  const installed = Array.from({ length: 8 }, (_, i) => `added package ${i + 1} of 8`);

  it('given a line that does not fit, then the tail stops below it and takes no shorter line above it', () => {
    const log = ['$ npm ci --no-audit', blob, ...installed];
    expect(buildExcerpt(log.join('\n'), { maxBytes: 300 })).to.deep.equal({
      text: ['… [lines 1-2 omitted] …', ...installed].join('\n'),
      ranges: [{ start: 3, end: 10 }],
      truncated: true,
    });
  });

  it('given exactly one line left out between a marker and the tail, then the separator names that line', () => {
    const log = ['Error: connect ECONNREFUSED 127.0.0.1:5432', blob, ...installed];
    expect(buildExcerpt(log.join('\n'), { maxBytes: 300 })).to.deep.equal({
      text: [log[0], '… [line 2 omitted] …', ...installed].join('\n'),
      ranges: [
        { start: 1, end: 1 },
        { start: 3, end: 10 },
      ],
      truncated: true,
    });
  });
});

describe('buildExcerpt: marker windows', () => {
  // A Go test's report of 40 lines (none of them a marker) after its `--- FAIL` line, ended by the next
  // test's `--- PASS`; later a trailer, the exit status of `go test`, inside a long run of output.
  const log = filler(1, 3000);
  log[999] = '--- FAIL: TestParseDates (0.01s)';
  for (let k = 1; k <= 40; k++)
    log[999 + k] = `    dates_test.go:${20 + k}: Parse("2024-02-${k}") = 2024-03-01, want 2024-02-${k}`;
  log[1040] = '--- PASS: TestParseTimes (0.00s)';
  log[1999] = 'The command "go test ./..." exited with 1.';
  const ranges = rangesOf(log, { maxBytes: 16_000 });

  it('given a failing test, then its window is 3 lines above it and its whole report, up to the next test', () => {
    expect(ranges).to.include('997-1040');
  });

  it('given an exit status, then its window is the 20 lines above it and 3 below, not the rest of its block', () => {
    expect(ranges).to.include('1980-2003');
  });

  it('given windowAfter, then the failing test window is that many lines, not the rest of the report', () => {
    expect(rangesOf(log, { maxBytes: 16_000, windowBefore: 3, windowAfter: 20 })).to.include('997-1020');
  });

  it('given lines that fill three quarters of the budget to the byte, then the window takes them all', () => {
    // 1000 bytes: a window may take 750, the marker and 14 lines after it of 50 bytes each. The tail gets
    // 3 lines; what is left (37 bytes) is less than a line.
    const log = Array.from({ length: 100 }, (_, i) => pad(`[test] running case ${i + 1} ok`, 49));
    log[29] = pad('Error: connect ECONNREFUSED 127.0.0.1:5432', 49);
    expect(rangesOf(log, { maxBytes: 1000, windowBefore: 0, windowAfter: 30 })).to.deep.equal(['30-44', '98-100']);
  });

  it('given a line in the window too long for what is left of its share, then the window ends above it', () => {
    // 400 bytes: a window may take 300; the marker and 2 lines take 120, the stack frame (cut to 256
    // bytes) would make 377. The lines after it are not taken: a window is one run of lines.
    const log = Array.from({ length: 60 }, (_, i) => pad(`[test] running case ${i + 1} ok`, 39));
    log[19] = pad('Error: connect ECONNREFUSED 127.0.0.1', 39);
    log[22] = `    at Object.<anonymous> (/app/dist/bundle.min.js:1:${'9'.repeat(1000)})`;
    expect(rangesOf(log, { maxBytes: 400, windowBefore: 0, windowAfter: 10 })).to.deep.equal(['20-22', '56-60']);
  });
});

describe('rankMarkers', () => {
  it('given two markers whose score and position weigh the same, then the later one ranks first', () => {
    // 30 lines: a panic (9) on line 10 weighs 9 + 3 × 10/30 = 10, make's error (8) on line 20 8 + 3 × 20/30 = 10.
    const log = filler(1, 30);
    log[9] = 'panic: runtime error: index out of range [3] with length 3';
    log[19] = 'make: *** [Makefile:12: test] Error 2';
    expect(rankMarkers(findMarkers(log), 30).map((m) => [m.line, m.score])).to.deep.equal([
      [20, 8],
      [10, 9],
    ]);
  });
});
