// How findEvidence cuts a log into steps: a step's output starts after its last command echo, a quoted
// multi-line command is not output, a log that ends without an exit line ends in a step of its own.
import { expect } from 'chai';
import { exitStatus, findEvidence } from './evidence.js';

/** [rule, key line, start, end, reason] of each evidence range, best first. */
const ranges = (lines: string[]) => findEvidence(lines).map((e) => [e.rule, e.line, e.start, e.end, e.reason]);

describe('evidence: the steps of a log', () => {
  it("a failed command's output starts after its echo: the setup before it is not its output", () => {
    const log = ['setup one', 'setup two', '$ npm test', 'compiling things', 'a plain line of output'];
    expect(ranges([...log, 'The command "npm test" exited with 1.'])).to.deep.equal([
      ['last-output', 5, 4, 5, 'last output of the failed command'],
      ['exit-status', 6, 6, 6, 'exit line'],
    ]);
  });

  it('a Travis exit line quoting a multi-line command: the quoted lines are the exit line, not output', () => {
    const log = ['$ ./run.sh', 'real output line', 'The command "echo a', 'echo b', '" exited with 1.'];
    expect(ranges(log)).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 5, 3, 5, 'exit line'],
    ]);
  });

  it('a log that ends without an exit line after passing steps: its last step is the end of the log', () => {
    expect(ranges(['$ a', 'The command "a" exited with 0.', '$ b', 'out of b', 'last words'])).to.deep.equal([
      ['last-output', 5, 4, 5, 'end of the log'],
    ]);
    // Without an echo the last step's output starts right after the previous exit line.
    expect(ranges(['prelude', 'The command "a" exited with 0.', 'out of b', 'last words'])).to.deep.equal([
      ['last-output', 4, 3, 4, 'end of the log'],
    ]);
  });

  it('reads only the first 2,000 characters of a line for an exit status', () => {
    const exit = ' Process completed with exit code 1';
    expect(exitStatus(`${'x'.repeat(2000 - exit.length)}${exit}`)).to.equal(1);
    expect(exitStatus(`${'x'.repeat(2500)}${exit}`)).to.equal(undefined);
  });
});
