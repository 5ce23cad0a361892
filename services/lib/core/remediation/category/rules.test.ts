import { expect } from 'chai';
import { CATEGORY_RULES, ruleVerdict, rulesOf } from './rules.js';

// One fixture per rule: a line of the kind the tool documents (hand-written, not from the development logs).
const FIXTURES: [string, string][] = [
  ['oom', 'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory'],
  ['disk', 'OSError: [Errno 28] No space left on device'],
  ['log-limit', 'The job exceeded the maximum log length, and has been terminated.'],
  ['ci-timeout', 'No output has been received in the last 10m0s, this potentially indicates a stalled build.'],
  ['timeout-124', 'The command "timeout 30m make check" exited with 124.'],
  ['timeout-exit', 'ERROR: Job failed: execution took longer than 1h0m0s seconds, timed out after 60 minutes'],
  ['flaky', 'WARNING: DATA RACE'],
  ['net-resolve', "fatal: unable to access 'https://github.com/a/b.git/': Could not resolve host: github.com"],
  ['net-connect', 'npm ERR! network read ECONNRESET'],
  ['net-http', 'The requested URL returned error: 502'],
  ['runner', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'],
  ['browser', 'Chrome 75.0 (Linux) ERROR Disconnected, because no message in 30000 ms.'],
  ['git-remote', 'fatal: Remote branch feature-x not found in upstream origin'],
  ['tool-crash', 'gcc: internal compiler error: Killed (program cc1plus)'],
  ['ssh-key', 'git@github.com: Permission denied (publickey).'],
  ['eacces', "npm ERR! Error: EACCES: permission denied, mkdir '/usr/lib/node_modules/x'"],
  ['credentials', 'Error: access key must not be empty'],
  ['command-missing', 'bash: bundle: command not found'],
  ['task-missing', 'npm ERR! missing script: test'],
  ['ci-config', '.travis.yml: syntax error at line 12'],
  ['file-missing', 'bash: ./ci/run.sh: No such file or directory'],
  ['npm-resolve', 'npm ERR! code E404'],
  ['py-resolve', 'ERROR: No matching distribution found for foo==9.9'],
  ['js-module', "Error: Cannot find module 'left-pad'"],
  [
    'jvm-resolve',
    '[ERROR] Failed to execute goal on project x: Could not resolve dependencies for project a:b:jar:1.0',
  ],
  ['ruby-resolve', 'Bundler could not find compatible versions for gem "rails":'],
  ['pkg-resolve', 'go: example.com/x@v1.2.3: missing go.sum entry; to add it:'],
  ['system-lib', 'src/a.c:1:10: fatal error: zlib.h: No such file or directory'],
  ['compiler-error', "src/a.c:12:5: error: 'x' undeclared (first use in this function)"],
  ['compiler-message', '[ERROR] /src/A.java:[3,8] cannot find symbol'],
  ['syntax-error', 'SyntaxError: Unexpected token )'],
  ['load-error', "NameError: name 'foo' is not defined"],
  ['doc-build', "! LaTeX Error: File `foo.sty' not found."],
  ['linter-tool', '$ npx eslint .'],
  ['lint-report', '✖ 3 problems (3 errors, 0 warnings)'],
  ['format-check', 'would reformat src/a.py'],
  ['link-check', 'ERROR: 2 dead links found!'],
  ['order-check', 'Entries are not in alphabetical order'],
  ['size-check', 'Size limit has exceeded by 2 KB'],
  ['doc-file', 'README.md:40: Line longer than 80'],
  ['go-test', '--- FAIL: TestParse (0.01s)'],
  ['xunit-summary', 'Tests run: 40, Failures: 2, Errors: 0, Skipped: 0'],
  ['test-line', 'not ok 3 - parses the header'],
  ['assertion', 'AssertionError: expected 3 to equal 4'],
];

describe('category rules', () => {
  it('have one fixture each', () => {
    expect(FIXTURES.map(([id]) => id)).to.have.members(CATEGORY_RULES.map((r) => r.id));
  });

  for (const [id, line] of FIXTURES) {
    it(`${id} matches ${JSON.stringify(line)}`, () => {
      expect(rulesOf(line).map((r) => r.id)).to.include(id);
    });
  }

  const verdicts: [string, string[], string | undefined][] = [
    ['a compile error making the tests fail: compilation', ['src/a.c:1:1: error: x', '2 failing'], 'compilation'],
    [
      'a missing module making the compile fail: dependency',
      ["Error: Cannot find module 'x'", 'SyntaxError: y'],
      'dependency',
    ],
    ['an exit line alone: no verdict', ['The command "make" exited with 2.'], undefined],
  ];
  for (const [what, lines, category] of verdicts) {
    it(`decides by precedence: ${what}`, () => expect(ruleVerdict(lines)?.category).to.equal(category));
  }

  it('is in the rubric precedence order', () => {
    const order = ['out_of_resources', 'timeout', 'flaky', 'infrastructure', 'permissions', 'configuration'];
    const rank = (c: string) => [...order, 'dependency', 'compilation', 'lint', 'test_failure'].indexOf(c);
    const ranks = CATEGORY_RULES.map((r) => rank(r.category));
    expect(ranks).to.deep.equal([...ranks].sort((a, b) => a - b));
  });
});
