// Today's log analysis as Tunables (tunable.ts), so grouped CV measures it as it will measure a learnable
// ranker. Neither learns anything: fit returns nothing and predict is the same function of the log
// whatever the training folds. The heuristic's rules were written against all 45 development
// repositories, so its grouped-CV figure is still an in-sample one in disguise; the harness makes a
// figure honest only for what is fitted inside it.

import { excerptOfLines, utf8Length, type LineRange } from '../../lib/core/logs/excerpt.js';
import { findMarkers } from '../../lib/core/logs/markers.js';
import { MAX_RANGE_LINES } from '../../lib/core/remediation/evidence.js';
import { proposeHeuristic } from '../../lib/core/remediation/heuristic.js';
import { fromEventCategory } from '../../lib/core/remediation/category/categories.js';
import type { RemediationContext } from '../../lib/core/remediation/proposal.js';
import { failureSignature } from '../../lib/core/remediation/signature.js';
import { categoryRulesTunable, categoryTunable, majorityTunable } from './category-tunable.js';
import { rankerTunable } from './ranker-tunable.js';
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
    log_lines: [...log.lines],
    signature: failureSignature(log.lines),
    history: [],
    similar: [],
  };
}

/** The heuristic provider: buildExcerpt for the context, its proposal's evidence and category. */
export const heuristicTunable: Tunable<null> = {
  name: 'heuristic',
  tuned: false,
  fit: () => null,
  predict(_model, log): Prediction {
    const body = proposeHeuristic(contextFor(log));
    let markers: ReturnType<typeof findMarkers> | undefined;
    return {
      context(budget) {
        markers ??= findMarkers(log.lines);
        return excerptOfLines(log.lines, markers, { maxBytes: budget }).ranges;
      },
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
  heuristic: heuristicTunable,
  tail: tailTunable,
  ranker: rankerTunable as Tunable,
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
