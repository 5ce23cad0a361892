// The failure taxonomy of the heuristic provider: which category a failure belongs to, from GitLab's
// failure_reason, the exit code, the job's history and the log's evidence lines, and what to do about it.
// Rules are short, ordered and general (tools and CI systems of many languages); the first that matches
// wins. Pure.
//
// Confidence is a per-rule constant: a prior for "the category is right", set by hand, and no two rules
// share a (category, confidence) pair, so a proposal's rule can be told from its event. Recalibrate from
// the scorer's labels (RemediationScored, FeedbackGiven) per prompt version and rule over a recent
// window: confidence := (correct + 1) / (labelled + 2), the rule's Laplace-smoothed precision, so that of
// the proposals made with confidence c about a share c turn out right; with a few hundred labels per
// rule, fit an isotonic regression of correctness on the constant instead. A new rule set is a new
// prompt version (HEURISTIC_PROMPT_VERSION), so scores of different rule sets are never mixed.

import type { ActionKind, Category, HistoryEntry } from './proposal.js';

export interface Verdict {
  category: Category;
  /** Id of the rule that decided. */
  rule: string;
  confidence: number;
}

/** Rule id prefix of the verdicts of failure_reason. */
export const FAILURE_REASON_RULE = 'failure-reason:';

/** What GitLab's failure_reason alone says; script_failure, unknown_failure and the rest need the log. */
const BY_FAILURE_REASON: ReadonlyMap<string, Verdict> = new Map(
  (
    [
      [
        [
          'runner_system_failure',
          'runner_unsupported',
          'scheduler_failure',
          'data_integrity_failure',
          'api_failure',
          'no_matching_runner',
          'archived_failure',
        ],
        'infrastructure',
        0.9,
      ],
      [['stuck_or_timeout_failure', 'job_execution_timeout'], 'timeout', 0.9],
      [['ci_quota_exceeded', 'trace_size_exceeded'], 'out_of_resources', 0.85],
      [['missing_dependency_failure'], 'dependency', 0.7],
      [
        [
          'unmet_prerequisites',
          'stale_schedule',
          'forward_deployment_failure',
          'environment_creation_failure',
          'deployment_rejected',
          'failed_outdated_deployment_job',
          'downstream_bridge_project_not_found',
          'invalid_bridge_trigger',
          'upstream_bridge_project_not_found',
          'bridge_pipeline_is_child_pipeline',
          'downstream_pipeline_creation_failed',
          'secrets_provider_not_found',
          'reached_max_descendant_pipelines_depth',
          'reached_max_pipeline_hierarchy_size',
          'pipeline_loop_detected',
          'builds_disabled',
          'project_deleted',
          'reached_downstream_pipeline_trigger_rate_limit',
        ],
        'configuration',
        0.8,
      ],
      [
        ['protected_environment_failure', 'insufficient_bridge_permissions', 'user_blocked', 'ip_restriction_failure'],
        'permissions',
        0.8,
      ],
    ] as const
  ).flatMap(([reasons, category, confidence]) =>
    reasons.map((r): [string, Verdict] => [r, { category, rule: `${FAILURE_REASON_RULE}${r}`, confidence }]),
  ),
);

export function verdictOfFailureReason(reason: string): Verdict | undefined {
  return BY_FAILURE_REASON.get(reason);
}

/** Exit codes that say what happened whatever the log shows. */
export function verdictOfExitCode(code: number | null | undefined): Verdict | undefined {
  if (code === 137) return { category: 'out_of_resources', rule: 'exit-137', confidence: 0.7 };
  if (code === 124) return { category: 'timeout', rule: 'exit-124', confidence: 0.7 };
  return undefined;
}

/** Earlier attempts that count as recent. */
const RECENT_ATTEMPTS = 10;

/**
 * The commit on which the same job failed and then passed on a retry, among the recent attempts
 * (newest first); the current commit's earlier success counts too. Undefined when there is none.
 */
export function flakyCommit(history: readonly HistoryEntry[], sha: string | null): string | undefined {
  const recent = history.slice(0, RECENT_ATTEMPTS);
  if (sha !== null && recent.some((h) => h.sha === sha && h.status === 'success')) return sha;
  for (const pass of recent) {
    if (pass.status !== 'success') continue;
    if (recent.some((h) => h.sha === pass.sha && h.status === 'failed' && h.attempt < pass.attempt)) return pass.sha;
  }
  return undefined;
}

export const FLAKY: Verdict = { category: 'flaky', rule: 'history-retry-passed', confidence: 0.75 };

interface LogRule extends Verdict {
  re: RegExp;
}

/** Log rules, in order: the first one matching a line of the best evidence range decides. */
export const LOG_RULES: readonly LogRule[] = [
  {
    rule: 'out-of-memory-or-disk',
    category: 'out_of_resources',
    confidence: 0.75,
    re: /\bout of memory\b|OutOfMemoryError|\bOOM\b|Cannot allocate memory|JavaScript heap out of memory|std::bad_alloc|\bMemoryError\b|No space left on device|\bENOSPC\b|Disk quota exceeded|^\s*Killed\s*$/i,
  },
  {
    rule: 'job-timeout',
    category: 'timeout',
    confidence: 0.65,
    re: /No output has been received in the last \d+|exceeded the maximum (?:execution )?time|\bjob (?:execution )?timed? ?out\b|\btimed out after \d+ ?(?:h|hours?|m|mins?|minutes?)\b|execution expired|\bdeadline exceeded\b/i,
  },
  {
    rule: 'network',
    category: 'network',
    confidence: 0.65,
    re: /Could not resolve host|Temporary failure in name resolution|Name or service not known|\bE(?:CONNRESET|CONNREFUSED|TIMEDOUT|AI_AGAIN|NOTFOUND|HOSTUNREACH|NETUNREACH)\b|Connection (?:refused|reset|timed out)|Network is unreachable|socket hang up|TLS handshake timeout|SSL (?:connect error|handshake)|Failed to connect to|Couldn't (?:connect|resolve|establish)|Unable to (?:connect|reach)|Read timed out|Connect(?:ion)? timeout|\b(?:502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out)\b|unable to access 'https?:|Temporary failure|Could not create connection|Failed to download\b|The requested URL returned error: (?:5\d\d|429)/i,
  },
  {
    rule: 'runner-or-image',
    category: 'infrastructure',
    confidence: 0.65,
    re: /Job failed \(system failure\)|Cannot connect to the Docker daemon|docker: Error response from daemon|pull access denied|toomanyrequests|manifest (?:for \S+ )?(?:unknown|not found)|The runner (?:system )?fail|Host key verification failed|Permission denied \(publickey|E: (?:Failed to fetch|Some index files failed to download|Unable to lock)|could not get lock|Unable to find image|\bsegmentation fault\b.{0,200}\b(?:docker|runner|containerd)\b/i,
  },
  {
    rule: 'dependency',
    category: 'dependency',
    confidence: 0.65,
    re: /Could not resolve dependencies|Could not find artifact|Could not (?:find|resolve) (?:gem|package|module|a version)|No matching (?:version|distribution) found|\bnpm ERR! (?:code )?(?:E404|ETARGET|ERESOLVE|EINTEGRITY|notarget|peer dep)|\bERESOLVE\b|\bEINTEGRITY\b|shasum check failed|Integrity check failed|Cannot find module|ModuleNotFoundError|No module named|\bImportError\b|version solving failed|Bundler could not find|Gem::(?:MissingSpec|LoadError)|Your requirements could not be resolved|Could not find a version that satisfies|PackagesNotFoundError|unresolved dependenc|dependency (?:resolution|conflict)|conflicting dependencies|cannot find package|unknown revision|missing go\.sum entry|Unable to resolve dependency|requested package .{0,200} (?:exists as|could not be found)|package .{0,200} (?:is not available|not found)|\bis unavailable\b|No version of \S+ .{0,200}\bavailable\b/i,
  },
  {
    rule: 'compiler',
    category: 'compilation',
    confidence: 0.7,
    re: /^\s*[^\s:]{1,300}(?::\d+){1,2}:? ?(?:fatal )?error\b|\berror (?:TS|CS|C|FS|BC)\d+:|\berror\[E\d+\]|cannot find symbol|undefined reference to|\bld returned \d+ exit status|COMPILATION ERROR|Compilation failed|compilation terminated|Failed to compile|\bcould not compile\b|\bSyntaxError\b|\bsyntax error\b|\bParseError\b|does not exist in the current context|Not in scope|No instance for|\btype mismatch\b|warnings? (?:being )?treated as errors|Failing due to -Werror|\bUnexpected token\b|\bis not defined\b|\bundefined method\b|\bundeclared identifier\b/i,
  },
  {
    rule: 'lint',
    category: 'lint',
    confidence: 0.6,
    re: /^\s*(?:\$ |> |The command "|\[)?(?:npx |yarn |bundle exec |python -m )?(?:eslint|tslint|stylelint|rubocop|flake8|pylint|pycodestyle|pyflakes|black|isort|mypy|shellcheck|golint|gofmt|go vet|staticcheck|cargo clippy|checkstyle|ktlint|swiftlint|markdownlint|perlcritic|codespell|prettier|standard)\b|\((?:eslint|prettier|stylelint)\/|\boffen[cs]es? detected\b|\b\d+ problems? \(\d+ errors?|Code style issues|would reformat|formatting check failed|lint(?:ing)? (?:error|failed)|\(prettier\/prettier\)|Line (?:is )?(?:too long|longer than)|trailing whitespace|missing (?:newline|semicolon)/i,
  },
  {
    rule: 'test',
    category: 'test_failure',
    confidence: 0.65,
    re: /--- FAIL\b|^\s*FAIL\s+\S|\bFAIL(?:ED)?\b.{0,200}\btest|\btests? (?:failed|failures?)\b|\[FAIL\]|\bnot ok \d+|AssertionError|\bassert(?:ion)? failed\b|\bAssert\.\w+\(\) Failure|\bexpected\b.{0,200}\b(?:but (?:was|got)|got|to (?:equal|be))\b|\bExpected\b.{0,200}\bActual\b|^\s*(?:Expected|Actual)\s*:|\b\d+ (?:failing|failed)\b|There (?:was|were) \d+ failures?|\bFAILURES!|Failed tests?:|Failing tests:|test result: FAILED|[✗✖✘] |Minitest::Assertion|XCTAssert\w* failed|panicked at|\bTests? run: \d+, Failures: [1-9]|\S\s+FAIL(?:ED)?(?:\s*\(|\s*$)|(?<!=)=+ (?:FAILURES|ERRORS) =+|^\s*Failures:\s*$|\b[1-9]\d* failures?\b|\btest timed out\b/i,
  },
  {
    rule: 'configuration',
    category: 'configuration',
    confidence: 0.45,
    re: /command not found|No such file or directory|Task .{0,200} (?:not found|never defined)|No Rakefile found|Missing script|Unknown (?:option|command|flag|argument)|invalid (?:option|argument|configuration|YAML)|(?:config|configuration) (?:error|invalid|not found)|yaml: line \d+|YAMLException|not a git repository|Permission denied|is not set\b|environment variable .{0,200} (?:missing|not set)|credentials? (?:not found|missing|invalid)/i,
  },
];

/** The first log rule matching `text`, or undefined. Only the start of a huge line is read. */
export function logRuleOf(text: string): LogRule | undefined {
  const head = text.length > 2000 ? text.slice(0, 2000) : text;
  return LOG_RULES.find((r) => r.re.test(head));
}

export const UNKNOWN: Verdict = { category: 'unknown', rule: 'no-rule', confidence: 0.2 };

/** What to do about each category. */
export const ACTIONS: Readonly<Record<Category, ActionKind>> = {
  test_failure: 'fix_test',
  compilation: 'fix_code',
  lint: 'fix_code',
  dependency: 'update_dependency',
  configuration: 'fix_config',
  permissions: 'fix_config',
  out_of_resources: 'fix_config',
  infrastructure: 'retry',
  network: 'retry',
  timeout: 'retry',
  flaky: 'retry',
  unknown: 'investigate',
};
