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
  // https://github.com/moby/moby/issues/34793
  ['image-missing', 'docker: Error response from daemon: manifest for i3wm/travis-base:latest not found.'],
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
  // https://github.com/waydroid/waydroid/issues/754
  [
    'apt-404',
    'E: Failed to fetch http://ports.ubuntu.com/ubuntu-ports/dists/focal/main/binary-amd64/Packages  404  Not Found [IP: 185.125.190.39 80]',
  ],
  // https://doc.rust-lang.org/error_codes/E0463.html
  ['rust-crate', "error[E0463]: can't find crate for `term`"],
  ['system-lib', 'src/a.c:1:10: fatal error: zlib.h: No such file or directory'],
  ['compiler-error', "src/a.c:12:5: error: 'x' undeclared (first use in this function)"],
  ['compiler-message', '[ERROR] /src/A.java:[3,8] cannot find symbol'],
  ['syntax-error', 'SyntaxError: Unexpected token )'],
  ['load-error', "NameError: name 'foo' is not defined"],
  ['doc-build', "! LaTeX Error: File `foo.sty' not found."],
  ['linter-tool', '$ npx eslint .'],
  ['lint-report', '✖ 3 problems (3 errors, 0 warnings)'],
  ['format-check', 'would reformat src/a.py'],
  // https://nongnu.org/texi2latex/texinfo/Overfull-hboxes.html
  ['tex-box', 'Overfull \\hbox (20.76302pt too wide) in paragraph at lines 61--62'],
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

  // Lines a rule must not take: what the rule's tool prints in passing, or another rule's class.
  const nonMatches: [string, string][] = [
    // `docker run` prints it before every pull (https://github.com/moby/moby/issues/34793).
    ['runner', "Unable to find image 'i3wm/travis-base:latest' locally"],
    ['runner', 'docker: Error response from daemon: manifest for i3wm/travis-base:latest not found.'],
    ['runner', 'E: Failed to fetch http://a.example/dists/x/Packages  404  Not Found [IP: 10.0.0.1 80]'],
    ['runner', 'E: Some index files failed to download. They have been ignored, or old ones used instead.'],
    // HTML-Proofer's report of an unreachable link (https://github.com/gjtorikian/html-proofer/issues/466).
    [
      'net-connect',
      "             It's possible libcurl couldn't connect to the server or perhaps the request timed out.",
    ],
    ['net-connect', '  *  External link http://netty.io/ failed: 301 SSL connect error'],
    ['linter-tool', 'Using the standard library'],
    ['linter-tool', 'Removing black.png'],
    // git prints it after any failed transport, the cause on the line before (git's connect.c, die_initial_contact).
    ['git-remote', 'fatal: Could not read from remote repository.'],
  ];
  for (const [id, line] of nonMatches) {
    it(`${id} does not match ${JSON.stringify(line)}`, () => {
      expect(rulesOf(line).map((r) => r.id)).not.to.include(id);
    });
  }

  // More lines of the classes a rule covers, beside its fixture.
  const alsoMatches: [string, string][] = [
    // https://github.com/gjtorikian/html-proofer/issues/466
    ['link-check', "  *  External link https://a.example/x failed: response code 0 means something's wrong."],
    ['net-connect', "fatal: unable to access 'https://a.example/x.git/': Failed to connect to a.example port 443"],
    // https://standardjs.com: its own prefix, and a command.
    ['linter-tool', 'standard: Use JavaScript Standard Style (https://standardjs.com)'],
    ['linter-tool', '$ npx standard'],
    ['linter-tool', 'python -m black --check .'],
    // rustc's location line of an error inside a registry crate (https://doc.rust-lang.org/cargo/guide/cargo-home.html).
    ['rust-crate', '  --> /home/u/.cargo/registry/src/github.com-1ecc6299db9ec823/foo-1.0.0/src/lib.rs:3:5'],
    // https://github.com/sixeyed/docker-on-windows/issues/13 (the registry v2 wording)
    ['image-missing', 'Error response from daemon: manifest for a/b:c not found: manifest unknown: manifest unknown'],
    // https://w3resource.com/php/PHPUnit/writing-tests-for-phpunit-outputs.php
    ['assertion', 'Failed asserting that two strings are equal.'],
    // LaTeX warnings on a ref without its label (https://www.overleaf.com/learn/latex/Errors/There_were_undefined_references).
    ['tex-box', 'LaTeX Warning: There were undefined references.'],
    ['tex-box', "LaTeX Warning: Reference `sec:x' on page 3 undefined on input line 12."],
  ];
  for (const [id, line] of alsoMatches) {
    it(`${id} also matches ${JSON.stringify(line)}`, () => {
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
    [
      'a network error making the tests fail: infrastructure',
      ['npm ERR! network read ECONNRESET', 'AssertionError: expected 200 to equal 503', '2 failing'],
      'infrastructure',
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
