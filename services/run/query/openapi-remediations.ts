// Response schemas of the query API's OpenAPI document for remediation proposals (with their feedback and
// score) and the quality summary per provider: closed objects checked against remediations.ts at compile
// time (`satisfies`).
import {
  bool,
  closed,
  int,
  intOrNull,
  ratioOrNull,
  str,
  strOrNull,
  time,
  timeOrNull,
  uuid,
  type Props,
} from './openapi-primitives.js';
import type { remediationJson, remediationSummary } from './remediations.js';

const evidence = closed({ start_line: { ...int, minimum: 1 }, end_line: { ...int, minimum: 1 }, reason: str });
export const remediationProps = {
  proposal_id: uuid,
  pipeline_id: uuid,
  project_id: str,
  job_id: { ...uuid, description: 'The failed attempt' },
  job_name: str,
  attempt: { ...int, minimum: 1 },
  ref: strOrNull,
  sha: strOrNull,
  failure_reason: str,
  signature: { ...str, description: 'Failure signature (normalised error lines, hashed)' },
  provider: str,
  model: strOrNull,
  prompt_version: str,
  category: str,
  root_cause: str,
  evidence: { type: 'array', items: evidence, description: 'Log line ranges that explain the failure, best first' },
  suggested_action: closed({ kind: str, summary: str }),
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  shadow: bool,
  tokens: closed({ prompt: int, completion: int }),
  latency_ms: int,
  cost_usd: { type: 'number' },
  failed_at: time,
  proposed_at: time,
  feedback: {
    oneOf: [{ type: 'null' }, closed({ verdict: str, reason: strOrNull, actor: strOrNull, at: timeOrNull })],
  },
  score: {
    oneOf: [
      { type: 'null' },
      closed({
        label: { type: 'string', enum: ['correct', 'incorrect', 'expired'] },
        rule: strOrNull,
        outcome: strOrNull,
        outcome_at: timeOrNull,
        latency_ms: intOrNull,
        time_to_green_ms: intOrNull,
        scored_at: timeOrNull,
      }),
    ],
  },
} satisfies Props<ReturnType<typeof remediationJson>>;
export const summaryProps = {
  provider: str,
  prompt_version: str,
  proposals: int,
  scored: closed({ correct: int, incorrect: int, expired: int, pending: int }),
  precision: { ...ratioOrNull, description: 'correct / (correct + incorrect)' },
  retry_precision: { ...ratioOrNull, description: 'Of "retry" proposals scored: correct / (correct + incorrect)' },
  acceptance_rate: { ...ratioOrNull, description: 'accepted / feedback given' },
  feedback: int,
  categories: {
    type: 'object',
    additionalProperties: closed({ proposals: int, correct: int, incorrect: int, precision: ratioOrNull }),
  },
  latency_ms: closed({ p50: intOrNull, p99: intOrNull }),
  time_to_green_ms: closed(
    {
      p50_shown: { ...intOrNull, description: 'Median failure → green of failures whose proposal users saw' },
      p50_hidden: {
        ...intOrNull,
        description: 'The same for proposals recorded in shadow mode (users saw none): the control group',
      },
    },
    'Time to green with a proposal shown vs without (shadow mode as the control group)',
  ),
  tokens: int,
  cost_usd: { type: 'number' },
  skipped: { type: 'object', additionalProperties: int, description: 'Failures not proposed for, by reason' },
} satisfies Props<Awaited<ReturnType<typeof remediationSummary>>[number]>;
