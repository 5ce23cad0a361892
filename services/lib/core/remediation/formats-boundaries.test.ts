import { expect } from 'chai';
import { detectFormat, failingCommand, outputCounts } from './formats.js';

// Where failingCommand and outputCounts stop reading: the first 500 characters of a line, the first 100
// lines of a quoted command, a retry message, a quoted command that passed.
describe('detectFormat boundaries', () => {
  it('reads an echoed command only up to its 500th character', () => {
    const command = 'x'.repeat(600);
    expect(failingCommand([`$ ${command}`])).to.equal(command.slice(0, 498));
    expect(failingCommand([`$ ${'y'.repeat(498)}`])).to.equal('y'.repeat(498));
  });

  it('does not read an exit line whose command runs past 500 characters as an exit line', () => {
    // Cut at 500, it is the opening of a quoted command never closed: the echoed command stands.
    const lines = ['$ make', `The command "${'x'.repeat(600)}" exited with 1.`];
    expect(failingCommand(lines)).to.equal('make');
  });

  it('counts a family’s output only in the first 500 characters of a line', () => {
    const late = `${'x'.repeat(480)} undefined reference to \`foo'`;
    const early = `${'x'.repeat(450)} undefined reference to \`foo'`;
    expect(outputCounts([late]).get('CMake/make/C')).to.equal(undefined);
    expect(outputCounts([early]).get('CMake/make/C')).to.equal(1);
    expect(detectFormat([late])).to.equal('other');
    expect(detectFormat([early])).to.equal('CMake/make/C');
  });

  it('takes a retry message for no quoted command: the exit line after it names the step', () => {
    const lines = [
      '$ travis_retry npm install',
      'The command "npm install" failed. Retrying, 2 of 3.',
      'npm ERR! network timeout',
      'The command "npm install" exited with 1.',
    ];
    expect(failingCommand(lines)).to.equal('npm install');
  });

  it('reads past a quoted multi-line command that passed to the step that failed', () => {
    const lines = ['The command "set -e', 'cd docs', 'make html"', '" exited with 0.', '$ cargo test'];
    expect(failingCommand(lines)).to.equal('cargo test');
    expect(detectFormat(lines)).to.equal('Cargo/Rust');
  });

  it('falls back to the last echoed command when a quoted command is never closed', () => {
    expect(failingCommand(['$ make', 'The command "set -e', 'make check'])).to.equal('make');
  });

  it('reads a quoted command up to 99 lines after its first, not 100', () => {
    const quoted = (n: number) => [
      '$ make',
      'The command "set -e',
      ...Array.from({ length: n - 1 }, (_, i) => `step ${i}`),
      '" exited with 2.',
    ];
    // The closing line 99 lines after the opening one ends the command; 100 lines after, it is not read.
    expect(failingCommand(quoted(99))).to.match(/^set -e\nstep 0\n[\s\S]*\nstep 97\n$/);
    expect(failingCommand(quoted(100))).to.equal('make');
  });
});
