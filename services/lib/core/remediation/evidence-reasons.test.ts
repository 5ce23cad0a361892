// The reason findEvidence gives a compiler-error line: `compiler error` when the line says where (a
// `file:line`, a `(line,column)`, an `error TS2345:` code), `error message` when it does not.
import { expect } from 'chai';
import { findEvidence } from './evidence.js';

/** The reason of the evidence keyed at `line`, the only output of a failed `make`. */
function reasonOf(line: string): string {
  const evidence = findEvidence(['$ make', line, 'The command "make" exited with 2.']);
  const e = evidence.find((x) => x.line === 2 && x.rule === 'compiler-error');
  expect(e, JSON.stringify(evidence)).to.not.equal(undefined);
  return e!.reason;
}

describe('evidence: the reason of a compiler error', () => {
  it('given a diagnostic at a file:line, then it is a compiler error', () => {
    expect(reasonOf('src/a.c:12:5: error: expected ‘;’ before ‘}’ token')).to.equal('compiler error');
  });

  it('given an error line that names no place, then it is an error message', () => {
    expect(reasonOf('error: could not compile `app` due to 2 previous errors')).to.equal('error message');
    expect(reasonOf('error[E0463]: can’t find crate for `core`')).to.equal('error message');
  });

  it('given a place written (line,column) with numbers of several digits, then it is a compiler error', () => {
    expect(reasonOf('error: src/app.ts(12,34): Cannot find name "foo".')).to.equal('compiler error');
  });

  it('given an error code of letters and digits, then it is a compiler error', () => {
    expect(reasonOf("error TS5023: Unknown compiler option 'foo'.")).to.equal('compiler error');
  });

  it('reads only the first 400 characters of the line for a place', () => {
    const libs = Array.from({ length: 60 }, (_, i) => `-lmod${i}`).join(' ');
    const line = `error: ld: library not found for one of ${libs} in src/main.c:12`;
    expect(line.indexOf('src/main.c:12')).to.be.above(400);
    expect(reasonOf(line)).to.equal('error message');
  });
});
