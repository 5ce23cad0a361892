// How findEvidence cuts a log into steps: a step's output starts after its last command echo (or the previous
// exit line), a quoted multi-line command is not output (its quote is looked for at most 100 lines up, never
// in the step before), a log that ends without an exit line ends in a step of its own; and how much of a
// huge line is read.
import { expect } from 'chai';
import { exitStatus, findEvidence, isBoilerplate } from './evidence.js';

/** [rule, key line, start, end, reason] of each evidence range, best first. */
const ranges = (lines: string[]) => findEvidence(lines).map((e) => [e.rule, e.line, e.start, e.end, e.reason]);
const filler = (n: number) => Array.from({ length: n }, (_, i) => `echo line ${i + 1}`);

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

  it('reads only the first 2,000 characters of a line for boilerplate: a huge line blank that far is blank', () => {
    expect(isBoilerplate(`${' '.repeat(2000)}TypeError: x is not a function`)).to.equal(true);
    expect(isBoilerplate(`${' '.repeat(1990)}TypeError: x is not a function`)).to.equal(false);
  });

  it('given an output line that starts with `The command "`, when a one-line exit line follows, then it stays output', () => {
    // Only an exit line that closes a quoted command (`" exited with 1.`) looks back for the quote.
    const log = [
      '##[group]Run docker compose up -d',
      'docker compose up -d',
      '##[endgroup]',
      'The command "docker" could not be found in this WSL 2 distro.',
      'We recommend to activate the WSL integration in Docker Desktop settings.',
      '##[error]Process completed with exit code 1.',
    ];
    expect(ranges(log)).to.deep.equal([
      ['last-output', 5, 2, 5, 'last output of the failed command'],
      ['exit-status', 6, 6, 6, 'exit line'],
    ]);
  });

  it('given a quoted command whose closing quote is indented, then its quoted lines are still the exit line', () => {
    const log = ['$ ./ci.sh', 'real output', 'The command "set -e', 'make test', '  " exited with 2.'];
    expect(ranges(log)).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 5, 3, 5, 'exit line'],
    ]);
  });

  it("given the next step's exit line right below a quoted command's, then it does not take it for the quote", () => {
    const log = ['$ ./run.sh', 'real output', 'The command "echo a', 'echo b', '" exited with 1.'];
    expect(ranges([...log, 'The command "cat test.log" exited with 0.'])).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 5, 3, 5, 'exit line'],
    ]);
  });

  it('given a quoted command on the first line of its step, then the quote is found there and nothing is output', () => {
    expect(ranges(['The command "echo a', 'echo b', '" exited with 1.'])).to.deep.equal([
      ['exit-status', 3, 1, 3, 'exit line'],
    ]);
    const after = ['$ a', 'The command "a" exited with 0.', 'The command "echo a', 'echo b', '" exited with 1.'];
    expect(ranges(after)).to.deep.equal([['exit-status', 5, 3, 5, 'exit line']]);
  });

  it('looks back at most 100 lines for the start of a quoted command, and never into the step before', () => {
    // The quote 100 lines above the closing line is found: the exit line is those lines, at most 20 of them.
    const found = ['$ ./gen.sh', 'generated', 'The command "x', ...filler(99), '" exited with 1.'];
    expect(ranges(found)).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 103, 84, 103, 'exit line'],
    ]);
    // 101 lines above it is not: the closing line alone is the exit line, the lines above are output.
    const tooFar = ['$ ./gen.sh', 'generated', 'The command "x', ...filler(100), '" exited with 1.'];
    expect(ranges(tooFar)).to.deep.equal([
      ['last-output', 103, 84, 103, 'last output of the failed command'],
      ['exit-status', 104, 104, 104, 'exit line'],
    ]);
    // The previous step's exit line starts with `The command "` too, but belongs to that step.
    const before = ['The command "a" exited with 0.', 'out of b', '" exited with 1.'];
    expect(ranges(before)).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 3, 3, 3, 'exit line'],
    ]);
  });

  it('given a quoted exit line longer than 20 lines, then its range is its last 20 lines', () => {
    const log = ['$ ./x', 'out', 'The command "a', ...filler(24), '" exited with 1.'];
    expect(ranges(log)).to.deep.equal([
      ['last-output', 2, 2, 2, 'last output of the failed command'],
      ['exit-status', 28, 9, 28, 'exit line'],
    ]);
  });

  it('given a failed step without an echo after a passing one, then its output starts after the previous exit line', () => {
    const log = ['$ a', 'The command "a" exited with 0.', 'output one', 'output two', 'The command "b" exited with 1.'];
    expect(ranges(log)).to.deep.equal([
      ['last-output', 4, 3, 4, 'last output of the failed command'],
      ['exit-status', 5, 5, 5, 'exit line'],
    ]);
  });

  it('given an echo-like line inside a quoted command, then the output above the quote is still output', () => {
    const [first] = findEvidence(['$ ./a', 'out', 'The command "echo a', '$ b', '" exited with 1.']);
    expect(first).to.include({ rule: 'last-output', line: 2, end: 2 });
  });

  it('given a log whose every step passed, then the end of its last step is the evidence', () => {
    expect(ranges(['$ a', 'out a', 'The command "a" exited with 0.'])).to.deep.equal([
      ['last-output', 2, 2, 2, 'end of the log'],
    ]);
    // One line after the last exit line is a step of its own.
    expect(ranges(['$ a', 'The command "a" exited with 0.', 'Killed'])).to.deep.equal([
      ['last-output', 3, 3, 3, 'end of the log'],
    ]);
  });
});
