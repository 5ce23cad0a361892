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
  // Erlang/Elixir — https://github.com/bitwalker/libcluster/issues/44, https://github.com/elixir-lang/elixir/issues/13660,
  // https://github.com/exercism/elixir/pull/5
  {
    family: 'beam',
    line: '** (TokenMissingError) test/app_test.exs:58: missing terminator: end',
    kind: 'error',
    source: 'libcluster#44',
  },
  { family: 'beam', line: '== Compilation error in file test/foo_test.exs ==', kind: 'error', source: 'elixir#13660' },
  { family: 'beam', line: '  1) test addition works (MathTest)', kind: 'test-fail', source: 'exercism/elixir#5' },
  { family: 'beam', line: '1 tests, 1 failures', kind: 'summary', source: 'exercism/elixir#5' },
  // JVM: Gradle — https://github.com/Netflix/SimianArmy/issues/186, https://github.com/navit-gps/navit/issues/1303,
  // https://github.com/cflint/CFLint/issues/446; Maven — https://github.com/cloudera/navigator-sdk/issues/98,
  // https://github.com/cmader/qSKOS/issues/9; sbt — https://github.com/kaitai-io/kaitai_struct/issues/972;
  // Java — https://github.com/JesusFreke/smali/issues/537
  { family: 'jvm', line: 'FAILURE: Build failed with an exception.', kind: 'summary', source: 'SimianArmy#186' },
  { family: 'jvm', line: '* What went wrong:', kind: 'section', source: 'SimianArmy#186' },
  { family: 'jvm', line: '* Try:', kind: 'noise', source: 'SimianArmy#186' },
  { family: 'jvm', line: 'FAILURE: Build completed with 2 failures.', kind: 'summary', source: 'navit#1303' },
  {
    family: 'jvm',
    line: 'com.cflint.TestCFBugs_VariableNames > QueryValidNameTag FAILED',
    kind: 'test-fail',
    source: 'CFLint#446',
  },
  {
    family: 'jvm',
    line: '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:compile (default-compile) on project demo: Compilation failure -> [Help 1]',
    kind: 'error',
    source: 'navigator-sdk#98',
  },
  { family: 'jvm', line: '[ERROR] -> [Help 1]', kind: 'noise', source: 'qSKOS#9' },
  {
    family: 'jvm',
    line: 'Tests run: 43, Failures: 1, Errors: 0, Skipped: 0',
    kind: 'summary',
    source: 'qSKOS#9',
  },
  { family: 'jvm', line: '[error] Failed tests:', kind: 'section', source: 'kaitai_struct#972' },
  { family: 'jvm', line: '\tat org.junit.Assert.fail(Assert.java:88)', kind: 'trace', source: 'smali#537' },
  // JS — https://github.com/jestjs/jest/issues/4049, https://github.com/openedx-unsupported/studio-frontend/pull/239,
  // https://github.com/JeanPaiva42/jest-an-issue/issues/47, https://github.com/Netflix/nerror/pull/13,
  // https://github.com/xssnick/TON-Torrent/issues/18, https://github.com/GSA/code-gov-api-client/issues/19,
  // https://github.com/eslint/eslint/pull/21125
  { family: 'js', line: 'npm ERR! code ELIFECYCLE', kind: 'noise', source: 'jest#4049' },
  { family: 'js', line: 'npm ERR! A complete log of this run can be found in:', kind: 'noise', source: 'jest#4049' },
  {
    family: 'js',
    line: 'Tests:       10 failed, 697 passed, 707 total',
    kind: 'summary',
    source: 'studio-frontend#239',
  },
  { family: 'js', line: '  ● example tests › test that always fails', kind: 'test-fail', source: 'jest-an-issue#47' },
  { family: 'js', line: '  1 failing', kind: 'section', source: 'nerror#13' },
  { family: 'js', line: 'not ok 3 - Tests error1', kind: 'test-fail', source: 'lunarmodules/busted#351 (TAP)' },
  {
    family: 'js',
    line: "src/components/ModalAddTorrent.tsx(63,9): error TS2322: Type 'Timer' is not assignable to type 'number'.",
    kind: 'error',
    source: 'TON-Torrent#18',
  },
  { family: 'js', line: '✖ 269 problems (269 errors, 0 warnings)', kind: 'summary', source: 'code-gov-api-client#19' },
  {
    family: 'js',
    line: '✖ 1 problem (0 errors, 1 warning)',
    kind: 'warning',
    source: 'eslint#21125',
  },
  // Python — https://github.com/okken/pytest-check/pull/150, https://github.com/python-pillow/Pillow/pull/7546,
  // https://github.com/Cornerstone-OnDemand/modelkit/issues/176, https://github.com/jjensenmike/python-streetaddress/issues/5,
  // https://github.com/OttoStruve/muler/issues/114
  {
    family: 'python',
    line: '=================================== FAILURES ===================================',
    kind: 'section',
    source: 'pytest-check#150',
  },
  {
    family: 'python',
    line: '_________________________________ test_message _________________________________',
    kind: 'test-fail',
    source: 'pytest-check#150',
  },
  { family: 'python', line: 'E       assert False', kind: 'assert', source: 'Pillow#7546' },
  {
    family: 'python',
    line: 'FAILED tests/test_errors.py::test_prediction_error[model0] - AssertionError: assert 6 <= 3',
    kind: 'test-fail',
    source: 'modelkit#176',
  },
  {
    family: 'python',
    line: 'FAIL: test_all (__main__.addressTests)',
    kind: 'test-fail',
    source: 'python-streetaddress#5',
  },
  { family: 'python', line: 'Traceback (most recent call last):', kind: 'trace', source: 'python-streetaddress#5' },
  { family: 'python', line: 'ERROR: No matching distribution found for muler', kind: 'env', source: 'muler#114' },
  // Go — https://github.com/dedis/cothority/issues/118 (panics), https://github.com/quii/learn-go-with-tests/pull/90
  { family: 'go', line: '--- FAIL: TestRacer (0.05s)', kind: 'test-fail', source: 'learn-go-with-tests#90' },
  {
    family: 'go',
    line: 'panic: runtime error: invalid memory address or nil pointer dereference',
    kind: 'crash',
    source: 'cothority#118',
  },
  {
    family: 'go',
    line: 'FAIL\tgithub.com/quii/learn-go-with-tests/select/v3\t0.055s',
    kind: 'summary',
    source: 'learn-go-with-tests#90',
  },
  // Rust — https://github.com/dtolnay/thiserror/issues/432, https://github.com/machineonamission/uwd2/issues/12,
  // https://github.com/Miserlou/Loop/issues/72
  {
    family: 'rust',
    line: "error[E0463]: can't find crate for `thiserror_impl`",
    kind: 'error',
    source: 'thiserror#432',
  },
  {
    family: 'rust',
    line: "thread 'main' panicked at src\\explorer_modinfo.rs:45:14:",
    kind: 'crash',
    source: 'uwd2#12',
  },
  { family: 'rust', line: 'test summary ... FAILED', kind: 'test-fail', source: 'Loop#72' },
  // C/C++ — https://github.com/ParadoxZero/stmp/issues/4, https://github.com/loxilb-io/loxilb/issues/18,
  // https://github.com/linux-on-mac/mbpfan/issues/88, https://github.com/PDB-REDO/libcifpp/issues/11
  {
    family: 'c',
    line: "/src/p.c:(.text+0x357): undefined reference to `get_all_lines'",
    kind: 'error',
    source: 'stmp#4',
  },
  { family: 'c', line: 'collect2: error: ld returned 1 exit status', kind: 'summary', source: 'loxilb#18' },
  { family: 'c', line: 'make[1]: *** [Makefile:27: ip] Error 1', kind: 'noise', source: 'loxilb#18' },
  { family: 'c', line: "src/mbpfan.h:49:1: error: unknown type name 'bool'", kind: 'error', source: 'mbpfan#88' },
  { family: 'c', line: 'The following tests FAILED:', kind: 'section', source: 'libcifpp#11' },
  {
    family: 'c',
    line: '\t 16 - qa_tracking_singletarget (Failed)',
    kind: 'test-fail',
    source: 'https://github.com/kit-cel/gr-radar/issues/11',
  },
  // Ruby — https://github.com/UNC-Libraries/hy-c/pull/328 (a passing summary), https://github.com/oggy/respec/issues/13,
  // https://github.com/tararoys/params-naming-parsing-exercises/blob/3d194bca289f26ff1e4652a7febee146689b0e91/first_rspec_ever/Rspec_first_look.md
  { family: 'ruby', line: '889 examples, 0 failures, 8 pending', kind: undefined, source: 'hy-c#328' },
  { family: 'ruby', line: 'Failures:', kind: 'section', source: 'respec#13' },
  { family: 'ruby', line: '     Failure/Error: expect(1).to eq(2)', kind: 'assert', source: 'respec#13' },
  {
    family: 'ruby',
    line: 'rspec ./params_parsing_spec.rb:5 # Rack Parameter Naming/Parsing parses input fields into a hash',
    kind: 'test-fail',
    source: 'params-naming-parsing-exercises (Rspec_first_look.md)',
  },
  // PHP — https://github.com/fuel/core/issues/1652
  { family: 'php', line: 'There was 1 failure:', kind: 'section', source: 'fuel/core#1652' },
  { family: 'php', line: 'FAILURES!', kind: 'summary', source: 'fuel/core#1652' },
  // .NET, Swift, Haskell, R, Docker — https://github.com/dotnet/core/issues/7947, https://github.com/xcpretty/xcpretty/issues/25,
  // https://github.com/agda/agda/issues/8087, https://github.com/r-hub/rhub/issues/345
  {
    family: 'dotnet',
    line: 'C:\\Users\\me\\MyApp\\Program.cs(3,7): error CS1002: ; expected [C:\\Users\\me\\MyApp\\MyApp.csproj]',
    kind: 'error',
    source: 'dotnet/core#7947',
  },
  {
    family: 'swift',
    line: '    ❌ testLogin, XCTAssertEqual failed',
    kind: 'test-fail',
    source: 'xcpretty/xcpretty#116 (format)',
  },
  { family: 'swift', line: '** TEST FAILED **', kind: 'summary', source: 'xcpretty#25' },
  {
    family: 'haskell',
    line: '/home/runner/work/agda/agda/src/full/Agda/Utils/HashTable.hs:129:35: error:',
    kind: 'error',
    source: 'agda#8087',
  },
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
  {
    family: 'r',
    line: 'Error in library(mdas) : there is no package called ‘mdas’',
    kind: 'error',
    source: 'rhub#345',
  },
  { family: 'r', line: 'Execution halted', kind: 'summary', source: 'rhub#345' },
  // Indented, as R CMD check quotes a failed example (tidymodels/tailor#29): only a weak word (see r-error).
  {
    family: 'generic',
    line: '  Error in library(modeldata) : there is no package called ‘modeldata’',
    kind: 'word',
    source: 'tidymodels/tailor#29',
  },
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
  // Shell and generic — https://github.com/akhilnarang/scripts/issues/135, https://github.com/ekimb/rust-mdbg/issues/13
  {
    family: 'shell',
    line: 'setup/android_build_env.sh: line 16: sudo: command not found',
    kind: 'env',
    source: 'akhilnarang/scripts#135',
  },
  { family: 'generic', line: 'warning: unused variable: `output_prefix`', kind: 'warning', source: 'rust-mdbg#13' },
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
