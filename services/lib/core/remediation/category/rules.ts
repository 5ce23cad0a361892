// The rules of the failure-category classifier: general patterns of what build tools, test runners,
// package managers and CI systems print, one rubric category each (docs/FAILURE-CATEGORIES.md), in the
// rubric's precedence order. Each pattern is taken from a tool's documented or well-known output, never
// from a particular log of the development data; each has a fixture in rules.test.ts. The first rule in
// this order matching a line of the best evidence range is the rules' verdict; which rules match where
// (features.ts) is what the learned part weighs. Pure.

import type { RubricCategory } from './categories.js';

export interface CategoryRule {
  id: string;
  category: RubricCategory;
  re: RegExp;
}

export const CATEGORY_RULES: readonly CategoryRule[] = [
  // out_of_resources
  {
    id: 'oom',
    category: 'out_of_resources',
    re: /\bout of memory\b|OutOfMemoryError|Cannot allocate memory|std::bad_alloc|\bMemoryError\b|^\s*Killed\s*$/i,
  },
  { id: 'disk', category: 'out_of_resources', re: /No space left on device|\bENOSPC\b|Disk quota exceeded/i },
  {
    id: 'log-limit',
    category: 'out_of_resources',
    re: /exceeded the maximum log length|trace size exceeded|log (?:size )?limit (?:exceeded|reached)/i,
  },
  // timeout
  {
    id: 'ci-timeout',
    category: 'timeout',
    re: /No output has been received in the last \d+|exceeded the maximum (?:execution )?time|job (?:execution )?timed? ?out|execution expired|took longer than \d+ ?(?:m|min|minutes|h|hours)\b/i,
  },
  {
    id: 'timeout-124',
    category: 'timeout',
    re: /\bexit(?:ed with| code| status) 124\b|^\s*(?:Tests|Build|Job) timed out\b/i,
  },
  {
    id: 'timeout-exit',
    category: 'timeout',
    re: /\btimed out after \d+ ?(?:h|hours?|m|mins?|minutes?)\b|\bdeadline exceeded\b|\bTerminated\b.{0,40}\btime ?out\b/i,
  },
  // flaky
  {
    id: 'flaky',
    category: 'flaky',
    re: /WARNING: DATA RACE|\[FLAKY\]|\bflaky\b|passed on (?:attempt|retry|rerun) \d|\bRERUN\b/i,
  },
  // infrastructure
  {
    id: 'net-resolve',
    category: 'infrastructure',
    re: /Could not resolve host|Temporary failure in name resolution|Name or service not known|\bE(?:AI_AGAIN|NOTFOUND)\b|getaddrinfo/i,
  },
  {
    id: 'net-connect',
    category: 'infrastructure',
    // Not a link checker's report of a link it could not reach (HTML-Proofer's `External link … failed:
    // response code 0 …`): the rubric makes those lint (link-check).
    re: /^(?!.*(?:External link \S+ failed|It's possible libcurl couldn't connect|return message \(if any\) from the server)).*(?:Connection (?:refused|reset|timed out|closed)|\bE(?:CONNRESET|CONNREFUSED|TIMEDOUT|HOSTUNREACH|NETUNREACH)\b|Network is unreachable|socket hang up|Couldn't (?:connect|establish)|Failed to connect to|Read timed out|TLS handshake|SSL (?:connect error|handshake|routines))/i,
  },
  {
    id: 'net-http',
    category: 'infrastructure',
    re: /\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out|429 Too Many Requests)\b|returned error: (?:5\d\d|429)|rate limit exceeded/i,
  },
  {
    id: 'runner',
    category: 'infrastructure',
    // Not `Unable to find image '…' locally`: `docker run` prints it before every pull. Not a daemon's
    // answer that an image or tag does not exist, nor apt's 404: the server answered (image-missing, apt-404).
    // Not apt's `Some index files failed to download`: it sums up the `Failed to fetch` lines, which decide.
    re: /Cannot connect to the Docker daemon|Error response from daemon(?!.{0,200}\bmanifest\b)|Job failed \(system failure\)|The runner (?:system )?fail|E: Failed to fetch(?!.{0,300}\b404\s+Not Found)|could not get lock/i,
  },
  {
    id: 'browser',
    category: 'infrastructure',
    re: /\bDisconnected\b.{0,60}\b(?:no message|browser)|Browser .{0,40}(?:disconnected|not captured|failed to start)|\bnot captured in \d+|Simulator .{0,40}(?:failed|timed out)|Failed to launch (?:the )?browser/i,
  },
  {
    id: 'git-remote',
    category: 'infrastructure',
    // Not git's "fatal: Could not read from remote repository.": it follows whatever failed first (a
    // rejected key, an unknown host, a missing repository), which another rule names.
    re: /^fatal: (?:unable to access|Remote branch .{1,200} not found|reference is not a tree|early EOF)|fetch-pack: unexpected disconnect/i,
  },
  {
    id: 'tool-crash',
    category: 'infrastructure',
    re: /internal compiler error|Access violation|This is a bug in (?:npm|yarn|pip|the compiler)|panic.{0,20}runtime error.{0,60}(?:docker|runner)/i,
  },
  // permissions
  { id: 'ssh-key', category: 'permissions', re: /Permission denied \(publickey|Host key verification failed/i },
  {
    id: 'eacces',
    category: 'permissions',
    re: /\bEACCES\b|\bEPERM\b|Permission denied|Operation not permitted|insufficient permissions/i,
  },
  {
    id: 'credentials',
    category: 'permissions',
    re: /(?:access|secret|api)[ _-]?key .{0,30}(?:must not be|cannot be|can't be|is) (?:null|empty|blank|missing)|\b401 Unauthorized\b|\b403 Forbidden\b|Authentication (?:failed|required)|bad credentials|invalid (?:token|credentials)|not authori[sz]ed|You must be logged in/i,
  },
  // configuration
  {
    id: 'command-missing',
    category: 'configuration',
    re: /command not found|: not found$|executable file not found in \$PATH|is not recognized as an internal or external command/i,
  },
  {
    id: 'task-missing',
    category: 'configuration',
    re: /Task .{0,200}(?:not found|never defined)|No Rakefile found|missing script:|Unknown (?:task|target|command)\b|No targets specified|No rule to make target/i,
  },
  {
    id: 'ci-config',
    category: 'configuration',
    re: /\.(?:travis|gitlab-ci)\.ya?ml.{0,60}(?:syntax|invalid|error)|yaml: line \d+|YAMLException|invalid (?:option|configuration)|Unknown option|unrecognized (?:option|arguments?)|is not set\b|environment variable .{0,80}(?:missing|not set)/i,
  },
  {
    id: 'image-missing',
    category: 'configuration',
    re: /\bmanifest for \S+ not found|\bmanifest unknown\b/i,
  },
  {
    id: 'file-missing',
    category: 'configuration',
    re: /^(?:\S*sh|bash|\.\/\S+): .{0,200}No such file or directory|can't open file .{0,200}No such file|Could not open input file/i,
  },
  // dependency
  {
    id: 'npm-resolve',
    category: 'dependency',
    re: /npm ERR! (?:code )?(?:E404|ETARGET|ERESOLVE|EINTEGRITY|notarget|peer dep)|\bERESOLVE\b|Couldn't find any versions for|engine "?\w+"? is incompatible|Unsupported engine|No matching version found/i,
  },
  {
    id: 'py-resolve',
    category: 'dependency',
    re: /No matching distribution found|Could not find a version that satisfies|ModuleNotFoundError|No module named|\bImportError\b|requires Python|ResolutionImpossible|DistributionNotFound/i,
  },
  {
    id: 'js-module',
    category: 'dependency',
    re: /Cannot find module '[^./]|Module not found: Error: Can't resolve '[^./]|node_modules\/\S+:\d+/i,
  },
  {
    id: 'jvm-resolve',
    category: 'dependency',
    re: /Could not resolve dependencies|Could not find artifact|Could not resolve all (?:files|dependencies)|Could not (?:find|resolve) [\w.-]+:[\w.-]+:|unresolved dependenc|UNRESOLVED DEPENDENCIES|module not found: /i,
  },
  {
    id: 'ruby-resolve',
    category: 'dependency',
    re: /Bundler could not find|Could not find gem|Gem::(?:MissingSpec|LoadError|InstallError)|An error occurr?ed while installing|Could not find (?:compatible versions|a valid gem)|version solving failed/i,
  },
  {
    id: 'pkg-resolve',
    category: 'dependency',
    re: /Could not resolve dependencies|unable to resolve package|package .{0,100}(?:is not available|not found|could not be found)|No version of \S+ .{0,40}available|missing go\.sum entry|cannot find package|unknown revision|PackagesNotFoundError|Unable to (?:resolve|install) (?:dependency|package)|dependency (?:resolution|conflict)|conflicting dependencies/i,
  },
  {
    id: 'apt-404',
    category: 'dependency',
    re: /\b(?:Failed to fetch|Err:?\d*)\s.{0,300}\b404\s+Not Found/i,
  },
  {
    id: 'rust-crate',
    category: 'dependency',
    // A crate that is not there (E0463), or a compile error located in a registry crate's own sources.
    re: /can't find crate for|^\s*(?:-->|::: )\s*\S*[\\/]\.cargo[\\/]registry[\\/]src[\\/]/i,
  },
  {
    id: 'system-lib',
    category: 'dependency',
    re: /fatal error: ['‘]?[\w/.+-]+\.h['’]?(?:: No such file| file not found)|cannot find -l\w|Package \S+ was not found in the pkg-config|error while loading shared libraries/i,
  },
  // compilation
  {
    id: 'compiler-error',
    category: 'compilation',
    re: /^\s*[^\s:]{1,300}\.\w{1,8}(?::\d+){1,2}:? ?(?:fatal )?error\b|\berror (?:TS|CS|C|FS|BC)\d+:|\berror\[E\d+\]|^error: (?:could not compile|aborting due to)/i,
  },
  {
    id: 'compiler-message',
    category: 'compilation',
    re: /cannot find symbol|undefined reference to|\bld returned \d+ exit status|COMPILATION ERROR|Compilation failed|compilation terminated|Failed to compile|could not compile|warnings? (?:being )?treated as errors|-Werror|Not in scope|No instance for|Couldn't match|Failed to load interface|\bis unbound\b|undefined in record|\bundeclared\b|has no member named/i,
  },
  {
    id: 'syntax-error',
    category: 'compilation',
    re: /\b(?:Css)?SyntaxError\b|\bsyntax error\b|\bParseError\b|Parsing error|\bUnexpected token\b|unexpected (?:identifier|end of input|indentation)|\bIndentationError\b/i,
  },
  {
    id: 'load-error',
    category: 'compilation',
    re: /\bReferenceError: \w+ is not defined|\bNameError\b|\bLoadError\b|uninitialized constant|Error loading|Failed to (?:load|require)/i,
  },
  {
    id: 'doc-build',
    category: 'compilation',
    re: /^! (?:LaTeX Error|Undefined control sequence|Emergency stop)|^ERROR \d{4}\/\d\d\/\d\d|Sphinx (?:error|warning)|Liquid (?:Exception|Error)|Build (?:Error|failed): /i,
  },
  // lint
  {
    id: 'linter-tool',
    category: 'lint',
    // Linters whose names are also English words (standard, black, remark, xo, credo) only where they
    // run: a command (`$ standard`, `npx black .`) or their own prefix (`standard: Use JavaScript …`).
    re: /\b(?:eslint|tslint|stylelint|jshint|jscs|rubocop|flake8|pylint|pycodestyle|pyflakes|isort|mypy|shellcheck|golint|gofmt|go vet|staticcheck|clippy|checkstyle|ktlint|swiftlint|markdownlint|perlcritic|codespell|prettier|clang-format|cpplint|hlint|vint|xmllint|htmlhint|lintr|scalastyle)\b|(?:^|[$>]\s*|(?:\bnpx|\brun|\bexec|\s-m)\s+)(?:standard|black|remark|xo|credo)(?::|\s|$)/i,
  },
  {
    id: 'lint-report',
    category: 'lint',
    re: /\(\w+(?:[-/]\w+)+\)\s*$|\b[1-9]\d* problems? \(\d+ errors?|offen[cs]es? detected|\(Severity: \d\)|\bSC\d{4}\b|^\S+:\d+:\d+: [EWFC]\d{3}\b|^\s*\d+:\d+\s+(?:[✖×⚠]|error|warning)\s/i,
  },
  {
    id: 'format-check',
    category: 'lint',
    re: /would reformat|Code style issues|formatting (?:check )?failed|not (?:properly )?formatted|Please commit|generated files? (?:are|is) (?:out of date|not up to date)|^diff --git a\/|git diff --exit-code|Line (?:is )?(?:too long|longer than)|trailing whitespace|missing (?:final )?newline|include guard/i,
  },
  {
    id: 'tex-box',
    category: 'lint',
    re: /^\s*(?:Overfull|Underfull) \\[hv]box\b|LaTeX Warning: (?:There were undefined references|Reference .{1,200} undefined)/,
  },
  {
    id: 'link-check',
    category: 'lint',
    re: /dead links? found|response code 0 means something's wrong|It's possible libcurl couldn't connect|\bbroken links?\b|HTML-Proofer found|External link .{0,200} failed|internally linking to|\[L\d+\] \d{3} https?:|^> (?:Links|Dupes|Redirects)\b|Issues :-\(|\b(?:404|301|302) https?:\/\//i,
  },
  {
    id: 'order-check',
    category: 'lint',
    re: /\bnot (?:in )?(?:alphabetical(?:ly)? )?(?:order|sorted)\b|alphabetical(?:ly)? (?:order|sorted)|should be (?:sorted|in order)|\bduplicate (?:link|entry|entries)\b/i,
  },
  {
    id: 'size-check',
    category: 'lint',
    re: /size limit (?:has )?exceeded|exceeded the size limit|bundle ?size|Size limit:/i,
  },
  { id: 'doc-file', category: 'lint', re: /\bREADME\b|\b[\w./-]+\.(?:md|markdown|org|rst|adoc)\b/ },
  // test_failure
  { id: 'go-test', category: 'test_failure', re: /^\s*--- FAIL\b|^FAIL\s+\S+\s+[\d.]+s$/ },
  {
    id: 'xunit-summary',
    category: 'test_failure',
    re: /\bTests? run: \d+, Failures: [1-9]|There (?:was|were) \d+ (?:failures?|errors?):|\bFAILURES!|test result: FAILED|Failed tests?:|\b\d+ (?:failing|failed)\b|^\s*Failures:\s*$|\b\d+ examples?, [1-9]\d* failures?|Tests:\s+\d+ failed|\bTests? Summary Report|Dubious, test returned/i,
  },
  {
    id: 'test-line',
    category: 'test_failure',
    re: /^\s*(?:FAIL|FAILED|ERROR)[: ]+\S+(?:::|\.|#| > )\S+|\bnot ok \d+|^\s*[✗✖✘×] |^\s*\[-\] |^\s*● |^\s*\d+\) (?:test )?\S|\bFAILED\s*$|\[\s*FAIL(?:ED)?\s*\]|^={3,} (?:FAILURES|ERRORS) ={3,}|short test summary/i,
  },
  {
    id: 'assertion',
    category: 'test_failure',
    re: /AssertionError|Assertion (?:with \S+ )?failed|\bassert(?:ion)? failed\b|\bexpected\b.{0,200}\b(?:but (?:was|got)|got|to (?:equal|be|have|include))\b|^\s*(?:Expected|Actual|left|right)\s*:|Minitest::Assertion|XCTAssert\w* failed|panicked at|^\s*Failed asserting that\b/i,
  },
];

/** Only the start of a huge line is read. */
const HEAD = 2000;

/** Ids of the rules matching `line`. */
export function rulesOf(line: string): CategoryRule[] {
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  return CATEGORY_RULES.filter((r) => r.re.test(head));
}

/** The rules' verdict on some lines: the category of the earliest rule (in precedence order) matching one. */
export function ruleVerdict(lines: readonly string[]): CategoryRule | undefined {
  let best: number | undefined;
  for (const line of lines) {
    for (const r of rulesOf(line)) {
      const at = CATEGORY_RULES.indexOf(r);
      if (best === undefined || at < best) best = at;
    }
  }
  return best === undefined ? undefined : CATEGORY_RULES[best];
}
