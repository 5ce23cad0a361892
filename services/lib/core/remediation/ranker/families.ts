// Line features by ecosystem: what the build tools, compilers and test runners print when they fail,
// as their documentation shows it (fixtures of real public logs in families.test.ts). Each rule gives a
// line a kind — what the line is to a reader looking for why the job failed — and the ranker learns
// how much each kind weighs (ranker/learn.ts); nothing here is fitted to particular logs. A line gets the
// first rule that matches, ecosystem rules before the generic ones at the end. Pure.

export const KINDS = [
  'error', // an error message: a compiler diagnostic, an exception, `npm ERR!`, `[ERROR]`
  'test-fail', // the header of a failing test's report
  'assert', // an assertion's detail: expected/actual, pytest's `E   ` lines
  'trace', // a stack trace's head or frame
  'section', // the header of a list of failures (`Failures:`, `=== FAILURES ===`)
  'summary', // a count or verdict (`3 failing`, `BUILD FAILURE`, `FAILURES!`)
  'crash', // a crash, a kill, a timeout, memory exhausted
  'env', // the environment: a command or file missing, a dependency unresolved, denied access
  'noise', // a tool's boilerplate after a failure (`npm ERR! code ELIFECYCLE`, `make: ***`, `* Try:`)
  'warning', // a warning or deprecation
  'word', // a generic error word, the weakest hint
] as const;
export type Kind = (typeof KINDS)[number];

export interface LineRule {
  id: string;
  family: string;
  kind: Kind;
  re: RegExp;
}

const r = (family: string, id: string, kind: Kind, re: RegExp): LineRule => ({ id, family, kind, re });

/** Ecosystem rules, then generic ones; the first that matches a line wins. */
export const RULES: readonly LineRule[] = [
  // JVM: Maven (and Surefire), Gradle, JUnit/TestNG, sbt/ScalaTest, Java exceptions.
  r(
    'jvm',
    'maven-noise',
    'noise',
    /^\[ERROR\] (?:-> \[Help|To see the full|Re-run Maven|For more information|\[Help \d)|^\[ERROR\]\s*$/,
  ),
  r('jvm', 'maven-build-failure', 'summary', /^\[INFO\] BUILD FAILURE\b/),
  r('jvm', 'surefire-failed-list', 'section', /^(?:\[ERROR\] )?(?:Failed tests|Tests in error|Failures|Errors):\s*$/),
  r('jvm', 'surefire-failure', 'test-fail', /<<< (?:FAILURE|ERROR)!/),
  r('jvm', 'tests-run-failed', 'summary', /\bTests run: \d+, Failures: (?:[1-9]|\d+, Errors: [1-9])/),
  r('jvm', 'maven-error', 'error', /^\[ERROR\] \S/),
  r('jvm', 'gradle-what-went-wrong', 'section', /^\* What went wrong:/),
  r('jvm', 'gradle-failure', 'summary', /^FAILURE: Build (?:failed|completed with \d+ failures?)|^BUILD FAILED\b/),
  r(
    'jvm',
    'gradle-noise',
    'noise',
    /^\* (?:Try|Get more help|Exception is):|^> Run with --(?:stacktrace|info|debug|scan)|^Run with --(?:stacktrace|scan)/,
  ),
  r('jvm', 'gradle-task-failed', 'error', /^> Task \S+ FAILED$|^Execution failed for task /),
  r('jvm', 'gradle-test-failed', 'test-fail', /^\S.* > .+ FAILED$/),
  r('jvm', 'scalatest-failed', 'test-fail', /\*\*\* FAILED \*\*\*/),
  r('jvm', 'sbt-failed-tests', 'section', /^\[error\] (?:Failed tests:|Error during tests:)/),
  r('jvm', 'sbt-noise', 'noise', /^\[error\] (?:Total time:|\(\S+\) sbt\.TestsFailedException)|^\[error\]\s*$/),
  r('jvm', 'sbt-error', 'error', /^\[error\] \S/),
  r(
    'jvm',
    'java-exception',
    'error',
    /^\s*(?:Caused by: |Exception in thread "[^"]*" )?(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/,
  ),
  r('jvm', 'java-frame', 'trace', /^\s+at [\w$.<>/]+\([^()]*\)\s*$/),
  // JavaScript: npm, yarn, Jest, Mocha, TAP, tsc, ESLint, Node.
  r(
    'js',
    'npm-noise',
    'noise',
    /^npm ERR! (?:code E|errno |syscall |Exit status|Failed at the|This is (?:probably|most likely)|Tell the author|You can get|npm (?:owner|bugs)|There is likely|A complete log|Test failed\.|\S+@\S+ \S+: |If you need help|Please include|\s)|^npm ERR!\s*$/,
  ),
  r('js', 'npm-error', 'error', /^npm ERR! \S/),
  r('js', 'yarn-noise', 'noise', /^error Command failed with exit code|^info Visit https:\/\/yarnpkg/),
  r('js', 'jest-test', 'test-fail', /^\s*● \S/),
  r('js', 'jest-file', 'test-fail', /^\s*FAIL\s+\S+\.(?:[cm]?[jt]sx?|vue)\b/),
  r('js', 'jest-summary', 'summary', /^Tests?(?: Suites)?:\s+[1-9]\d* failed/),
  r('js', 'mocha-failing', 'section', /^\s*[1-9]\d* failing\b/),
  r('js', 'tap-not-ok', 'test-fail', /^\s*not ok\b/),
  r('js', 'tsc-error', 'error', /\berror TS\d+:/),
  r('js', 'eslint-error', 'error', /^\s+\d+:\d+\s+error\s+\S/),
  // Warnings alone do not fail ESLint (without --max-warnings): its tally of 0 errors is no failure
  // (`(0 errors, 1 warning)`, read as `(0, 1 warning)` once ZERO_COUNTS has blanked the zero count).
  r('js', 'eslint-warnings', 'warning', /^✖ \d+ problems? \(0,/),
  r('js', 'eslint-summary', 'summary', /^✖ [1-9]\d* problems?\b/),
  r('js', 'node-frame', 'trace', /^\s+at (?:.+ \()?(?:\/|[A-Za-z]:\\|node:|internal\/|file:)\S*:\d+:\d+\)?\s*$/),
  // Python: pytest, unittest, tox, pip, tracebacks.
  r('python', 'pytest-section', 'section', /^=+ (?:FAILURES|ERRORS|short test summary info) =+$/),
  r('python', 'pytest-test', 'test-fail', /^_{3,} (?:ERROR (?:at|collecting) )?\S.* _{3,}$/),
  r('python', 'pytest-summary-line', 'test-fail', /^(?:FAILED|ERROR) \S+(?:::|\.py\b)/),
  r('python', 'pytest-e-line', 'assert', /^E {3}/),
  r('python', 'pytest-result', 'summary', /^=+ .*\b[1-9]\d* (?:failed|errors?)\b.* =+$/),
  r('python', 'traceback', 'trace', /^\s*Traceback \(most recent call last\):/),
  r('python', 'python-frame', 'trace', /^\s+File "[^"]+", line \d+/),
  r('python', 'unittest-test', 'test-fail', /^(?:FAIL|ERROR): \S+ \(\S+\)/),
  r('python', 'unittest-result', 'summary', /^FAILED \((?:failures|errors)=\d+/),
  r(
    'python',
    'tox-failed',
    'summary',
    /^ERROR:\s+\S+: (?:commands failed|InvocationError)|^ERROR: InvocationError\b|^\s+\S+: commands failed$/,
  ),
  r(
    'python',
    'pip-resolve',
    'env',
    /^ERROR: (?:Could not find a version|No matching distribution|Cannot install|ResolutionImpossible|pip's dependency resolver)|^\s*error: subprocess-exited-with-error|^\s*Failed building wheel for /,
  ),
  r('python', 'python-exception', 'error', /^(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt)(?:: |$)/),
  // Go.
  r('go', 'go-test-fail', 'test-fail', /^\s*--- FAIL: /),
  r('go', 'go-fail-summary', 'summary', /^FAIL\s+\S+\s+[\d.]+s\s*$|^FAIL\s*$/),
  r('go', 'go-panic', 'crash', /^panic: |^fatal error: all goroutines are asleep/),
  r('go', 'go-test-line', 'assert', /^\s+[\w./-]+_test\.go:\d+: /),
  // Rust.
  r('rust', 'rust-error', 'error', /^error(?:\[E\d+\])?: (?!could not compile|aborting due to)/),
  r('rust', 'rust-abort', 'summary', /^error: (?:could not compile|aborting due to)|^test result: FAILED\b/),
  r('rust', 'rust-panic', 'crash', /\bpanicked at\b/),
  r('rust', 'rust-test-failed', 'test-fail', /^test \S+ \.\.\. FAILED$/),
  r('rust', 'rust-failures', 'section', /^failures:\s*$/),
  // C and C++: compilers, linkers, CMake, CTest, make.
  r('c', 'cc-error', 'error', /^[^\s:]{1,300}:\d+(?::\d+)?: (?:fatal )?error: /),
  r('c', 'ld-undefined', 'error', /\bundefined reference to\b|^Undefined symbols for architecture/),
  r(
    'c',
    'ld-failed',
    'summary',
    /\bld returned \d+ exit status|^collect2: error:|^clang: error: linker command failed/,
  ),
  r('c', 'cmake-error', 'error', /^CMake Error\b/),
  r('c', 'ctest-failed-list', 'section', /^The following tests FAILED:/),
  // An entry of that list: `\t 16 - qa_tracking (Failed)` (kit-cel/gr-radar#11, PDB-REDO/libcifpp#11).
  r(
    'c',
    'ctest-failed-test',
    'test-fail',
    /^\s*\d+ - \S+ \((?:Failed|SEGFAULT|Timeout|Subprocess aborted|Exception|Child aborted|OTHER_FAULT|ILLEGAL|BUS_ERROR|Not Run)\)/,
  ),
  r('c', 'ctest-summary', 'summary', /\d+% tests passed, [1-9]\d* tests? failed|^Errors while running CTest/),
  r('c', 'make-error', 'noise', /\b(?:g?make|ninja)(?:\[\d+\])?: \*\*\*|^ninja: build stopped/),
  // Ruby: RSpec, Minitest, Bundler, rake.
  r('ruby', 'rspec-failures', 'section', /^(?:Failures|Failed examples):\s*$/),
  r('ruby', 'rspec-failure-error', 'assert', /^\s+Failure\/Error: /),
  r('ruby', 'rspec-rerun', 'test-fail', /^rspec \.\/\S+:\d+ /),
  r('ruby', 'rspec-summary', 'summary', /^\d+ examples?, [1-9]\d* failures?/),
  r('ruby', 'minitest-test', 'test-fail', /^\s*\d+\) (?:Failure|Error):\s*$/),
  r(
    'ruby',
    'minitest-summary',
    'summary',
    /\d+ (?:runs|tests), \d+ assertions, (?:[1-9]\d* failures|\d+ failures, [1-9]\d* errors)/,
  ),
  r(
    'ruby',
    'bundler',
    'env',
    /^Bundler could not find|^Could not find (?:gem|\S+-\d\S* in any)|^An error occurred while installing|\bBundler::\w+Error|^Gem::\w+Error/,
  ),
  r('ruby', 'rake-aborted', 'summary', /^rake aborted!$/),
  // PHP: PHPUnit.
  r('php', 'phpunit-section', 'section', /^There (?:was|were) \d+ (?:failures?|errors?)[:.]?\s*$/),
  r(
    'php',
    'phpunit-result',
    'summary',
    /^(?:FAILURES|ERRORS)!\s*$|^Tests: \d+, Assertions: \d+, (?:Failures|Errors): [1-9]/,
  ),
  r('php', 'php-fatal', 'crash', /^(?:PHP )?(?:Fatal|Parse) error: /),
  // .NET.
  r('dotnet', 'dotnet-diagnostic', 'error', /: error (?:CS|MSB|NU|FS|BC|NETSDK)\d+:/),
  r('dotnet', 'dotnet-test', 'test-fail', /^\s*Failed\s+[\w.`<>]+(?:\s+\[[^\]]*\])?\s*$|^\s*X\s+\S+\s+\[\d/),
  r(
    'dotnet',
    'dotnet-summary',
    'summary',
    /^(?:Failed!|Total tests: \d+\. Passed: \d+\. Failed: [1-9])|^\s*Failed:\s+[1-9]\d*[,.]|^Build FAILED\.\s*$/,
  ),
  r('dotnet', 'dotnet-message', 'assert', /^\s*Error Message:\s*$/),
  // Swift and Xcode: xcpretty, XCTest, xcodebuild.
  r('swift', 'xcpretty-fail', 'test-fail', /^\s*[❌✗] /),
  r('swift', 'xctest-fail', 'test-fail', /:\d+: error: -\[\S+ \S+\] :|^Test Case '.*' failed/),
  r(
    'swift',
    'xcodebuild-summary',
    'summary',
    /^\*\* (?:BUILD|TEST|ARCHIVE|TEST EXECUTE) FAILED \*\*|^\s*Executed \d+ tests?, with [1-9]\d* failures?/,
  ),
  // Haskell: GHC, cabal, stack, hspec.
  r('haskell', 'ghc-error', 'error', /^\S+\.l?hs:\d+:\d+(?:-\d+)?: error:?/),
  r(
    'haskell',
    'cabal-stack-failed',
    'summary',
    /^cabal: Failed to build|^Error: cabal: |^--\s+While building |^Test suite \S+: FAIL/,
  ),
  r('haskell', 'tasty-fail', 'test-fail', /^\s+\S.*:\s+FAIL(?: \(\d[\d.]*s\))?\s*$/),
  r('haskell', 'tasty-summary', 'summary', /^\d+ out of \d+ tests failed\b|\*\*\* Failed! /),
  // PowerShell: Pester, PowerShell errors.
  r('powershell', 'pester-fail', 'test-fail', /^\s*\[-\] \S/),
  r(
    'powershell',
    'pester-summary',
    'summary',
    /^Tests Passed: \d+,? Failed: [1-9]|^\s*\[-\] .* failed\b|^Tests? run has failed\b/,
  ),
  r('powershell', 'ps-error-record', 'error', /^\s*\+ (?:CategoryInfo|FullyQualifiedErrorId)\s+: /),
  // R: R CMD check, testthat.
  // Not indented: R CMD check quotes a failed example so (tidymodels/tailor#29), but so do test outputs of
  // expected errors; taking indented ones cost hit@1 on every R log of the development split (100% → 0%).
  r('r', 'r-error', 'error', /^Error in |^Error: /),
  r('r', 'r-check', 'error', /^\* checking .* \.\.\. (?:ERROR|WARNING)\s*$/),
  r('r', 'testthat-fail', 'test-fail', /^── (?:\d+\. )?(?:Failure|Error) \(|^(?:Failure|Error) \(\S+:\d+:\d+\): /),
  r('r', 'r-halted', 'summary', /^Execution halted\s*$|^Status: [1-9]\d* ERRORs?\b/),
  // Lua: interpreters, busted.
  r('lua', 'lua-error', 'error', /^\S*lua\S*: \S+:\d+: /),
  r('lua', 'lua-traceback', 'trace', /^(?:#\s*)?stack traceback:\s*$/),
  r('lua', 'busted-fail', 'test-fail', /^(?:Failure|Error) → \S/),
  r(
    'lua',
    'busted-summary',
    'summary',
    /^\d+ success(?:es)? \/ (?:[1-9]\d* failures?|(?:0|\d+ failures?) \/ [1-9]\d* errors?)/,
  ),
  // Perl: prove, Test::More.
  r('perl', 'prove-dubious', 'test-fail', /\bDubious, test returned [1-9]/),
  r('perl', 'test-more-failed', 'assert', /^\s*#\s+Failed test\b/),
  r(
    'perl',
    'prove-summary',
    'summary',
    /^Result: FAIL\b|^Failed \d+\/\d+ (?:test programs|subtests)|# Looks like you failed \d+ tests?|\(Wstat: \d+ Tests: \d+ Failed: [1-9]/,
  ),
  r('perl', 'prove-report', 'section', /^Test Summary Report\s*$/),
  // Erlang and Elixir: ExUnit, mix, rebar3, eunit, crash reports.
  r('beam', 'elixir-error', 'error', /^\s*\*\* \([\w.]+\) /),
  r('beam', 'elixir-compile', 'error', /^== Compilation error/),
  r('beam', 'exunit-test', 'test-fail', /^\s+\d+\) (?:test|doctest) .+ \([\w.]+\)\s*$/),
  r('beam', 'exunit-summary', 'summary', /\d+ (?:tests?|doctests?|properties), [1-9]\d* failures?/),
  r('beam', 'ct-failed', 'test-fail', /^\S+ failed on line \d+\s*$|^%%% \S+ ==> \S+: FAILED\b|\*\*\* FAILED \{/),
  r('beam', 'ct-reason', 'assert', /^Reason: \S/),
  r('beam', 'erlang-crash', 'crash', /^=(?:CRASH|ERROR) REPORT=+|^\{"init terminating/),
  r('beam', 'rebar-error', 'error', /^===> (?:Compilation failed|Error|Failed|Uncaught|Errors? )/),
  r('beam', 'eunit-fail', 'test-fail', /^\S+: \S+\.\.\.\*failed\*|^\s*Failed: [1-9]\d*\.\s+Skipped/),
  // Docker.
  r(
    'docker',
    'docker-returned',
    'summary',
    /^The command '.*' returned a non-zero code: \d+|^(?:ERROR: )?executor failed running|^ERROR: failed to solve:|^ERROR: Service '\S+' failed to build/,
  ),
  r('docker', 'docker-step-error', 'error', /^ERROR \[[^\]]+\]/),
  // Shells (`set -e` exits) and the environment.
  r(
    'shell',
    'shell-error',
    'env',
    /^\S+: line \d+: |: command not found\b|: No such file or directory\b|\bPermission denied\b/,
  ),
  r(
    'shell',
    'network',
    'env',
    /\b(?:Could not resolve host|Connection (?:refused|reset|timed out)|Temporary failure in name resolution|Failed to connect to)\b/,
  ),
  // Generic: crashes, kills, timeouts; error tags; exceptions; warnings; words.
  r(
    'generic',
    'crash',
    'crash',
    /\bSegmentation fault\b|\bcore dumped\b|\bOOMKilled\b|\bout of memory\b|\bKilled\b|^No output has been received in the last|\bThe job exceeded the maximum time limit|\bhas exceeded the maximum execution time|\bdeadline exceeded\b/i,
  ),
  r('generic', 'status-fail', 'test-fail', /\S.*\s(?:FAIL|FAILED|ERROR)\s*$/),
  r('generic', 'warning', 'warning', /\bwarning\b|\bdeprecat/i),
  r(
    'generic',
    'error-tag',
    'error',
    /^\s*(?:\[(?:ERROR|FATAL|error|fatal)\]|(?:ERROR|FATAL|Error|error|fatal|Fatal)(?:\[\w+\])?:)\s*\S/,
  ),
  r('generic', 'exception', 'error', /\b[A-Z]\w*(?:Error|Exception)\b(?::|\s*$)|\bUncaught\b|\bUnhandled\b/),
  r(
    'generic',
    'assertion',
    'assert',
    /\bAssertion(?:Error)?\b|\bassert(?:ion)? failed\b|\bexpected:? .{0,120}\b(?:but (?:got|was)|to (?:be|equal)|got|actual)\b/i,
  ),
  r(
    'generic',
    'fail-word',
    'word',
    /\b(?:FAIL(?:ED|URE)?|Fail(?:ed|ure)?|fail(?:ed|ure|s)?)\b|\bERRORS?\b|\b[Ee]rrors?\b|\bfatal\b|\bnot found\b/,
  ),
];

/** Characters of a line the rules look at: every regex runs in time bounded per line. */
export const MAX_RULE_SCAN = 500;

// Counts of zero say nothing failed: `0 failures`, `Failures: 0`, `0 errors`.
const ZERO_COUNTS = /\b0 (?:failures?|errors?|failed|failing)\b|\b(?:Failures|Errors|Failed): 0\b/gi;

/** The first rule matching `line`, or undefined. */
export function ruleOf(line: string): LineRule | undefined {
  if (line.length === 0) return undefined;
  const text = (line.length > MAX_RULE_SCAN ? line.slice(0, MAX_RULE_SCAN) : line).replace(ZERO_COUNTS, '0');
  if (!/\S/.test(text)) return undefined;
  for (const rule of RULES) if (rule.re.test(text)) return rule;
  return undefined;
}
