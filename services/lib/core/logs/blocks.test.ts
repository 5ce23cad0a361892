import { expect } from 'chai';
import { Blocks, isBoundary } from './blocks.js';

describe('blocks', () => {
  const boundaries: [string, string[]][] = [
    ['a banner of one character', ['=========================']],
    [
      'a framed title',
      ['=============== warnings summary ===============', '---------- coverage: platform linux -----------'],
    ],
    ['an echoed command', ['$ npm test']],
    [
      'CI section markers',
      ['travis_fold:end:install', 'section_end:1700000000:build', '##[endgroup]', '::group::Run tests'],
    ],
    ['success lines', ['PASS test/a.test.js', '--- PASS: TestB (0.00s)', '  ✓ renders']],
  ];
  for (const [name, lines] of boundaries) {
    it(`${name} end a block`, () => {
      for (const line of lines) expect(isBoundary([line], 0), line).to.equal(true);
    });
  }

  it('two blank lines end a block, one does not', () => {
    expect(isBoundary(['', ''], 0)).to.equal(true);
    expect(isBoundary(['', 'x'], 0)).to.equal(false);
  });

  it('given lines of spaces and tabs only, then they count as blank lines', () => {
    expect(isBoundary(['   ', '\t'], 0)).to.equal(true);
    expect(isBoundary(['  \t', 'x'], 0)).to.equal(false);
  });

  it('given a blank line at the end of the log, then it ends a block (the end of the log counts as blank)', () => {
    expect(isBoundary(['x', ''], 1)).to.equal(true);
    expect(new Blocks(['FAIL a', 'x', 'y', 'z', '']).end(0, 100)).to.equal(3);
  });

  it('given a line past the end of the log, then it is a boundary', () => {
    expect(isBoundary(['x'], 1)).to.equal(true);
    expect(isBoundary([], 0)).to.equal(true);
  });

  it('given a banner of 400 characters, then it ends a block; one of 401 is not read as a banner', () => {
    expect(isBoundary(['='.repeat(400)], 0)).to.equal(true);
    expect(isBoundary(['='.repeat(401)], 0)).to.equal(false);
  });

  it('ordinary lines, diff headers, failures and pytest test separators do not', () => {
    for (const line of [
      '    at foo (a.js:1:2)',
      '--- Expected',
      '+++ Received',
      '--- FAIL: TestX (0.01s)',
      '____ test_parse ____',
      'E   assert 1 == 2',
    ]) {
      expect(isBoundary([line], 0), line).to.equal(false);
    }
  });

  it('runs a block to the line before its boundary, at most maxLines long', () => {
    const lines = ['FAIL a', '', '----------', 'diff', 'more', '----------', 'next'];
    const blocks = new Blocks(lines);
    expect(blocks.end(0, 100), 'a banner right after the header does not end it').to.equal(4);
    expect(blocks.end(0, 3)).to.equal(2);
    expect(new Blocks(['x', 'y', 'z']).end(0, 100)).to.equal(2);
  });

  it('given a boundary on the last line a block may take, then the block stops before it', () => {
    const lines = ['FAIL a', 'x', 'y', 'z', '$ make lint', 'more'];
    expect(new Blocks(lines).end(0, 5), 'maxLines reaches the command').to.equal(3);
    expect(new Blocks(['FAIL a', 'x', 'y', 'z', 'PASS b']).end(0, 100), 'the last line of the log').to.equal(3);
  });

  it('given a block looked up from every line, then each line is judged once (reads stay linear)', () => {
    const log = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? '' : `    at frame ${i} (a.js:${i}:1)`));
    let reads = 0;
    const lines = new Proxy(log, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const blocks = new Blocks(lines);
    for (let from = 0; from < log.length; from++) blocks.end(from, 100);
    // Judging line i reads it, and the line after it when it is blank; without the cache it is ~100 reads a line.
    expect(reads).to.be.at.most(2 * log.length);
  });

  // A backtracking pattern would not finish within mocha's timeout; the time itself is not asserted.
  it('tells a huge banner-like line with a stray character from a boundary', () => {
    expect(isBoundary(['=== ' + '-'.repeat(1_000_000) + 'x'], 0)).to.equal(false);
  });
});
