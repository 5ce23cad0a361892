import { describeFeatures, ex, times, type FeatureCase } from './fixtures.js';

// As features.test.ts: every candidate and every position feature of a log, one row per feature; here the
// step rules — a step before or after the first failure, a step whose exit line is not its last line, a
// summary above the step's first strong line, retried attempts.

const CASES: readonly FeatureCase[] = [
  {
    // pip's error ends the step before pytest's (a strong line that is the last line of its step, right
    // above the next step's command): strong in its own step, not the failing step's first strong line.
    name: 'pip fails to resolve, then pytest fails',
    lines: [
      '$ pip install -r requirements.txt', // 1
      'Collecting flask==9.9', // 2
      'ERROR: Could not find a version that satisfies the requirement flask==9.9 (from versions: 2.3.3)', // 3
      '$ pytest', // 4
      '=================================== FAILURES ===================================', // 5
      '_________________________________ test_parse __________________________________', // 6
      '', // 7
      '    def test_parse():', // 8
      ">       assert parse('1+2') == 4", // 9
      'E       assert 3 == 4', // 10
      '', // 11
      'tests/test_parse.py:4: AssertionError', // 12
      '=========================== 1 failed in 0.12s ============================', // 13
      'The command "pytest" exited with 1.', // 14
    ],
    candidates: [
      '3 env pip-resolve',
      '5 section pytest-section',
      '6 test-fail pytest-test',
      '10 assert pytest-e-line',
      '12 error exception',
      '13 summary pytest-result',
      '13 last-output last-output',
      '14 exit exit',
    ],
    features: {
      'ecosystem rule': [1, 1, 1, 1, 0, 1, 0, 0],
      'in the first failing step': [0, 1, 1, 1, 1, 1, 1, 1],
      'in a later failing step': [0, 0, 0, 0, 0, 0, 0, 0],
      'in a step after the first failure': [0, 0, 0, 0, 0, 0, 0, 0],
      'in a step before the first failure': [1, 0, 0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 0, 0, 0],
      'close above the exit line': [0, ex(9), ex(8), ex(4), ex(2), ex(1), ex(1), ex(0)],
      'in a retried attempt that later passed': [0, 0, 0, 0, 0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1, 1, 1, 1, 1],
      'last of its kind in its step': [1, 1, 1, 1, 1, 1, 1, 1],
      'strong lines around it': [2 / 5, 3 / 5, 3 / 5, 3 / 5, 1 / 5, 2 / 5, 2 / 5, 2 / 5],
      'first strong line of the failing step': [0, 1, 0, 0, 0, 0, 0, 0],
      'after a blank line': [0, 0, 0, 0, 1, 0, 0, 0],
      indented: [0, 0, 0, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [0, 1, 1, 1, 1, 0, 0, 0],
      'trailer below a strong line of its step': [0, 0, 0, 0, 0, 1, 1, 1],
      'strong, the last of its step': [1, 0, 0, 0, 1, 0, 0, 0],
      'strong, the first of its step': [1, 1, 0, 0, 0, 0, 0, 0],
      'strong lines inside its range': [4 / 5, 4 / 5, 4 / 5, 2 / 5, 1 / 5, 1, 1, 1],
      'trailer with no strong line inside its range': [0, 0, 0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 1, 1, 1, 1, 1, 1].map(times),
    },
  },
  {
    // The first step fails (index 0); make's `***` lines below the step's exit line are no closer to it
    // than lines of a step without one; the next step neither fails nor cleans up.
    name: 'make fails in the first step, a later step prints a warning',
    lines: [
      '$ make -j2', // 1
      'gcc -c -o main.o src/main.c', // 2
      'src/main.c:3:10: fatal error: foo.h: No such file or directory', // 3
      'compilation terminated.', // 4
      'make[1]: *** [Makefile:12: main.o] Error 1', // 5
      'make[1]: *** Waiting for unfinished jobs....', // 6
      'make: *** [Makefile:5: all] Error 2', // 7
      '$ cat config.log', // 8
      'configure: WARNING: unrecognized options: --enable-foo', // 9
    ],
    candidates: [
      '3 error cc-error',
      '4 last-output last-output',
      '5 exit exit',
      '6 noise make-error',
      '7 noise make-error',
      '9 warning warning',
    ],
    features: {
      'ecosystem rule': [1, 0, 0, 1, 1, 0],
      'in the first failing step': [1, 1, 1, 1, 1, 0],
      'in a later failing step': [0, 0, 0, 0, 0, 0],
      'in a step after the first failure': [0, 0, 0, 0, 0, 1],
      'in a step before the first failure': [0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 0],
      'close above the exit line': [ex(2), ex(1), ex(0), 0, 0, 0],
      'in a retried attempt that later passed': [0, 0, 0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1, 0, 1],
      'last of its kind in its step': [1, 1, 1, 0, 1, 1],
      'strong lines around it': [0, 1 / 5, 1 / 5, 1 / 5, 1 / 5, 0],
      'first strong line of the failing step': [1, 0, 0, 0, 0, 0],
      'after a blank line': [0, 0, 0, 0, 0, 0],
      indented: [0, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [1, 0, 0, 0, 0, 0],
      'trailer below a strong line of its step': [0, 1, 1, 1, 1, 0],
      'strong, the last of its step': [1, 0, 0, 0, 0, 0],
      'strong, the first of its step': [1, 0, 0, 0, 0, 0],
      'strong lines inside its range': [0, 1 / 5, 1 / 5, 1 / 5, 1 / 5, 0],
      'trailer with no strong line inside its range': [0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 1, 2, 2, 1].map(times),
    },
  },
  {
    // Maven prints BUILD FAILURE above the error: a trailer with no strong line in the 16 lines above it,
    // though one follows; its boilerplate below the error is skipped to find the last output.
    name: 'Maven: a dependency fails to resolve',
    lines: [
      '$ mvn -B verify', // 1
      '[INFO] Scanning for projects...', // 2
      '[INFO] ', // 3
      '[INFO] -------------------------< com.acme:app >--------------------------', // 4
      '[INFO] Building app 1.0.0', // 5
      '[INFO] --------------------------------[ jar ]---------------------------------', // 6
      '[INFO] ------------------------------------------------------------------------', // 7
      '[INFO] BUILD FAILURE', // 8
      '[INFO] ------------------------------------------------------------------------', // 9
      '[INFO] Total time:  1.234 s', // 10
      '[INFO] Finished at: 2024-03-01T10:00:00Z', // 11
      '[INFO] ------------------------------------------------------------------------', // 12
      '[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project com.acme:app', // 13
      '[ERROR] ', // 14
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.', // 15
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.', // 16
      'The command "mvn -B verify" exited with 1.', // 17
    ],
    candidates: [
      '8 summary maven-build-failure',
      '13 error maven-error',
      '13 last-output last-output',
      '14 noise maven-noise',
      '15 noise maven-noise',
      '16 noise maven-noise',
      '17 exit exit',
    ],
    features: {
      'ecosystem rule': [1, 1, 0, 1, 1, 1, 0],
      'in the first failing step': [1, 1, 1, 1, 1, 1, 1],
      'in a later failing step': [0, 0, 0, 0, 0, 0, 0],
      'in a step after the first failure': [0, 0, 0, 0, 0, 0, 0],
      'in a step before the first failure': [0, 0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 0, 0],
      'close above the exit line': [ex(9), ex(4), ex(4), ex(3), ex(2), ex(1), ex(0)],
      'in a retried attempt that later passed': [0, 0, 0, 0, 0, 0, 0],
      'in a retried attempt': [0, 0, 0, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1, 0, 0, 1],
      'last of its kind in its step': [1, 1, 1, 0, 0, 1, 1],
      'strong lines around it': [1 / 5, 0, 0, 1 / 5, 1 / 5, 1 / 5, 1 / 5],
      // By line: the last output on the error's line is on the failing step's first strong line too.
      'first strong line of the failing step': [0, 1, 1, 0, 0, 0, 0],
      'after a blank line': [0, 0, 0, 0, 0, 0, 0],
      indented: [0, 0, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [0, 1, 0, 0, 0, 0, 0],
      'trailer below a strong line of its step': [0, 0, 0, 1, 1, 1, 1],
      'strong, the last of its step': [0, 1, 0, 0, 0, 0, 0],
      'strong, the first of its step': [0, 1, 0, 0, 0, 0, 0],
      'strong lines inside its range': [0, 0, 0, 1 / 5, 1 / 5, 1 / 5, 1 / 5],
      'trailer with no strong line inside its range': [1, 0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 1, 1, 3, 3, 3, 1].map(times),
    },
  },
  {
    // travis_retry: npm install failed once then passed (a retried attempt that later passed); bundle
    // install failed three times (its first two attempts retried, the last one not) and the step failed.
    name: 'Travis CI: travis_retry passes once, gives up once',
    lines: [
      '$ travis_retry npm install', // 1
      'npm ERR! network timeout at: https://registry.npmjs.org/left-pad', // 2
      'The command "npm install" failed. Retrying, 2 of 3.', // 3
      'added 10 packages in 2.1s', // 4
      'The command "travis_retry npm install" exited with 0.', // 5
      '$ travis_retry bundle install', // 6
      'Could not resolve host: rubygems.org', // 7
      'The command "bundle install" failed. Retrying, 2 of 3.', // 8
      'Could not resolve host: rubygems.org', // 9
      'The command "bundle install" failed. Retrying, 3 of 3.', // 10
      'Could not resolve host: rubygems.org', // 11
      'The command "bundle install" failed 3 times.', // 12
      'The command "travis_retry bundle install" exited with 1.', // 13
    ],
    candidates: [
      '2 error npm-error',
      '3 word fail-word',
      '7 env network',
      '8 word fail-word',
      '9 env network',
      '10 word fail-word',
      '11 env network',
      '12 word fail-word',
      '12 last-output last-output',
      '13 exit exit',
    ],
    features: {
      'ecosystem rule': [1, 0, 1, 0, 1, 0, 1, 0, 0, 0],
      'in the first failing step': [0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
      'in a later failing step': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a step after the first failure': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a step before the first failure': [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      'in the last step, no step failed': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a cleanup step': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'close above the exit line': [ex(3), ex(2), ex(6), ex(5), ex(4), ex(3), ex(2), ex(1), ex(1), ex(0)],
      'in a retried attempt that later passed': [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      'in a retried attempt': [1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
      'first of its kind in its step': [1, 1, 1, 1, 0, 0, 0, 0, 1, 1],
      'last of its kind in its step': [1, 1, 0, 0, 0, 0, 1, 1, 1, 1],
      'strong lines around it': [1 / 5, 2 / 5, 3 / 5, 3 / 5, 2 / 5, 3 / 5, 2 / 5, 3 / 5, 3 / 5, 2 / 5],
      'first strong line of the failing step': [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
      'after a blank line': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      indented: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'strong kind in a failing step': [0, 0, 1, 0, 1, 0, 1, 0, 0, 0],
      'trailer below a strong line of its step': [0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
      'strong, the last of its step': [1, 0, 0, 0, 0, 0, 1, 0, 0, 0],
      'strong, the first of its step': [1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
      'strong lines inside its range': [3 / 5, 4 / 5, 2 / 5, 3 / 5, 2 / 5, 3 / 5, 2 / 5, 2 / 5, 4 / 5, 4 / 5],
      'trailer with no strong line inside its range': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'times its rule matches in the log': [1, 4, 3, 4, 3, 4, 3, 4, 1, 1].map(times),
    },
  },
];

describe('ranker features: steps', () => describeFeatures(CASES));
