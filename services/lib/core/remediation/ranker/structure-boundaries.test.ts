import { expect } from 'chai';
import { exitOf, logStructure, stepOpener } from './structure.js';

const TIMEOUT = 'ERROR: Job failed: execution took longer than 1h0m0s seconds';

describe('ranker log structure boundaries', () => {
  it('reads an exit status only in the first 2000 characters of a line', () => {
    expect(exitOf(`${'x'.repeat(1990)} exited with code 3`)).to.equal(undefined);
    expect(exitOf(`${'x'.repeat(1960)} exited with code 3`)).to.equal(3);
  });

  it('trims the name of a section', () => {
    expect(stepOpener('##[group] Run npm test  ')).to.equal('Run npm test');
    expect(stepOpener('::group::  Build ')).to.equal('Build');
  });

  it('finds no failing step in a log that reports none', () => {
    const s = logStructure(['$ npm test', '20 passing', 'The command "npm test" exited with 0.']);
    expect([s.firstFailing, s.lastFailing]).to.deep.equal([-1, -1]);
  });

  describe('retries', () => {
    it('counts an attempt from the step’s first line when no command was echoed', () => {
      const s = logStructure(['npm ERR! network timeout', 'The command "npm install" failed. Retrying, 2 of 3.', 'ok']);
      expect([...s.retried]).to.deep.equal([1, 1, 0]);
    });

    it('counts an attempt from its echoed command, not from the section header before it', () => {
      const s = logStructure([
        'travis_fold:start:install', // 1
        '$ travis_retry npm ci', // 2
        'npm ERR! network timeout', // 3
        'The command "npm ci" failed. Retrying, 2 of 3.', // 4
        'added 10 packages', // 5
      ]);
      expect(s.steps.map((x) => [x.start, x.end])).to.deep.equal([[1, 5]]);
      expect([...s.retried]).to.deep.equal([0, 1, 1, 1, 0]);
    });

    it('marks no retry as passed when the command gave up', () => {
      const s = logStructure([
        '$ travis_retry npm install', // 1
        'npm ERR! network timeout', // 2
        'The command "npm install" failed. Retrying, 2 of 3.', // 3
        'npm ERR! network timeout', // 4
        'The command "npm install" failed. Retrying, 3 of 3.', // 5
        'npm ERR! network timeout', // 6
        'The command "npm install" failed 3 times.', // 7
      ]);
      expect([...s.retried]).to.deep.equal([1, 1, 1, 1, 1, 0, 0]);
      expect([...s.retryPassed]).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
    });

    it('starts the next attempt on the line after a retry message', () => {
      // After the command gave up, a further retry message with no echo counts its attempt from the line
      // after the last retry message; the log ends without a failure, so that attempt passed.
      const s = logStructure([
        '$ travis_retry make', // 1
        'make: network error', // 2
        'The command "make" failed. Retrying, 2 of 3.', // 3
        'make: network error', // 4
        'The command "make" failed 3 times.', // 5
        'The command "make" failed. Retrying, 2 of 3.', // 6
      ]);
      expect([...s.retryPassed]).to.deep.equal([0, 0, 0, 1, 1, 1]);
    });
  });

  describe('a job-level failure line', () => {
    it('counts the first one only', () => {
      const s = logStructure([
        '$ make test', // 1
        'FAIL x', // 2
        TIMEOUT, // 3
        '$ make clean', // 4
        'removed build', // 5
        'ERROR: Job failed: system failure', // 6
      ]);
      expect(s.firstFailing).to.equal(0);
    });

    it('blames the step it is in, when that step has output and is no cleanup', () => {
      const s = logStructure(['$ make test', 'FAIL x', TIMEOUT]);
      expect(s.steps.map((x) => [x.start, x.end])).to.deep.equal([[1, 3]]);
      expect([s.firstFailing, s.lastFailing]).to.deep.equal([0, 0]);
    });

    it('blames no step when it opens the log, whatever job-level lines follow', () => {
      const s = logStructure([
        TIMEOUT,
        'Cleaning up project directory and file based variables',
        'ERROR: Job failed: system failure',
      ]);
      expect(s.firstFailing).to.equal(-1);
    });

    it('skips cleanup steps and steps of a single line', () => {
      const s = logStructure([
        '$ make test', // 1  step 0
        'FAIL x', // 2
        '$ true', // 3  step 1: one line
        'section_start:2:after_script', // 4  step 2: cleanup
        '$ echo done', // 5
        'section_end:2:after_script', // 6
        TIMEOUT, // 7
      ]);
      expect(s.steps.map((x) => [x.start, x.end, x.cleanup])).to.deep.equal([
        [1, 2, false],
        [3, 3, false],
        [4, 7, true],
      ]);
      expect(s.firstFailing).to.equal(0);
    });

    it('leaves the first failing step alone when a step failed before it, even one that ran on', () => {
      const s = logStructure([
        '$ npm test', // 1  step 0
        'The command "npm test" exited with 1.', // 2
        '$ npm run lint', // 3  step 1
        'lint ok', // 4
        'ERROR: Job failed: exit code 1', // 5
      ]);
      expect(s.steps.map((x) => [x.start, x.end, x.status ?? null])).to.deep.equal([
        [1, 2, 1],
        [3, 5, 1],
      ]);
      expect([s.firstFailing, s.lastFailing]).to.deep.equal([0, 1]);
    });

    it('leaves a failed cleanup step first failing when the job’s failure line follows its exit line', () => {
      const s = logStructure([
        'section_start:1:step_script', // 1  step 0
        '$ make', // 2
        'built', // 3
        'section_end:1:step_script', // 4
        'section_start:2:after_script', // 5  step 1: cleanup
        '$ ./upload.sh', // 6
        'upload.sh exited with code 1', // 7
        'ERROR: Job failed: exit code 1', // 8
      ]);
      expect(s.steps.map((x) => [x.start, x.exit ?? null, x.cleanup])).to.deep.equal([
        [1, null, false],
        [5, 7, true],
      ]);
      expect(s.firstFailing).to.equal(1);
    });
  });
});
