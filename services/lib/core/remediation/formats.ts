// The build tool or language family of a CI log, from its content: for reporting which formats the log
// analysis misses (the per-format table of `verity experiment --cv`), not for deciding anything. The
// failing step decides first: the command of the first non-zero exit line (`The command "mvn test"
// exited with 1.`) or, failing that, of the last echoed command (`$ go test ./...`); a generic one
// (`npm test`, `python setup.py test`) is refined by the test runner whose output the log shows. Without
// a recognised command, the family whose output lines occur most often wins. Pure.

export const FORMATS = [
  'Maven',
  'Gradle',
  'sbt',
  'Jest',
  'Mocha',
  'npm/yarn',
  'pytest',
  'tox',
  'pip/Python',
  'Go',
  'Cargo/Rust',
  'CMake/make/C',
  'RSpec/Ruby/Bundler',
  'PHPUnit/PHP',
  '.NET',
  'Xcode/Swift',
  'Haskell/Stack/Cabal',
  'R',
  'Docker',
  'Lua',
  'Perl/prove',
  'Erlang/Elixir',
  'PowerShell/Pester',
  'TeX',
  'Emacs Lisp',
  'Vim script',
  'other',
] as const;

export type LogFormat = (typeof FORMATS)[number];

// The command of a failing step, most specific first: the first match wins.
const COMMANDS: readonly [LogFormat, RegExp][] = [
  ['Jest', /\bjest\b/],
  ['Mocha', /\bmocha\b/],
  ['pytest', /\bpy\.?test\b/],
  ['tox', /\btox\b/],
  ['PHPUnit/PHP', /\bphpunit\b|\bcomposer\b|\bphp\b/],
  ['Maven', /\bmvnw?\b/],
  ['Gradle', /\bgradlew?\b/],
  ['sbt', /\bsbt\b/],
  ['Go', /\bgo (?:test|build|vet|get|install|run|list|mod)\b|\bgolint\b|\bgofmt\b|\bginkgo\b/],
  ['Cargo/Rust', /\bcargo\b|\brustc\b|\brustup\b/],
  ['Haskell/Stack/Cabal', /\bstack\b|\bcabal\b|\bghc\b/],
  ['R', /\bR CMD\b|\bRscript\b/],
  ['TeX', /\b(?:pdf|xe|lua)?latex(?:mk)?\b|\btexliveonfly\b/],
  ['Docker', /\bdocker(?:-compose)?\b/],
  ['Lua', /\bbusted\b|\blua(?:jit|rocks)?\b/],
  ['Perl/prove', /\bprove\b|\bperl(?:critic)?\b|\bcpanm\b/],
  ['Erlang/Elixir', /\bmix\b|\brebar3?\b|\berlc?\b|\bct_run\b|\belixir\b/],
  [
    'Xcode/Swift',
    /\bxcodebuild\b|\bxctool\b|\bxcpretty\b|\bpod (?:lib|spec|install)\b|\bswift\b|\bcarthage\b|\bfastlane\b/,
  ],
  ['.NET', /\bdotnet\b|\bmsbuild\b|\bxbuild\b|\bnuget\b|\bmono\b/],
  ['RSpec/Ruby/Bundler', /\brspec\b|\brake\b|\bbundle\b|\bruby\b|\bjekyll\b|\bgem\b|\bawesome_bot\b|\brubocop\b/],
  ['PowerShell/Pester', /\bpwsh\b|\bpowershell\b|\bInvoke-Pester\b/i],
  ['Emacs Lisp', /\bemacs\b|\bcask\b/],
  ['Vim script', /\bn?vim\b|\bvader\b|\bvint\b/],
  ['npm/yarn', /\b(?:npm|yarn|npx|node|grunt|gulp|bower|coffee|cake|karma|eslint|tsc|webpack)\b/],
  ['pip/Python', /\bpip3?\b|\bpython[\d.]*\b|\bnosetests\b|\bflake8\b/],
  ['CMake/make/C', /\bc?make\b|\bctest\b|\bgcc\b|\bg\+\+\b|\bclang\b|\bninja\b|\.\/configure\b|\bautogen\.sh\b/],
];

// Output lines of each family; a format's score is how many lines of the log match its pattern.
const OUTPUT: readonly [LogFormat, RegExp][] = [
  ['Maven', /^\[(?:INFO|ERROR|WARNING)\] (?:BUILD|Building |--- |Reactor|Total time)/],
  ['Gradle', /^> Task :|^FAILURE: Build failed|^\* What went wrong:|^BUILD (?:SUCCESSFUL|FAILED) in /],
  ['sbt', /^\[(?:info|error|warn|success)\] /],
  ['Jest', /^\s*● |^Tests:\s+\d+ (?:failed|passed)|^\s*(?:PASS|FAIL) \S+\.(?:js|ts|jsx|tsx)\b/],
  ['Mocha', /^\s+\d+ passing \(|^\s+\d+ failing$/],
  ['npm/yarn', /^npm ERR! |^yarn (?:run|install) v|^> \S+@\S+ \w+ /],
  ['pytest', /^=+ (?:FAILURES|ERRORS|short test summary info|test session starts) =+$|^_{3,} \S.* _{3,}$/],
  ['tox', /^\S+ (?:create|installdeps|runtests|inst|develop-inst): |^_+ summary _+$|: commands failed$/],
  ['pip/Python', /^Collecting \S|^Requirement already satisfied: |^Traceback \(most recent call last\):/],
  ['Go', /^--- FAIL: |^(?:ok|FAIL)\s+\S+\s+[\d.]+s$|^panic: |^go: /],
  ['Cargo/Rust', /^error\[E\d+\]|^\s+Compiling \S+ v\d|^test result: |thread '.*' panicked at/],
  [
    'CMake/make/C',
    /\.(?:c|cc|cpp|cxx|h|hpp):\d+:\d+: (?:fatal )?error: |make(?:\[\d+\])?: \*\*\*|^-- (?:Configuring done|Build files have)|undefined reference to/,
  ],
  [
    'RSpec/Ruby/Bundler',
    /^Failures:$|^rspec \.\/|^\d+ examples?, \d+ failures?|^Bundle complete!|^Installing \S+ [\d.]+$/,
  ],
  ['PHPUnit/PHP', /^PHPUnit \d|^There (?:was|were) \d+ (?:failure|error)s?:|^FAILURES!$|^Tests: \d+, Assertions: /],
  ['.NET', /\berror CS\d{4}:|^Build FAILED\.$|Microsoft \(R\) Build Engine|^Total tests: /],
  ['Xcode/Swift', /^❌ |^▸ |^\*\* (?:BUILD|TEST) (?:FAILED|SUCCEEDED) \*\*|^Testing failed:/],
  [
    'Haskell/Stack/Cabal',
    /\.hs:\d+:\d+: error:|^Configuring \S+-[\d.]+\.\.\.|^Building \S+-[\d.]+\.\.\.|^Progress \d+\/\d+:/,
  ],
  ['R', /^\* checking |^\* installing \*source\* package|^Status: \d+ (?:ERROR|WARNING|NOTE)/],
  ['Docker', /^Step \d+\/\d+ : |^Sending build context to Docker daemon|^Successfully built [0-9a-f]+$/],
  ['Lua', /^lua(?:jit)?: |^stack traceback:$|^\s+\[C\]: in |\.lua:\d+: /],
  [
    'Perl/prove',
    /^Dubious, test returned|^Failed \d+\/\d+ (?:subtests|test programs)|^Result: FAIL|^Test Summary Report/,
  ],
  [
    'Erlang/Elixir',
    /^\s*\*\* \([\w.]+(?:Error|Exception)\)|=(?:ERROR|CRASH) REPORT====|^===> |^\s*\d+\) test .+ \(\S+\)$/,
  ],
  ['PowerShell/Pester', /^\s*\[-\] |^Tests completed in |^Describing /],
  ['TeX', /^! LaTeX Error|^LaTeX Warning|^Output written on \S+\.pdf|^! Undefined control sequence/],
  ['Emacs Lisp', /\.el:\d+:\d+:|^Loading \S+\.el|^Debugger entered/],
  ['Vim script', /^Starting Vader|\bVader\b/],
];

// Generic commands and the test runners (or stricter families) that refine them when their output shows.
const REFINES: Partial<Record<LogFormat, readonly LogFormat[]>> = {
  'npm/yarn': ['Jest', 'Mocha'],
  'pip/Python': ['pytest', 'tox'],
  'CMake/make/C': ['Perl/prove', 'Go', 'Cargo/Rust', 'Haskell/Stack/Cabal', 'R'],
};

// A Travis CI exit line (`The command "x" exited with 1.`, `… failed and exited with 1 during .`), and
// the end of one that quotes a multi-line command.
const TRAVIS_EXIT = /^The command "(.*)" (?:(?:failed and )?exited with (\d+)(?: during .*)?\.?|failed (\d+) times\.)$/;
const TRAVIS_QUOTED = /^The command "(.*)$/;
// `The command "x" failed. Retrying, 2 of 3.`: not the end of the step yet.
const TRAVIS_RETRY = /^The command ".*" failed\. Retrying, \d+ of \d+\.$/;
const QUOTE_END = /^(.*)" (?:failed and )?exited with (\d+)(?: during .*)?\.?$/;
/** Most lines of a quoted multi-line command. */
const MAX_QUOTED = 100;
const ECHO = /^\$ (.+)/;
/** Lines longer than this are looked at only up to it. */
const HEAD = 500;

/** The format a command belongs to, if any. */
export function formatOfCommand(command: string): LogFormat | undefined {
  return COMMANDS.find(([, re]) => re.test(command))?.[0];
}

/** The command of the failing step: the first non-zero Travis exit line's, else the last echoed one. */
export function failingCommand(lines: readonly string[]): string | undefined {
  let lastEcho: string | undefined;
  const head = (i: number) => (lines[i]!.length > HEAD ? lines[i]!.slice(0, HEAD) : lines[i]!);
  for (let i = 0; i < lines.length; i++) {
    const line = head(i);
    const exit = TRAVIS_EXIT.exec(line);
    if (exit !== null) {
      if (exit[2] !== '0') return exit[1];
      continue;
    }
    if (TRAVIS_RETRY.test(line)) continue;
    const quoted = TRAVIS_QUOTED.exec(line);
    if (quoted !== null) {
      const command = [quoted[1]!];
      for (let j = i + 1; j < Math.min(lines.length, i + MAX_QUOTED); j++) {
        const end = QUOTE_END.exec(head(j));
        if (end === null) {
          command.push(head(j));
          continue;
        }
        if (end[2] !== '0') return [...command, end[1]].join('\n');
        i = j;
        break;
      }
      continue;
    }
    const echo = ECHO.exec(line);
    if (echo !== null) lastEcho = echo[1];
  }
  return lastEcho;
}

/** How many lines of the log show each family's output. */
export function outputCounts(lines: readonly string[]): Map<LogFormat, number> {
  const counts = new Map<LogFormat, number>();
  for (const line of lines) {
    const head = line.length > HEAD ? line.slice(0, HEAD) : line;
    for (const [format, re] of OUTPUT) if (re.test(head)) counts.set(format, (counts.get(format) ?? 0) + 1);
  }
  return counts;
}

/** The most frequent of `candidates` in `counts` (the first among equals), if any occurs. */
function mostFrequent(counts: Map<LogFormat, number>, candidates: readonly LogFormat[]): LogFormat | undefined {
  let best: LogFormat | undefined;
  for (const c of candidates) if ((counts.get(c) ?? 0) > (best === undefined ? 0 : counts.get(best)!)) best = c;
  return best;
}

/** The build tool or language family of a CI log (line 1 is `lines[0]`). */
export function detectFormat(lines: readonly string[]): LogFormat {
  const command = failingCommand(lines);
  const byCommand = command === undefined ? undefined : formatOfCommand(command);
  const counts = outputCounts(lines);
  if (byCommand !== undefined) return mostFrequent(counts, REFINES[byCommand] ?? []) ?? byCommand;
  return mostFrequent(counts, FORMATS) ?? 'other';
}
