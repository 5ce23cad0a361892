// The failure categories of the labelling rubric (docs/FAILURE-CATEGORIES.md), in its precedence order,
// and how today's ids (the `category` enum of the RemediationProposed/RemediationScored event schemas)
// map onto them. The rubric drops `network` (connection failures → infrastructure) and adds
// `permissions`, which the event schemas' enum does not have yet: until it is added there, a rubric
// category cannot always be emitted as an event's category (toEventCategory says which can). Pure.

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

export function isRubricCategory(x: unknown): x is RubricCategory {
  return (RUBRIC_CATEGORIES as readonly unknown[]).includes(x);
}

/** Today's id as the rubric's: `network` → `infrastructure`, the others unchanged. */
export function fromEventCategory(c: Category): RubricCategory {
  return c === 'network' ? 'infrastructure' : c;
}

/** The rubric's id as an event category, or undefined when the event schemas cannot carry it yet. */
export function toEventCategory(c: RubricCategory): Category | undefined {
  return c === 'permissions' ? undefined : c;
}
