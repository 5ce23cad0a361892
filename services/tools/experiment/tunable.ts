// What grouped cross-validation evaluates: a Tunable is fitted on the labelled logs of the training folds
// and predicts, for a log it has not seen the label of, the context a model would be sent (as line
// ranges, at any byte budget), the evidence ranges best first, and a category. A learnable ranker
// implements it; so do today's heuristic and the tail baseline, whose fit learns nothing (tunables.ts).

import type { LineRange } from '../../lib/core/logs/excerpt.js';
import { redactSecrets } from '../../lib/core/logs/redact.js';
import { sanitizeLog } from '../../lib/core/logs/sanitize.js';
import type { EvidenceRange } from '../../lib/core/remediation/proposal.js';
import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';
import type { LabelledLog } from './dataset.js';
import { clampLabel } from './measures.js';

/** A log as a Tunable sees it when predicting: sanitised and redacted as the remediator does, no label. */
export interface LogInput {
  repo: string;
  build_id: string;
  /** Line 1 is `lines[0]`. */
  lines: readonly string[];
}

/** A log with its labels, as a Tunable is fitted on it and as the harness measures it. */
export interface TrainingLog extends LogInput {
  /** The labelled lines, 1-based, inclusive, clamped to the log. */
  label: LineRange;
  category?: Category;
}

export interface Prediction {
  /** The lines of the context of at most `budget` UTF-8 bytes (the excerpt a model is sent), as ranges. */
  context(budget: number): readonly LineRange[];
  /** Evidence ranges, best first (at most MAX_RANGES are measured). */
  evidence: readonly EvidenceRange[];
  /** The predicted failure category, when the Tunable predicts one. */
  category?: Category;
}

export interface Tunable<Model = unknown> {
  name: string;
  /**
   * Whether fit learns anything from its training logs. When it does not, the harness predicts each log
   * once and uses the prediction both in and out of sample (they are the same by construction).
   */
  tuned: boolean;
  fit(train: readonly TrainingLog[]): Model;
  predict(model: Model, log: LogInput): Prediction;
}

/** The lines of a dataset record as every provider gets them, with its label clamped to them. */
export function prepareLog(record: LabelledLog): TrainingLog {
  const lines = redactSecrets(sanitizeLog(record.log)).text.split('\n');
  const label = clampLabel({ start: record.chunk_start_line, end: record.chunk_end_line }, lines.length);
  const log: TrainingLog = { repo: record.repo, build_id: record.build_id, lines, label };
  if (record.category !== undefined) log.category = record.category;
  return log;
}
