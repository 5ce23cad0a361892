import { expect } from 'chai';
import { exitOf, logStructure, stepOpener } from './structure.js';

describe('ranker log structure', () => {
  const exits: readonly [string, number | undefined][] = [
    ['The command "npm test" exited with 1.', 1],
    ['The command "npm test" exited with 0.', 0],
    ['##[error]Process completed with exit code 2.', 2],
    ['ERROR: Job failed: exit code 1', 1],
    ['make: *** [test] Error 2', 2],
    ['Command exited with non-zero status 137', 137],
    ['all good', undefined],
  ];
  for (const [line, status] of exits)
    it(`reads the exit status of ${JSON.stringify(line)}`, () => expect(exitOf(line)).to.equal(status));

  const openers: readonly [string, string | undefined][] = [
    ['section_start:1560000000:step_script', 'step_script'],
    ['##[group]Run npm test', 'Run npm test'],
    ['travis_fold:start:install', 'install'],
    ['$ npm test', ''],
    ['+ make check', undefined],
    ['> pkg@1.0.0 test /home/travis/build/pkg', ''],
    ['> Links', undefined],
    ['plain output', undefined],
  ];
  for (const [line, name] of openers)
    it(`opens a step at ${JSON.stringify(line)}`, () => expect(stepOpener(line)).to.equal(name));

  it('finds the first failing step and counts a section header and its command as one step', () => {
    const s = logStructure([
      'travis_fold:start:install', // 1
      '$ npm ci', // 2
      'added 10 packages', // 3
      'travis_fold:end:install', // 4
      '$ npm test', // 5
      'Error: boom', // 6
      'The command "npm test" exited with 1.', // 7
      'travis_fold:start:after_failure', // 8
      '$ cat log', // 9
      'The command "cat log" exited with 1.', // 10
    ]);
    expect(s.steps.map((x) => [x.start, x.end, x.status ?? null, x.cleanup])).to.deep.equal([
      [1, 4, null, false],
      [5, 7, 1, false],
      [8, 10, 1, true],
    ]);
    expect(s.firstFailing).to.equal(1);
    expect(s.lastFailing).to.equal(2);
  });

  it('marks a retried attempt, and whether the retry passed', () => {
    const s = logStructure([
      '$ travis_retry npm install', // 1
      'npm ERR! network timeout', // 2
      'The command "npm install" failed. Retrying, 2 of 3.', // 3
      'added 10 packages', // 4
      'The command "travis_retry npm install" exited with 0.', // 5
    ]);
    expect([...s.retried]).to.deep.equal([1, 1, 1, 0, 0]);
    expect([...s.retryPassed]).to.deep.equal([1, 1, 1, 0, 0]);
  });

  it('blames the last non-cleanup step when only the job says it failed (GitLab)', () => {
    const s = logStructure([
      'section_start:1:step_script', // 1
      '$ make test', // 2
      'FAIL x', // 3
      'section_end:1:step_script', // 4
      'section_start:2:after_script', // 5
      '$ echo done', // 6
      'section_end:2:after_script', // 7
      'ERROR: Job failed: exit code 1', // 8
    ]);
    expect(s.steps[s.firstFailing]!.start).to.equal(1);
    expect(s.steps[1]!.cleanup).to.equal(true);
  });
});
