// The log viewer's rows: collapsed sections, evidence notes and marks, the URL's line anchors.
import { expect } from 'chai';
import { parseLog } from './log-model.js';
import {
  anchorOf,
  buildRows,
  clampRange,
  evidenceOf,
  initiallyCollapsed,
  parseAnchor,
  rangeText,
  rowForLine,
  sectionsAround,
} from './rows.js';

const E = '\x1b';
const LOG = [
  'one',
  `section_start:1:deps[collapsed=true]\r${E}[0KInstall`,
  'three',
  'four',
  `section_end:2:deps\r${E}[0K`,
  'six',
  'seven',
].join('\n');

describe('dashboard job page: the log rows', () => {
  const model = parseLog(LOG);

  it('a collapsed section shows its header only; the hidden end line is never a row', () => {
    const collapsed = buildRows(model, initiallyCollapsed(model));
    expect([...collapsed.items]).to.deep.equal([0, 1, 5, 6]);
    expect([...collapsed.rowOf]).to.deep.equal([0, 1, -1, -1, -1, 2, 3]);
    const open = buildRows(model, new Set());
    expect([...open.items]).to.deep.equal([0, 1, 2, 3, 5, 6]);
  });

  it('notes come as rows before their line', () => {
    const rows = buildRows(model, new Set(), [
      { before: 2, text: 'a' },
      { before: 2, text: 'b' },
      { before: 6, text: 'c' },
    ]);
    expect([...rows.items]).to.deep.equal([0, 1, -1, -2, 2, 3, 5, -3, 6]);
    expect(rows.rowOf[2]).to.equal(4);
  });

  it('the sections around a line, and the row to show for a hidden one', () => {
    expect(sectionsAround(model, 3)).to.deep.equal([0]);
    expect(sectionsAround(model, 1)).to.deep.equal([]);
    const rows = buildRows(model, new Set());
    expect(rowForLine(rows, 4)).to.equal(3);
    expect(rowForLine(rows, 99)).to.equal(5);
  });

  const anchors: [string, ReturnType<typeof parseAnchor>][] = [
    ['#L12', { from: 12, to: 12 }],
    ['L3', { from: 3, to: 3 }],
    ['#L12-L20', { from: 12, to: 20 }],
    ['#L20-L12', { from: 12, to: 20 }],
    ['#L12-20', { from: 12, to: 20 }],
    ['#L0', null],
    ['#L', null],
    ['#main', null],
    ['#L1x', null],
    ['#L12345678901', null],
  ];
  for (const [hash, range] of anchors)
    it(`parseAnchor(${hash})`, () => {
      expect(parseAnchor(hash)).to.deep.equal(range);
    });

  it('anchorOf, clampRange and rangeText', () => {
    expect(anchorOf({ from: 4, to: 4 })).to.equal('#L4');
    expect(anchorOf({ from: 4, to: 9 })).to.equal('#L4-L9');
    expect(clampRange({ from: 5, to: 50 }, 10)).to.deep.equal({ from: 5, to: 10 });
    expect(clampRange({ from: 11, to: 12 }, 10)).to.equal(null);
    expect(rangeText({ from: 3, to: 3 })).to.equal('line 3');
    expect(rangeText({ from: 3, to: 5 })).to.equal('lines 3–5');
  });

  it('evidence: clamped to the log, out-of-log ranges left out, marks numbered by range, a note per range', () => {
    const ev = evidenceOf(
      [
        { start_line: 3, end_line: 4, reason: 'failing test' },
        { start_line: 40, end_line: 41, reason: 'past the end' },
        { start_line: 6, end_line: 9, reason: 'exit line' },
        { start_line: 4, end_line: 3, reason: 'reversed, overlapping' },
      ],
      7,
    );
    expect(ev.ranges).to.deep.equal([
      { from: 3, to: 4, reason: 'failing test', n: 1 },
      { from: 6, to: 7, reason: 'exit line', n: 3 },
      { from: 3, to: 4, reason: 'reversed, overlapping', n: 4 },
    ]);
    expect([...ev.marks]).to.deep.equal([
      [2, 1],
      [3, 1],
      [5, 3],
      [6, 3],
    ]);
    expect(ev.notes[0]).to.deep.equal({ before: 2, text: 'Evidence 1: failing test (lines 3–4)' });
  });
});
