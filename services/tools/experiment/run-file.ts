// `verity experiment --file`: replay labelled failure logs through remediation providers side by side
// and measure them (QUALITY.md, "AI remediation quality"). Every provider gets the same context per log:
// the log sanitised and redacted as the remediator does, its signature, no history.

import { redactSecrets } from '../../lib/core/logs/redact.js';
import { sanitizeLog } from '../../lib/core/logs/sanitize.js';
import {
  PROPOSAL_BODY_SCHEMA,
  type Category,
  type ProviderAnswer,
  type RemediationContext,
  type RemediationProvider,
} from '../../lib/core/remediation/proposal.js';
import { failureSignature } from '../../lib/core/remediation/signature.js';
import { fromEventCategory } from '../../lib/core/remediation/category/categories.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { readDataset, type LabelledLog } from './dataset.js';
import { CONTEXT_BUDGET, clampLabel, contextRecall, evidenceHit, percentile, share, type Share } from './measures.js';

export interface ExperimentOptions {
  /**
   * Logs measured at once. Default 1: a provider that computes (the heuristic) holds the event loop, so
   * with more, the latency of every call includes other logs' work. Raise it for providers that wait on
   * the network.
   */
  concurrency?: number;
  /** Budget of the excerpt for context recall, in bytes. Default CONTEXT_BUDGET. */
  budget?: number;
  /** A provider call taking longer fails. Default 120 s. */
  timeoutMs?: number;
}

export interface ProviderResult {
  provider: string;
  promptVersion: string;
  logs: number;
  /** The excerpt a model is sent (the fitted ranker's at `budget`) contains the labelled lines. */
  contextRecall: Share;
  evidenceHit1: Share;
  evidenceHit3: Share;
  /** Over the logs labelled with a category. */
  categoryAccuracy: Share;
  /** Of the `retry` proposals on logs whose retry outcome is known, the share whose retry passed. */
  retryPrecision: Share;
  latencyMs: { p50: number; p99: number };
  tokens: { prompt: number; completion: number };
  costUsd: number;
  /** Calls that threw, timed out or answered outside PROPOSAL_BODY_SCHEMA or the log's lines. */
  errors: number;
  categories: Partial<Record<Category, number>>;
}

export interface ExperimentResult {
  logs: number;
  budget: number;
  providers: ProviderResult[];
}

const validateBody = createAjv().compile(PROPOSAL_BODY_SCHEMA);

/**
 * One case of an experiment: a labelled log (a dataset line), or a recorded failure from Kafka
 * (services/tools/experiment/run-window.ts) with the context the remediator would assemble and no line label.
 */
export type ExperimentCase = Omit<LabelledLog, 'chunk_start_line' | 'chunk_end_line'> & {
  chunk_start_line?: number;
  chunk_end_line?: number;
  context?: RemediationContext;
};

const labelOf = (c: ExperimentCase) =>
  c.chunk_start_line === undefined || c.chunk_end_line === undefined
    ? undefined
    : { start: c.chunk_start_line, end: c.chunk_end_line };

/** What a provider is given for a case. */
export function contextOf(record: ExperimentCase): RemediationContext {
  if (record.context) return record.context;
  const lines = redactSecrets(sanitizeLog(record.log)).text.split('\n');
  return {
    project_id: record.repo,
    pipeline_id: record.build_id,
    job_id: record.build_id,
    job_name: 'build',
    stage: null,
    attempt: 1,
    ref: null,
    sha: null,
    failure_reason: 'script_failure',
    exit_code: null,
    allow_failure: false,
    definition: null,
    log_lines: lines,
    signature: failureSignature(lines),
    history: [],
    similar: [],
  };
}

/** An answer within PROPOSAL_BODY_SCHEMA whose evidence lies within the log's lines. */
function usable(answer: ProviderAnswer, lineCount: number): boolean {
  return (
    validateBody(answer.body) &&
    answer.body.evidence.every((e) => e.start_line <= e.end_line && e.end_line <= lineCount)
  );
}

class Tally {
  recall = 0;
  hit1 = 0;
  hit3 = 0;
  labelled = 0;
  correct = 0;
  retries = 0;
  retriesPassed = 0;
  latencies: number[] = [];
  prompt = 0;
  completion = 0;
  cost = 0;
  errors = 0;
  categories: Partial<Record<Category, number>> = {};
}

async function measure(
  provider: RemediationProvider,
  ctx: RemediationContext,
  record: ExperimentCase,
  recalled: boolean,
  tally: Tally,
  timeoutMs: number,
): Promise<void> {
  if (recalled) tally.recall++;
  if (record.category !== undefined) tally.labelled++;
  const started = performance.now();
  let answer: ProviderAnswer;
  try {
    answer = await provider.propose(ctx, AbortSignal.timeout(timeoutMs));
  } catch {
    tally.errors++;
    return;
  } finally {
    tally.latencies.push(performance.now() - started);
  }
  tally.prompt += answer.tokens.prompt;
  tally.completion += answer.tokens.completion;
  tally.cost += answer.cost_usd;
  if (!usable(answer, ctx.log_lines.length)) {
    tally.errors++;
    return;
  }
  const { body } = answer;
  const lineLabel = labelOf(record);
  if (lineLabel) {
    const label = clampLabel(lineLabel, ctx.log_lines.length);
    if (evidenceHit(body.evidence, label, 1)) tally.hit1++;
    if (evidenceHit(body.evidence, label, 3)) tally.hit3++;
  }
  if (record.category !== undefined && fromEventCategory(body.category) === record.category) tally.correct++;
  if (record.retry_passed !== undefined && body.suggested_action.kind === 'retry') {
    tally.retries++;
    if (record.retry_passed) tally.retriesPassed++;
  }
  tally.categories[body.category] = (tally.categories[body.category] ?? 0) + 1;
}

/** Runs `providers` over `records`, at most `concurrency` logs at a time, and measures each provider. */
export async function runExperiment(
  records: readonly ExperimentCase[],
  providers: readonly RemediationProvider[],
  opts: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const budget = opts.budget ?? CONTEXT_BUDGET;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const tallies = providers.map(() => new Tally());
  let next = 0;
  let lineLabelled = 0;
  const worker = async () => {
    for (let i = next++; i < records.length; i = next++) {
      const record = records[i]!;
      const ctx = contextOf(record);
      const label = labelOf(record);
      const recalled = label !== undefined && contextRecall(ctx.log_lines, label, budget).hit;
      if (label) lineLabelled++;
      await Promise.all(providers.map((p, k) => measure(p, ctx, record, recalled, tallies[k]!, timeoutMs)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(opts.concurrency ?? 1)) }, worker));
  const n = records.length;
  return {
    logs: n,
    budget,
    providers: providers.map((p, k) => {
      const t = tallies[k]!;
      return {
        provider: p.name,
        promptVersion: p.promptVersion,
        logs: n,
        contextRecall: share(t.recall, lineLabelled),
        evidenceHit1: share(t.hit1, lineLabelled),
        evidenceHit3: share(t.hit3, lineLabelled),
        categoryAccuracy: share(t.correct, t.labelled),
        retryPrecision: share(t.retriesPassed, t.retries),
        latencyMs: { p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99) },
        tokens: { prompt: t.prompt, completion: t.completion },
        costUsd: t.cost,
        errors: t.errors,
        categories: t.categories,
      };
    }),
  };
}

/** Reads a JSONL[.gz] dataset (at most `limit` logs) and runs the experiment on it. */
export async function runFile(
  path: string,
  providers: readonly RemediationProvider[],
  opts: ExperimentOptions & { limit?: number } = {},
): Promise<ExperimentResult> {
  return runExperiment(await readDataset(path, opts.limit), providers, opts);
}

const pct = (s: Share) =>
  Number.isNaN(s.rate) ? `n/a (n=${s.n})` : `${(s.rate * 100).toFixed(1)}% (${s.hits}/${s.n})`;
const ms = (x: number) => (Number.isNaN(x) ? 'n/a' : x < 10 ? `${x.toFixed(2)} ms` : `${Math.round(x)} ms`);

/** The result as a Markdown table, one column per provider. */
export function comparisonTable(result: ExperimentResult): string {
  const rows: [string, (p: ProviderResult) => string][] = [
    ['logs', (p) => String(p.logs)],
    [`context recall @${result.budget} B`, (p) => pct(p.contextRecall)],
    ['evidence hit@1', (p) => pct(p.evidenceHit1)],
    ['evidence hit@3', (p) => pct(p.evidenceHit3)],
    ['category accuracy', (p) => pct(p.categoryAccuracy)],
    ['retry precision', (p) => pct(p.retryPrecision)],
    ['latency p50 / p99', (p) => `${ms(p.latencyMs.p50)} / ${ms(p.latencyMs.p99)}`],
    ['tokens prompt / completion', (p) => `${p.tokens.prompt} / ${p.tokens.completion}`],
    ['cost', (p) => `$${p.costUsd.toFixed(4)}`],
    ['provider errors', (p) => String(p.errors)],
    [
      'categories',
      (p) =>
        Object.entries(p.categories)
          .sort((a, b) => b[1] - a[1])
          .map(([c, k]) => `${c} ${k}`)
          .join(', '),
    ],
  ];
  return [
    `| measure | ${result.providers.map((p) => `${p.provider} (${p.promptVersion})`).join(' | ')} |`,
    `| --- | ${result.providers.map(() => '---:').join(' | ')} |`,
    ...rows.map(([name, cell]) => `| ${name} | ${result.providers.map(cell).join(' | ')} |`),
    '',
    `Context recall is a property of the context every provider is sent (the log's excerpt of at most ${result.budget} bytes), so it is the same for all; evidence hit@k: one of the first k evidence ranges overlaps the labelled lines.`,
    "The excerpt and the heuristic's ranker and category classifier are fitted on the LogChunks development split: on its logs these figures are their fit; --cv 5 measures them on repositories they have not seen.",
  ].join('\n');
}
