// The heuristic remediation provider: deterministic, offline, free; the baseline every model must beat.
// It reads the failure_reason, the exit code, the job's recent history (the ordered rules of taxonomy.ts),
// then the log: its evidence is the learned ranker's (ranker/model.ts), its category the classifier's
// (category/model.ts). The log is untrusted data: lines that address a model or look like a provider's
// answer are left out of the analysis (their line numbers still count), and nothing of the log reaches
// the answer but one quoted line and names taken from its evidence range (a test, a file, a package).

import { isSuccessLine, scoreLine } from '../logs/markers.js';
import type { RubricCategory } from './category/categories.js';
import { featuresOf, isRuleFeature } from './category/features.js';
import { fittedCategoryModel, predictCategory, type CategoryModel } from './category/model.js';
import { rulesOf } from './category/rules.js';
import {
  exitStatus,
  exitStatusOfLog,
  extractEvidence,
  isBoilerplate,
  MAX_RANGE_LINES,
  type Evidence,
} from './evidence.js';
import type {
  ActionKind,
  Category,
  EvidenceRange,
  ProposalBody,
  ProviderAnswer,
  RemediationContext,
  RemediationProvider,
} from './proposal.js';
import type { RankerModel } from './ranker/learn.js';
import { fittedRanker, rankedEvidence } from './ranker/model.js';
import {
  ACTIONS,
  CLASSIFIER_CONFIDENCE,
  FAILURE_REASON_RULE,
  FLAKY,
  flakyCommit,
  UNKNOWN,
  verdictOfExitCode,
  verdictOfFailureReason,
  type Verdict,
} from './taxonomy.js';

/** heuristic-2: the evidence of the learned ranker (ranker/), the category of the classifier (category/). */
export const HEURISTIC_PROMPT_VERSION = 'heuristic-2';

/** The heuristic's fitted parts: the fitted.ts of each by default; a fold's in the grouped CV. */
export interface HeuristicModels {
  ranker: RankerModel;
  category: CategoryModel;
}

/** The models fitted on the development logs (`npm run fit:models`). */
export function fittedModels(): HeuristicModels {
  return { ranker: fittedRanker(), category: fittedCategoryModel() };
}

/** Evidence ranges the log rules look at, best first. */
const RULE_RANGES = 3;
/** Most characters of the log line quoted in a root cause or an action. */
const QUOTE_CHARS = 300;

// A line addressing a model, or a provider's answer: never evidence of why a CI job failed.
const INSTRUCTIONS = new RegExp(
  [
    '\\b(?:ignore|disregard|forget|override)\\b[^\\n]{0,60}\\b(?:instructions?|prompts?|rules?|directions?)\\b',
    '\\b(?:you are|act as|pretend to be|you must)\\b[^\\n]{0,40}\\b(?:AI|assistant|model|LLM|GPT|remediat\\w*)\\b',
    '\\bsystem prompt\\b|\\bnew instructions\\b|\\bprompt injection\\b',
    '"(?:category|root_cause|suggested_action|confidence|evidence)"\\s*:',
    '\\b(?:answer|respond|reply|say|output|classify)\\b[^\\n]{0,40}\\b(?:category|confidence|flaky)\\b',
  ].join('|'),
  'i',
);

export function looksLikeInstructions(line: string): boolean {
  return INSTRUCTIONS.test(line.length > 2000 ? line.slice(0, 2000) : line);
}

/**
 * The log without instruction-like lines, and the 0-based index in the log of each line kept. The log
 * itself when none is left out, so that what was computed for it once (the ranker's features) is reused.
 */
function withoutInstructions(lines: readonly string[]): { visible: readonly string[]; kept: readonly number[] } {
  const visible: string[] = [];
  const kept: number[] = [];
  lines.forEach((line, i) => {
    if (looksLikeInstructions(line)) return;
    visible.push(line);
    kept.push(i);
  });
  return { visible: visible.length === lines.length ? lines : visible, kept };
}

/** One log line as a JSON string literal: trimmed, spaces collapsed, at most `max` characters. */
function quoteLine(line: string, max = QUOTE_CHARS): string {
  const text = line.replace(/\s+/g, ' ').trim();
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

const LEADS: Readonly<Record<Category, string>> = {
  test_failure: 'A test failed',
  compilation: 'The code does not compile',
  lint: 'A linter or formatter reported errors',
  dependency: 'A dependency could not be resolved or installed',
  configuration: "The job's configuration or environment is wrong",
  permissions: 'Access was refused, or a credential is missing or wrong',
  infrastructure: 'The CI infrastructure failed, not the job',
  network: 'A network request failed',
  timeout: 'The job ran out of time',
  out_of_resources: 'The job ran out of memory or disk',
  flaky: 'The failure is probably flaky',
  unknown: 'No known failure pattern matched',
};

interface Decision extends Verdict {
  /** The log line (of the visible lines) that explains the failure best, if any. */
  quote: string | undefined;
  /** The lines of the evidence range the quote is from. */
  context: readonly string[];
  /** What the rule saw beyond the log (failure_reason, exit code, commit), for the root cause. */
  fact?: string;
}

/**
 * The lines of evidence range `e` in the order they are read: strongest marker first (markers.ts), the
 * key line first among equals, then in log order. Blank lines, and lines that only say a command ended
 * (exit lines, tool boilerplate) or succeeded (`PASS x`, `✓ y`), are left out.
 */
function readingOrder(lines: readonly string[], e: Evidence): string[] {
  const scored: { i: number; score: number }[] = [];
  for (let i = e.start; i <= e.end; i++) {
    const text = lines[i - 1]!;
    if (text.trim() === '') continue;
    const marker = scoreLine(text);
    if (isSuccessLine(text) || isBoilerplate(text) || exitStatus(text) !== undefined || marker?.rule === 'exit-status')
      continue;
    scored.push({ i, score: marker?.score ?? 0 });
  }
  scored.sort((a, b) => b.score - a.score || Number(b.i === e.line) - Number(a.i === e.line) || a.i - b.i);
  return scored.map(({ i }) => lines[i - 1]!);
}

/**
 * The classifier's verdict: more confident when a rule of its category matched a line of the evidence.
 * Confidences no other verdict has (taxonomy.ts), so a proposal's rule can be told from its event.
 */
function classifierVerdict(category: RubricCategory, rule: string | undefined): Verdict {
  return rule === undefined
    ? { category, rule: 'classifier', confidence: CLASSIFIER_CONFIDENCE.model }
    : { category, rule: `classifier:${rule}`, confidence: CLASSIFIER_CONFIDENCE.rule };
}

/** The category and the line that decides it: failure_reason, exit code, history, then the log. */
function decide(
  ctx: RemediationContext,
  lines: readonly string[],
  evidence: readonly Evidence[],
  models: HeuristicModels,
): Decision {
  const top = evidence[0];
  const topContext = top === undefined ? [] : readingOrder(lines, top);
  const topQuote = {
    quote: topContext[0] ?? (top === undefined || lines[top.line - 1]!.trim() === '' ? undefined : lines[top.line - 1]),
    context: topContext,
  };
  const byReason = verdictOfFailureReason(ctx.failure_reason);
  if (byReason !== undefined)
    return { ...byReason, ...topQuote, fact: `GitLab reports failure_reason ${ctx.failure_reason}` };
  const exitCode = ctx.exit_code ?? exitStatusOfLog(lines);
  const byExit = verdictOfExitCode(exitCode);
  if (byExit !== undefined) return { ...byExit, ...topQuote, fact: `the command exited with ${exitCode}` };
  const sha = flakyCommit(ctx.history, ctx.sha);
  if (sha !== undefined)
    return {
      ...FLAKY,
      ...topQuote,
      fact: `the same job failed and then passed on a retry of commit ${sha.slice(0, 12)}`,
    };
  // The log: the category classifier (category/, on the evidence it was fitted with), quoted by the first
  // line in reading order of the best RULE_RANGES ranges that one of its category's rules matches.
  // No rule of any category matching the evidence or the tail is what the rubric calls unknown: the
  // classifier's words alone do not make a category.
  const features = featuresOf(lines, extractEvidence(lines));
  const category = predictCategory(models.category, features);
  if (category === 'unknown' || !features.some(isRuleFeature)) return { ...UNKNOWN, ...topQuote };
  for (const e of evidence.slice(0, RULE_RANGES)) {
    const context = readingOrder(lines, e);
    for (const line of context) {
      const rule = rulesOf(line).find((r) => r.category === category);
      if (rule !== undefined) return { ...classifierVerdict(category, rule.id), quote: line, context };
    }
  }
  return { ...classifierVerdict(category, undefined), ...topQuote };
}

// A failing test's name, from the reports of common test runners.
const TEST_NAMES: readonly RegExp[] = [
  /--- FAIL: (\S+)/,
  /^\s*FAILED (\S+::\S+)/,
  /^\s*(\S+ > .+?) FAILED\b/,
  /^\s*(\S+) \[FAIL\]/,
  /\bnot ok \d+ -?\s*(.+)/,
  /^\s*\d+\) (.+)/,
  /^\s*(\w+#test\w*)/,
  /thread '([^']+)' panicked/,
  /^\s*[✗✖✘]\s+(.+)/,
  /^\s*\[-\]\s+(.+)/,
  /\b(\w+Test\w*\.\w+):\d+/,
  /^\s*(\w+)\([\w.]+\)\s*$/,
];
// A source file: a path ending in a known extension, optionally with a line number.
const SOURCE_FILE =
  /(?:^|[\s'"`([])((?:[\w.@~+-]+\/)*[\w.@+-]+\.(?:js|jsx|mjs|cjs|ts|tsx|py|rb|go|java|kt|kts|scala|cs|fs|vb|php|rs|c|cc|cpp|cxx|h|hh|hpp|m|mm|swift|ex|exs|erl|hrl|hs|lua|pl|pm|t|r|R|coffee|ps1|psm1|sh|vim|el|clj|dart|css|scss|less|html|vue|svelte|tex|md|ya?ml|json|xml|gradle|toml))(?=$|[\s:'"`),;\]])/;

function firstMatch(lines: readonly string[], patterns: readonly RegExp[]): string | undefined {
  for (const line of lines) {
    const head = line.length > 2000 ? line.slice(0, 2000) : line;
    for (const re of patterns) {
      const m = re.exec(head);
      if (m?.[1] !== undefined) return m[1].trim();
    }
  }
  return undefined;
}

/** A source file named in the quote or its range, as its last three path segments. */
function sourceFileIn(lines: readonly string[]): string | undefined {
  const path = firstMatch(lines, [SOURCE_FILE]);
  return path?.split('/').slice(-3).join('/');
}

const ACTION_PREFIXES: Readonly<Record<ActionKind, string>> = {
  retry: 'retry',
  fix_code: 'fix',
  fix_test: 'fix',
  fix_config: 'fix config',
  update_dependency: 'update dependency',
  investigate: 'investigate',
};

const short = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The one-line summary of the suggested action. */
function summaryOf(d: Decision): string {
  const near = d.quote === undefined ? d.context : [d.quote, ...d.context];
  const file = sourceFileIn(near);
  const inFile = file === undefined ? '' : ` in ${short(file, 120)}`;
  const quoted = d.quote === undefined ? undefined : short(d.quote.replace(/\s+/g, ' ').trim());
  if (d.rule.startsWith(FAILURE_REASON_RULE))
    return `${ACTION_PREFIXES[ACTIONS[d.category]]}: ${d.rule.slice(FAILURE_REASON_RULE.length).replace(/_/g, ' ')}`;
  switch (d.category) {
    case 'test_failure': {
      const test = firstMatch(near, TEST_NAMES);
      return test === undefined ? `fix: failing tests${inFile}` : `fix: failing test ${short(test)}${inFile}`;
    }
    case 'compilation':
      return `fix: compile error${inFile}`;
    case 'lint':
      return `fix: lint errors${inFile}`;
    case 'dependency': {
      const name = quoted === undefined ? undefined : /['"`‘]([^'"`’\s]{1,120})['"`’]/.exec(quoted)?.[1];
      return `update dependency: ${name ?? quoted ?? 'see the evidence'}`;
    }
    case 'out_of_resources':
      return 'fix config: give the job more memory or disk, or make it use less';
    case 'configuration':
      return `fix config: ${quoted ?? 'see the evidence'}`;
    case 'permissions':
      return `fix config: access or credentials: ${quoted ?? 'see the evidence'}`;
    case 'infrastructure':
      return 'retry: CI infrastructure error';
    case 'timeout':
      return 'retry: the job timed out';
    case 'network':
      return 'retry: network error';
    case 'flaky':
      return `retry: flaky, ${d.fact ?? 'passed on a retry before'}`;
    case 'unknown':
      return `investigate: ${quoted ?? 'no error line found in the log'}`;
  }
}

function rootCauseOf(d: Decision): string {
  const lead = d.fact === undefined ? LEADS[d.category] : `${LEADS[d.category]}: ${d.fact}`;
  if (d.quote === undefined)
    return d.category === 'unknown' ? `${lead}, and no error line was found in the log.` : `${lead}.`;
  return `${lead}. Log: ${quoteLine(d.quote)}`;
}

/** Evidence of the visible lines as ranges of the whole log (instruction-like lines put back). */
function toLogRanges(evidence: readonly Evidence[], kept: readonly number[]): EvidenceRange[] {
  return evidence.map((e) => {
    const start = kept[e.start - 1]! + 1;
    return {
      start_line: start,
      end_line: Math.min(kept[e.end - 1]! + 1, start + MAX_RANGE_LINES - 1),
      reason: e.reason,
    };
  });
}

/** The heuristic's proposal for a failure, with `models` (the fitted ones by default). Pure and deterministic. */
export function proposeHeuristic(ctx: RemediationContext, models: HeuristicModels = fittedModels()): ProposalBody {
  const { visible, kept } = withoutInstructions(ctx.log_lines);
  const evidence = rankedEvidence(visible, models.ranker);
  const d = decide(ctx, visible, evidence, models);
  return {
    category: d.category,
    root_cause: rootCauseOf(d),
    evidence: toLogRanges(evidence, kept),
    suggested_action: { kind: ACTIONS[d.category], summary: short(summaryOf(d), 500) },
    confidence: d.confidence,
  };
}

export function createHeuristicProvider(): RemediationProvider {
  return {
    name: 'heuristic',
    promptVersion: HEURISTIC_PROMPT_VERSION,
    local: true,
    async propose(ctx: RemediationContext, signal?: AbortSignal): Promise<ProviderAnswer> {
      signal?.throwIfAborted();
      return { body: proposeHeuristic(ctx), model: null, tokens: { prompt: 0, completion: 0 }, cost_usd: 0 };
    },
  };
}
