import { expect } from 'chai';
import { FEATURE_NAMES, logFeatures } from './features.js';
import { describeFeatures, ex, times, type FeatureCase } from './fixtures.js';

// Each log below states every candidate (line, kind, rule) and every position feature of each candidate,
// one row per feature: the columns are the candidates in line order. Closeness to the end of the log and
// the share of the log after a candidate depend on its line alone: stated once for all logs at the end.

const CI_CASES: readonly FeatureCase[] = [
  {
    // A Mocha failure in the first failing step, a cleanup step (after_failure) failing after it, and an
    // install step before it; npm's boilerplate and a blank line under the failure are skipped to find the
    // step's last output (the stack frame).
    name: 'Travis CI: a failing test step, then a failing after_failure step',
    lines: [
      'travis_fold:start:install', // 1
      '$ npm ci', // 2
      'npm WARN deprecated request@2.88.2: request has been deprecated', // 3
      'added 120 packages in 4.2s', // 4
      'travis_fold:end:install', // 5
      '$ npm test', // 6
      '', // 7
      '  1 failing', // 8
      '', // 9
      '  1) api returns 200:', // 10
      '     AssertionError: expected 500 to equal 200', // 11
      '      at Context.<anonymous> (/home/travis/build/acme/app/test/api.js:12:5)', // 12
      '', // 13
      'npm ERR! Test failed.  See above for more details.', // 14
      'The command "npm test" exited with 1.', // 15
      'travis_fold:start:after_failure', // 16
      '$ cat server.log', // 17
      'cat: server.log: No such file or directory', // 18
      'The command "cat server.log" exited with 1.', // 19
    ],
    candidates: [
      '3 warning warning',
      '8 section mocha-failing',
      '11 error exception',
      '12 trace node-frame',
      '12 last-output last-output',
      '14 noise npm-noise',
      '15 exit exit',
      '18 env shell-error',
      '18 last-output last-output',
      '19 exit exit',
    ],
    features: {
      'ecosystem rule': [0, 1, 0, 1, 0, 1, 0, 1, 0, 0],
      'in the first failing step': [0, 1, 1, 1, 1, 1, 1, 0, 0, 0],
      'in a later failing step': [0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
      'in a step after the first failure': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a step before the first failure': [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
      'close above the exit line': [0, ex(7), ex(4), ex(3), ex(3), ex(1), ex(0), ex(1), ex(1), ex(0)],
      'in a retried attempt that later passed': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      'last of its kind in its step': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      'strong lines around it': [1 / 5, 2 / 5, 2 / 5, 2 / 5, 2 / 5, 3 / 5, 3 / 5, 0, 0, 1 / 5],
      'first strong line of the failing step': [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      'after a blank line': [0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
      indented: [0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [0, 1, 1, 1, 0, 0, 0, 1, 0, 0],
      'trailer below a strong line of its step': [0, 0, 0, 0, 1, 1, 1, 0, 0, 1],
      'strong, the last of its step': [0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
      'strong, the first of its step': [0, 1, 0, 0, 0, 0, 0, 1, 0, 0],
      'strong lines inside its range': [4 / 5, 3 / 5, 3 / 5, 3 / 5, 2 / 5, 3 / 5, 4 / 5, 0, 3 / 5, 4 / 5],
      'trailer with no strong line inside its range': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 1, 1, 2, 1, 2, 1, 2, 2].map(times),
    },
  },
  {
    // Only the job says it failed (`ERROR: Job failed`, an exit line no rule reads): the step_script
    // section failed, with no exit line of its own, so its last output is the line above its section_end
    // and nothing is close above an exit line; the after_script section holding the job's exit line
    // failed too.
    name: 'GitLab CI: go test fails in step_script, the job fails after after_script',
    lines: [
      'Running with gitlab-runner 16.5.0 (853330f9)', // 1
      'section_start:1700000000:prepare_script', // 2
      'Preparing environment', // 3
      'section_end:1700000000:prepare_script', // 4
      'section_start:1700000001:step_script', // 5
      '$ go test ./...', // 6
      '--- FAIL: TestParse (0.00s)', // 7
      '    parse_test.go:12: got 3, want 4', // 8
      'FAIL', // 9
      'FAIL\texample.com/app/parse\t0.004s', // 10
      'section_end:1700000001:step_script', // 11
      'section_start:1700000002:after_script', // 12
      '$ echo cleanup', // 13
      'cleanup', // 14
      'section_end:1700000002:after_script', // 15
      'ERROR: Job failed: exit code 1', // 16
    ],
    candidates: [
      '7 test-fail go-test-fail',
      '8 assert go-test-line',
      '9 summary go-fail-summary',
      '10 summary go-fail-summary',
      '10 last-output last-output',
      '14 last-output last-output',
      '16 exit exit',
    ],
    features: {
      'ecosystem rule': [1, 1, 1, 1, 0, 0, 0],
      'in the first failing step': [1, 1, 1, 1, 1, 0, 0],
      'in a later failing step': [0, 0, 0, 0, 0, 1, 1],
      'in a step after the first failure': [0, 0, 0, 0, 0, 0, 0],
      'in a step before the first failure': [0, 0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 1, 1],
      'close above the exit line': [0, 0, 0, 0, 0, ex(2), ex(0)],
      'in a retried attempt that later passed': [0, 0, 0, 0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 0, 1, 1, 1],
      'last of its kind in its step': [1, 1, 0, 1, 1, 1, 1],
      'strong lines around it': [1 / 5, 1 / 5, 2 / 5, 2 / 5, 2 / 5, 0, 0],
      'first strong line of the failing step': [1, 0, 0, 0, 0, 0, 0],
      'after a blank line': [0, 0, 0, 0, 0, 0, 0],
      indented: [0, 1, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [1, 1, 0, 0, 0, 0, 0],
      'trailer below a strong line of its step': [0, 0, 1, 1, 1, 0, 0],
      'strong, the last of its step': [0, 1, 0, 0, 0, 0, 0],
      'strong, the first of its step': [1, 0, 0, 0, 0, 0, 0],
      'strong lines inside its range': [1 / 5, 1 / 5, 2 / 5, 2 / 5, 2 / 5, 2 / 5, 2 / 5],
      'trailer with no strong line inside its range': [0, 0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 2, 2, 2, 2, 1].map(times),
    },
  },
  {
    // npm's echoed script opens the step that fails; its exit line is GitHub's `##[error]Process completed`.
    name: 'GitHub Actions: ESLint fails in a run step',
    lines: [
      '##[group]Run npm run lint', // 1
      'npm run lint', // 2
      '##[endgroup]', // 3
      '> app@1.0.0 lint /home/runner/work/app/app', // 4
      '> eslint src', // 5
      '', // 6
      '/home/runner/work/app/app/src/index.js', // 7
      "  3:10  error  'x' is assigned a value but never used  no-unused-vars", // 8
      '', // 9
      '✖ 1 problem (1 error, 0 warnings)', // 10
      '', // 11
      '##[error]Process completed with exit code 1.', // 12
    ],
    candidates: ['8 error eslint-error', '10 summary eslint-summary', '10 last-output last-output', '12 exit exit'],
    features: {
      'ecosystem rule': [1, 1, 0, 0],
      'in the first failing step': [1, 1, 1, 1],
      'in a later failing step': [0, 0, 0, 0],
      'in a step after the first failure': [0, 0, 0, 0],
      'in a step before the first failure': [0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0],
      'close above the exit line': [ex(4), ex(2), ex(2), ex(0)],
      'in a retried attempt that later passed': [0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1],
      'last of its kind in its step': [1, 1, 1, 1],
      'strong lines around it': [0, 1 / 5, 1 / 5, 1 / 5],
      'first strong line of the failing step': [1, 0, 0, 0],
      'after a blank line': [0, 1, 1, 1],
      indented: [1, 0, 0, 0],
      'strong kind in a failing step': [1, 0, 0, 0],
      'trailer below a strong line of its step': [0, 1, 1, 1],
      'strong, the last of its step': [1, 0, 0, 0],
      'strong, the first of its step': [1, 0, 0, 0],
      'strong lines inside its range': [0, 1 / 5, 1 / 5, 1 / 5],
      'trailer with no strong line inside its range': [0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 1, 1].map(times),
    },
  },
  {
    // No step failed: only the last step gives its last output, and an exit line reporting 0 is no candidate.
    name: 'Travis CI: a passing build with warnings',
    lines: [
      '$ npm ci', // 1
      'npm WARN deprecated request@2.88.2: request has been deprecated', // 2
      'The command "npm ci" exited with 0.', // 3
      '$ npm test', // 4
      'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported', // 5
      '  3 passing (12ms)', // 6
      'The command "npm test" exited with 0.', // 7
    ],
    candidates: ['2 warning warning', '5 warning warning', '6 last-output last-output'],
    features: {
      'ecosystem rule': [0, 0, 0],
      'in the first failing step': [0, 0, 0],
      'in a later failing step': [0, 0, 0],
      'in a step after the first failure': [0, 0, 0],
      'in a step before the first failure': [0, 0, 0],
      'in the last step, no step failed': [0, 1, 1],
      'in a cleanup step': [0, 0, 0],
      'close above the exit line': [ex(1), ex(2), ex(1)],
      'in a retried attempt that later passed': [0, 0, 0],
      'in a retried attempt': [0, 0, 0],
      'first of its kind in its step': [1, 1, 1],
      'last of its kind in its step': [1, 1, 1],
      'strong lines around it': [0, 0, 0],
      'first strong line of the failing step': [0, 0, 0],
      'after a blank line': [0, 0, 0],
      indented: [0, 0, 1],
      'strong kind in a failing step': [0, 0, 0],
      'trailer below a strong line of its step': [0, 0, 0],
      'strong, the last of its step': [0, 0, 0],
      'strong, the first of its step': [0, 0, 0],
      'strong lines inside its range': [0, 0, 0],
      'trailer with no strong line inside its range': [0, 0, 1],
      'times its rule matches in the log': [2, 2, 1].map(times),
    },
  },
];

describe('ranker features: CI systems', () => {
  describeFeatures(CI_CASES);

  it('states how close each candidate is to the end of its log, and the share of the log after it', () => {
    const end = FEATURE_NAMES.indexOf('close to the end of the log');
    const share = FEATURE_NAMES.indexOf('share of the log after it');
    for (const { lines } of CI_CASES) {
      const n = lines.length;
      for (const c of logFeatures(lines).candidates) {
        expect(c.x[end], `line ${c.line}`).to.be.closeTo(Math.exp(-(n - c.line) / 60), 1e-12);
        expect(c.x[share], `line ${c.line}`).to.be.closeTo((n - c.line) / n, 1e-12);
      }
    }
  });
});
