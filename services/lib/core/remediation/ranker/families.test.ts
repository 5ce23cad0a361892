import { expect } from 'chai';
import { ruleOf, type Kind } from './families.js';

// Fixtures: lines in the format of real public CI logs and bug reports, names shortened or changed; the
// source beside each. `docs` marks a format taken from the tool's documentation where no public log was
// cited yet.
const FIXTURES: readonly { family: string; line: string; kind: Kind | undefined; source: string }[] = [
  // Perl prove — https://github.com/mgruberman/Enbugger/issues/6, https://github.com/kan/coveralls-perl/issues/2
  {
    family: 'perl',
    line: 't/basic.t .. Dubious, test returned 1 (wstat 256, 0x100)',
    kind: 'test-fail',
    source: 'Enbugger#6',
  },
  { family: 'perl', line: '#   Failed test at t/basic.t line 38.', kind: 'assert', source: 'Enbugger#6' },
  { family: 'perl', line: 'Result: FAIL', kind: 'summary', source: 'Enbugger#6' },
  {
    family: 'perl',
    line: 't/basic.t (Wstat: 256 Tests: 1 Failed: 1)',
    kind: 'summary',
    source: 'Octopussy-Project/Octopussy#615',
  },
  { family: 'perl', line: 'Test Summary Report', kind: 'section', source: 'Enbugger#6' },
  // Lua — https://github.com/lunarmodules/busted/issues/137, #192, #399
  {
    family: 'lua',
    line: 'lua: /usr/local/share/lua/5.1/busted/core.lua:278: attempt to call a nil value',
    kind: 'error',
    source: 'busted#137',
  },
  { family: 'lua', line: 'stack traceback:', kind: 'trace', source: 'busted#137' },
  { family: 'lua', line: 'Failure → ./spec/example_spec.lua @ 4', kind: 'test-fail', source: 'busted#192' },
  {
    family: 'lua',
    line: '18 successes / 0 failures / 1 error / 0 pending : 0.049 seconds',
    kind: 'summary',
    source: 'busted#399',
  },
  // Erlang/Elixir — https://github.com/bitwalker/libcluster/issues/44, https://github.com/elixir-lang/elixir/issues/13660
  {
    family: 'beam',
    line: '** (TokenMissingError) test/app_test.exs:58: missing terminator: end',
    kind: 'error',
    source: 'libcluster#44',
  },
  { family: 'beam', line: '== Compilation error in file test/foo_test.exs ==', kind: 'error', source: 'elixir#13660' },
  { family: 'beam', line: '  1) test greets the world (FooTest)', kind: 'test-fail', source: 'ExUnit docs' },
  { family: 'beam', line: '3 tests, 1 failure', kind: 'summary', source: 'ExUnit docs' },
  // JVM: Gradle — https://github.com/Netflix/SimianArmy/issues/186, https://github.com/navit-gps/navit/issues/1303
  { family: 'jvm', line: 'FAILURE: Build failed with an exception.', kind: 'summary', source: 'SimianArmy#186' },
  { family: 'jvm', line: '* What went wrong:', kind: 'section', source: 'SimianArmy#186' },
  { family: 'jvm', line: '* Try:', kind: 'noise', source: 'SimianArmy#186' },
  { family: 'jvm', line: 'FAILURE: Build completed with 2 failures.', kind: 'summary', source: 'navit#1303' },
  {
    family: 'jvm',
    line: 'com.example.FooTest > parses FAILED',
    kind: 'test-fail',
    source: 'docs (Gradle test logging)',
  },
  {
    family: 'jvm',
    line: '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin',
    kind: 'error',
    source: 'docs (Maven)',
  },
  { family: 'jvm', line: '[ERROR] -> [Help 1]', kind: 'noise', source: 'docs (Maven)' },
  {
    family: 'jvm',
    line: 'Tests run: 12, Failures: 1, Errors: 0, Skipped: 0',
    kind: 'summary',
    source: 'docs (Surefire)',
  },
  { family: 'jvm', line: '[error] Failed tests:', kind: 'section', source: 'docs (sbt)' },
  { family: 'jvm', line: '\tat com.example.Foo.bar(Foo.java:12)', kind: 'trace', source: 'docs (Java)' },
  // JS — https://github.com/jestjs/jest/issues/4049, https://github.com/openedx-unsupported/studio-frontend/pull/239
  { family: 'js', line: 'npm ERR! code ELIFECYCLE', kind: 'noise', source: 'jest#4049' },
  { family: 'js', line: 'npm ERR! A complete log of this run can be found in:', kind: 'noise', source: 'jest#4049' },
  {
    family: 'js',
    line: 'Tests:       10 failed, 697 passed, 707 total',
    kind: 'summary',
    source: 'studio-frontend#239',
  },
  { family: 'js', line: '  ● Button › renders the label', kind: 'test-fail', source: 'docs (Jest)' },
  { family: 'js', line: '  2 failing', kind: 'section', source: 'docs (Mocha)' },
  { family: 'js', line: 'not ok 3 - Tests error1', kind: 'test-fail', source: 'lunarmodules/busted#351 (TAP)' },
  {
    family: 'js',
    line: "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    kind: 'error',
    source: 'docs (tsc)',
  },
  { family: 'js', line: '✖ 2 problems (2 errors, 0 warnings)', kind: 'summary', source: 'docs (ESLint)' },
  {
    family: 'js',
    line: '✖ 1 problem (0 errors, 1 warning)',
    kind: 'warning',
    source: 'docs (ESLint formatters: stylish)',
  },
  // Python — pytest and unittest formats: docs (pytest, unittest)
  {
    family: 'python',
    line: '=================================== FAILURES ===================================',
    kind: 'section',
    source: 'docs (pytest)',
  },
  {
    family: 'python',
    line: '___________________________ test_parse_empty ___________________________',
    kind: 'test-fail',
    source: 'docs (pytest)',
  },
  { family: 'python', line: 'E       assert 1 == 2', kind: 'assert', source: 'docs (pytest)' },
  {
    family: 'python',
    line: 'FAILED tests/test_x.py::test_parse_empty - assert 1 == 2',
    kind: 'test-fail',
    source: 'docs (pytest)',
  },
  { family: 'python', line: 'FAIL: test_upper (test_str.TestStr)', kind: 'test-fail', source: 'docs (unittest)' },
  { family: 'python', line: 'Traceback (most recent call last):', kind: 'trace', source: 'docs (Python)' },
  { family: 'python', line: 'ERROR: No matching distribution found for foo==9.9', kind: 'env', source: 'docs (pip)' },
  // Go — https://github.com/dedis/cothority/issues/118 (panics), docs (go test)
  { family: 'go', line: '--- FAIL: TestStamp (0.02s)', kind: 'test-fail', source: 'docs (go test)' },
  {
    family: 'go',
    line: 'panic: runtime error: invalid memory address or nil pointer dereference',
    kind: 'crash',
    source: 'cothority#118',
  },
  { family: 'go', line: 'FAIL\tgithub.com/example/pkg\t0.123s', kind: 'summary', source: 'docs (go test)' },
  // Rust — docs (rustc, cargo test)
  { family: 'rust', line: "error[E0463]: can't find crate for `foo`", kind: 'error', source: 'docs (rustc)' },
  { family: 'rust', line: "thread 'main' panicked at 'boom', src/main.rs:2:5", kind: 'crash', source: 'docs (Rust)' },
  { family: 'rust', line: 'test tests::it_works ... FAILED', kind: 'test-fail', source: 'docs (cargo test)' },
  // C/C++ — https://github.com/ParadoxZero/stmp/issues/4, https://github.com/loxilb-io/loxilb/issues/18
  {
    family: 'c',
    line: "/src/p.c:(.text+0x357): undefined reference to `get_all_lines'",
    kind: 'error',
    source: 'stmp#4',
  },
  { family: 'c', line: 'collect2: error: ld returned 1 exit status', kind: 'summary', source: 'loxilb#18' },
  { family: 'c', line: 'make[1]: *** [Makefile:27: ip] Error 1', kind: 'noise', source: 'loxilb#18' },
  { family: 'c', line: "main.c:15:3: error: unknown type name 'fd_set'", kind: 'error', source: 'docs (GCC)' },
  { family: 'c', line: 'The following tests FAILED:', kind: 'section', source: 'docs (CTest)' },
  // Ruby — https://github.com/UNC-Libraries/hy-c/pull/328 (a passing summary), docs (RSpec, Minitest)
  { family: 'ruby', line: '889 examples, 0 failures, 8 pending', kind: undefined, source: 'hy-c#328' },
  { family: 'ruby', line: 'Failures:', kind: 'section', source: 'docs (RSpec)' },
  { family: 'ruby', line: '     Failure/Error: expect(x).to eq(1)', kind: 'assert', source: 'docs (RSpec)' },
  { family: 'ruby', line: 'rspec ./spec/a_spec.rb:12 # A does b', kind: 'test-fail', source: 'docs (RSpec)' },
  // PHP — docs (PHPUnit)
  { family: 'php', line: 'There was 1 failure:', kind: 'section', source: 'docs (PHPUnit)' },
  { family: 'php', line: 'FAILURES!', kind: 'summary', source: 'docs (PHPUnit)' },
  // .NET, Swift, Haskell, R, Docker
  {
    family: 'dotnet',
    line: 'Program.cs(3,1): error CS1002: ; expected [/src/app.csproj]',
    kind: 'error',
    source: 'docs (dotnet build)',
  },
  {
    family: 'swift',
    line: '    ❌ testLogin, XCTAssertEqual failed',
    kind: 'test-fail',
    source: 'xcpretty/xcpretty#116 (format)',
  },
  { family: 'swift', line: '** TEST FAILED **', kind: 'summary', source: 'docs (xcodebuild)' },
  { family: 'haskell', line: 'src/Lib.hs:38:10: error:', kind: 'error', source: 'docs (GHC)' },
  // Haskell tasty — https://github.com/decentral1se/tasty-discover/issues/85, https://github.com/andrewthad/quickcheck-classes/issues/72
  {
    family: 'haskell',
    line: '  noModuleSuffix:                          FAIL',
    kind: 'test-fail',
    source: 'tasty-discover#85',
  },
  {
    family: 'haskell',
    line: 'Encoding Equals Value *** Failed! Falsifiable (after 1 test):',
    kind: 'summary',
    source: 'quickcheck-classes#72',
  },
  {
    family: 'haskell',
    line: 'Test suite expected-fail-tests: FAIL',
    kind: 'summary',
    source: 'nomeata/tasty-expected-failure#19',
  },
  // PowerShell Pester — https://github.com/adamdriscoll/poshtools/issues/612 (the [+]/[-] lines and the summary)
  {
    family: 'powershell',
    line: "    [-] Given valid -Name 'Pluto', it returns 'Pluto' 54ms",
    kind: 'test-fail',
    source: 'poshtools#612',
  },
  {
    family: 'powershell',
    line: '    [+] Given no parameters, it lists all 8 planets 688ms',
    kind: undefined,
    source: 'poshtools#612',
  },
  {
    family: 'powershell',
    line: 'Tests Passed: 5, Failed: 1, Skipped: 0, Pending: 0, Inconclusive: 0',
    kind: 'summary',
    source: 'poshtools#612',
  },
  { family: 'r', line: 'Error in library(foo) : there is no package called ‘foo’', kind: 'error', source: 'docs (R)' },
  { family: 'r', line: 'Execution halted', kind: 'summary', source: 'docs (R)' },
  {
    family: 'docker',
    line: "The command '/bin/sh -c cd src && make' returned a non-zero code: 2",
    kind: 'summary',
    source: 'moby/moby#25102',
  },
  {
    family: 'docker',
    line: "ERROR: Service 'apache' failed to build: The command returned a non-zero code: 137",
    kind: 'summary',
    source: 'ewolff/microservice-kafka#20',
  },
  // Shell and generic
  { family: 'shell', line: './ci.sh: line 4: foo: command not found', kind: 'env', source: 'docs (bash)' },
  { family: 'generic', line: 'warning: unused variable `x`', kind: 'warning', source: 'docs (rustc)' },
  { family: 'generic', line: 'Downloading foo-1.0.tar.gz', kind: undefined, source: '—' },
];

describe('ranker line families', () => {
  for (const f of FIXTURES) {
    it(`${f.family}: ${JSON.stringify(f.line.slice(0, 60))} is ${f.kind ?? 'nothing'} (${f.source})`, () => {
      const rule = ruleOf(f.line);
      expect(rule?.kind).to.equal(f.kind);
      // An ecosystem's line is recognised by an ecosystem rule (formats shared by two tools may match either).
      if (f.kind !== undefined && f.family !== 'generic') expect(rule?.family).to.not.equal('generic');
    });
  }

  it('reads a zero count as no failure', () => {
    expect(ruleOf('Tests run: 3, Failures: 0, Errors: 0')).to.equal(undefined);
  });

  it('looks at a bounded prefix of a very long line', () => {
    expect(ruleOf(`${'x'.repeat(100_000)} error: late`)).to.equal(undefined);
  });
});
