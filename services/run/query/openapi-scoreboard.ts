// The OpenAPI description of scoreboard.ts's route (GET /v1/remediations/scoreboard), merged by openapi.ts:
// closed objects checked against scoreboard-model.ts at compile time (`satisfies`).
import type { QueryConfig } from './config.js';
import { operation } from './openapi-operation.js';
import { bool, closed, int, ratioOrNull, ref, str, time, type Props, type Schema } from './openapi-primitives.js';
import { paramSchemas } from './params.js';
import type { Proportion } from '../../lib/core/stats/wilson.js';
import type { Scoreboard, ScoreboardRow, SeriesPoint } from './scoreboard-model.js';

const count = { ...int, minimum: 0 };
const day: Schema = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'UTC day' };

const proportionProps = {
  k: { ...count, description: 'Successes' },
  n: { ...count, description: 'Trials (0: no figure; value, low and high are null)' },
  value: { ...ratioOrNull, description: 'k / n' },
  low: { ...ratioOrNull, description: 'Lower bound of the 95% Wilson score interval' },
  high: { ...ratioOrNull, description: 'Upper bound of the 95% Wilson score interval' },
} satisfies Props<Proportion>;

const share = (description: string): Schema => ({ ...ref('ScoreboardShare'), description });

const seriesProps = {
  day,
  proposals: count,
  correct: count,
  incorrect: count,
  accepted: count,
  rejected: count,
  precision: { ...ratioOrNull, description: "correct / (correct + incorrect) of that day's proposals" },
} satisfies Props<SeriesPoint>;

const rowProps = {
  provider: str,
  prompt_version: str,
  baseline: { ...bool, description: 'The heuristic provider: the baseline every model is shown beside' },
  proposals: { ...count, description: 'Proposals made in the window (shadow ones included)' },
  shadow: { ...count, description: 'Of which recorded in shadow mode (users saw none)' },
  scored: closed({
    correct: count,
    incorrect: count,
    expired: count,
    pending: { ...count, description: 'Not scored yet' },
    share: share('Scored (correct, incorrect or expired) of the proposals'),
  }),
  precision: share('correct of correct + incorrect (expired left out)'),
  fixed_by_new_commit: share(
    'Of the fix proposals (not "retry") the scorer decided by an outcome (rules retry_passed_fix_wrong, retry_failed_fix_right, new_commit_fixed_fix_right), those whose next pipeline on the ref went green on a new commit (new_commit_fixed_fix_right). Whether that commit followed the fix is not recorded',
  ),
  retry_precision: share('Of the "retry" proposals scored correct or incorrect: correct (the retry passed)'),
  feedback: closed({
    accepted: count,
    rejected: count,
    acceptance: share('accepted of accepted + rejected'),
  }),
  series: { type: 'array', items: ref('ScoreboardDay'), description: 'One entry per day of the window, oldest first' },
} satisfies Props<ScoreboardRow>;

const scoreboardProps = {
  window: { type: 'string', pattern: '^[0-9]+d$' },
  since: { ...time, description: "The first day's midnight (UTC)" },
  days: { type: 'array', items: day, description: 'The days of the window (today, UTC, last)' },
  baseline_provider: str,
  truncated: {
    ...bool,
    description: 'More than 9,000 provider × prompt version × day rows: the last pairs are left out',
  },
  rows: {
    type: 'array',
    items: ref('ScoreboardRow'),
    description: 'The baseline first (with zeros when it proposed nothing), then by provider and prompt version',
  },
} satisfies Props<Scoreboard>;

export function scoreboardOpenApi(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  return {
    paths: {
      '/v1/remediations/scoreboard': {
        get: operation({
          operationId: 'getRemediationScoreboard',
          summary:
            'The AI scoreboard: per provider and prompt version over the last N UTC days — proposals, scored share, precision, green on a new commit after a fix, retry precision, feedback — each share with its 95% Wilson interval, and per day; the heuristic baseline always present',
          params: paramSchemas(config).remediationSummary,
          ok: ref('Scoreboard'),
          errors: [400],
        }),
      },
    },
    schemas: {
      Scoreboard: closed(scoreboardProps),
      ScoreboardRow: closed(rowProps),
      ScoreboardDay: closed(seriesProps),
      ScoreboardShare: closed(proportionProps, 'k of n with its 95% Wilson score interval'),
    },
  };
}
