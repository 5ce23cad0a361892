// Properties of the excerpt over arbitrary logs (fast-check): the budget is never exceeded, the excerpt
// is its ranges' lines with a separator for each gap, and a line with an error marker on it is kept.
import { expect } from 'chai';
import fc from 'fast-check';
import { buildExcerpt, maxLineBytesFor, separatorLine } from './excerpt.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// Lines of any characters (multi-byte and lone surrogates included), some long, some of them markers.
const anyLine = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('Error: boom', '--- FAIL: TestX', 'The command "make" exited with 2.', '', '$ make'),
  fc.string({ minLength: 300, maxLength: 6000 }),
);
// Lines without any marker: the letters a-d and spaces spell no error word.
const plainLine = fc.stringMatching(/^[a-d ]{0,80}$/);
const MARKED = [
  'Error: connect ECONNREFUSED 127.0.0.1:5432',
  '--- FAIL: TestParse (0.00s)',
  'npm ERR! code E404',
  'src/a.c:1:2: error: expected ‘;’',
  'Traceback (most recent call last):',
  'AssertionError: expected 1 to equal 2',
];

describe('buildExcerpt: properties over arbitrary logs', () => {
  it('never exceeds the budget, and is the lines of its ranges with one separator per gap', () => {
    fc.assert(
      fc.property(
        fc.array(anyLine, { maxLength: 300, size: 'max' }),
        fc.oneof(fc.nat(400), fc.nat(20_000)),
        fc.nat(300),
        (lines, maxBytes, tailLines) => {
          const log = lines.join('\n');
          const ex = buildExcerpt(log, { maxBytes, tailLines });
          expect(bytes(ex.text), `budget ${maxBytes}`).to.be.at.most(maxBytes);
          const all = log.split('\n');
          const maxLine = maxLineBytesFor(maxBytes);
          let next = 1;
          let kept = 0;
          let long = false;
          const out: string[] = [];
          for (const r of ex.ranges) {
            expect(r.start, 'ordered, apart').to.be.at.least(next === 1 ? 1 : next + 1);
            expect(r.end).to.be.within(r.start, all.length);
            if (r.start > next) out.push(separatorLine(next, r.start - 1));
            out.push(...all.slice(r.start - 1, r.end));
            long ||= all.slice(r.start - 1, r.end).some((l) => bytes(l) > maxLine);
            kept += r.end - r.start + 1;
            next = r.end + 1;
          }
          if (ex.ranges.length > 0 && next <= all.length) out.push(separatorLine(next, all.length));
          // Lines over maxLineBytesFor(maxBytes) are shortened; without them the text is exactly this.
          if (!long) expect(ex.text).to.equal(out.join('\n'));
          expect(ex.truncated).to.equal(long || kept < all.length);
        },
      ),
    );
  });

  it('keeps a line with an error marker on it, wherever it is in a log without other markers', () => {
    fc.assert(
      fc.property(
        fc.array(plainLine, { minLength: 1, maxLength: 3000, size: 'max' }),
        fc.nat(300),
        fc.nat(),
        fc.constantFrom(...MARKED),
        fc.integer({ min: 512, max: 65_536 }),
        (lines, tailLines, at, marked, maxBytes) => {
          const log = [...lines];
          const line = at % (log.length + 1);
          log.splice(line, 0, marked);
          const ex = buildExcerpt(log.join('\n'), { maxBytes, tailLines });
          expect(bytes(ex.text)).to.be.at.most(maxBytes);
          expect(
            ex.ranges.some((r) => r.start <= line + 1 && line + 1 <= r.end),
            `line ${line + 1} of ${log.length}: ${JSON.stringify(ex.ranges)}`,
          ).to.equal(true);
          expect(ex.text.split('\n')).to.include(marked);
        },
      ),
    );
  });
});
