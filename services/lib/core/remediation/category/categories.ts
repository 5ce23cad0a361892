// The failure categories of the labelling rubric (docs/FAILURE-CATEGORIES.md), in its precedence order,
// and how the ids of the `category` enum of the RemediationProposed/RemediationScored event schemas map
// onto them. Every rubric category is an event category; the events also keep `network`, which the
// rubric folds into `infrastructure` (proposals of heuristic-1 and of models carry it). Pure.

import type { Category } from '../proposal.js';

/** The rubric's ids in precedence order (the earlier link of a causal chain first), unknown last. */
export const RUBRIC_CATEGORIES = [
  'out_of_resources',
  'timeout',
  'flaky',
  'infrastructure',
  'permissions',
  'configuration',
  'dependency',
  'compilation',
  'lint',
  'test_failure',
  'unknown',
] as const;

export type RubricCategory = (typeof RUBRIC_CATEGORIES)[number];

// Every rubric category can be an event's category: the compiler checks it here.
RUBRIC_CATEGORIES satisfies readonly Category[];

export function isRubricCategory(x: unknown): x is RubricCategory {
  return (RUBRIC_CATEGORIES as readonly unknown[]).includes(x);
}

/** Today's id as the rubric's: `network` → `infrastructure`, the others unchanged. */
export function fromEventCategory(c: Category): RubricCategory {
  return c === 'network' ? 'infrastructure' : c;
}
