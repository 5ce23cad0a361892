// The log analysis of the remediator and its baselines as Tunables (tunable.ts), by name. The heuristic
// learns its ranker on the training folds only; the plain tail learns nothing (fit returns nothing and
// predict is the same function of the log whatever the training folds); the category classifiers are in
// category-tunable.ts. The rules (the ranker's families, the taxonomy) were written from the tools'
// documentation, not fitted: the harness makes a figure honest only for what is fitted inside it.

import { utf8Length, type LineRange } from '../../lib/core/logs/excerpt.js';
import { MAX_RANGE_LINES } from '../../lib/core/remediation/evidence.js';
import { proposeHeuristic, type HeuristicModels } from '../../lib/core/remediation/heuristic.js';
import { fitRanker } from '../../lib/core/remediation/ranker/learn.js';
import { rankedExcerpt } from '../../lib/core/remediation/ranker/model.js';
import { fromEventCategory } from '../../lib/core/remediation/category/categories.js';
import type { RemediationContext } from '../../lib/core/remediation/proposal.js';
import { failureSignature } from '../../lib/core/remediation/signature.js';
import { categoryRulesTunable, categoryTunable, majorityTunable } from './category-tunable.js';
import type { LogInput, Prediction, Tunable } from './tunable.js';

/** The context the remediator assembles for a labelled log (no history, no failure details). */
function contextFor(log: LogInput): RemediationContext {
  return {
    project_id: log.repo,
    pipeline_id: log.build_id,
    job_id: log.build_id,
    job_name: 'build',
    stage: null,
    attempt: 1,
    ref: null,
    sha: null,
    failure_reason: 'script_failure',
    exit_code: null,
    allow_failure: false,
    definition: null,
    log_lines: log.lines,
    signature: failureSignature(log.lines),
    history: [],
    similar: [],
  };
}

/**
 * The heuristic provider (heuristic-2): fit learns its ranker (learn.ts) and its category classifier
 * (category-tunable.ts, from the logs' category labels) on the training logs only; predict proposes with
 * them (evidence and category) and packs the context from the same ranker.
 */
export const heuristicTunable: Tunable<HeuristicModels> = {
  name: 'heuristic',
  tuned: true,
  fit: (train) => ({ ranker: fitRanker(train), category: categoryTunable.fit(train) }),
  predict(models, log): Prediction {
    const body = proposeHeuristic(contextFor(log), models);
    return {
      context: (budget) => rankedExcerpt(log.lines, budget, models.ranker).ranges,
      evidence: body.evidence,
      category: fromEventCategory(body.category),
    };
  },
};

/** The lines wholly inside the last `budget` UTF-8 bytes of the log (`\n` separators counted). */
export function tailRange(lines: readonly string[], budget: number): LineRange[] {
  let bytes = 0;
  let start = lines.length + 1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const next = bytes + utf8Length(lines[i]!) + (i === lines.length - 1 ? 0 : 1);
    if (next > budget) break;
    bytes = next;
    start = i + 1;
  }
  return start > lines.length ? [] : [{ start, end: lines.length }];
}

/** The plainest baseline: the tail of the log as context, its last 20 lines as evidence, no category. */
export const tailTunable: Tunable<null> = {
  name: 'tail',
  tuned: false,
  fit: () => null,
  predict(_model, log): Prediction {
    const n = log.lines.length;
    return {
      context: (budget) => tailRange(log.lines, budget),
      evidence: [
        { start_line: Math.max(1, n - MAX_RANGE_LINES + 1), end_line: Math.max(1, n), reason: 'end of the log' },
      ],
      category: 'unknown',
    };
  },
};

const TUNABLES: Record<string, Tunable> = {
  heuristic: heuristicTunable as Tunable,
  tail: tailTunable,
  category: categoryTunable as Tunable,
  'category-rules': categoryRulesTunable as Tunable,
  majority: majorityTunable as Tunable,
};

export const TUNABLE_NAMES: readonly string[] = Object.keys(TUNABLES);

/** The Tunable of that name; throws naming the known ones when there is none. */
export function tunableByName(name: string): Tunable {
  const t = Object.hasOwn(TUNABLES, name) ? TUNABLES[name] : undefined;
  if (t === undefined) throw new Error(`no grouped CV for "${name}" (known: ${TUNABLE_NAMES.join(', ')})`);
  return t;
}
