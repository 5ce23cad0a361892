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

  // A backtracking pattern would not finish within mocha's timeout; the time itself is not asserted.
  it('tells a huge banner-like line with a stray character from a boundary', () => {
    expect(isBoundary(['=== ' + '-'.repeat(1_000_000) + 'x'], 0)).to.equal(false);
  });
});
