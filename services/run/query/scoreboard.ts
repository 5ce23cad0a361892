// GET /v1/remediations/scoreboard: the AI scoreboard's figures per provider × prompt version over the last
// N UTC days — one read of remediation_proposals grouped by provider, prompt version and day (the window
// bounds proposed_at: index remediations_by_project for a project-scoped token or ?project=,
// remediations_by_created otherwise), assembled by scoreboard-model.ts. Shadow proposals count, as in the
// summary: they are the experiment. Project-scoped like every list: another project's name answers as a
// project without data (only the baseline row, with no proposals).
import { and, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Router } from 'express';
import { HEURISTIC_PROMPT_VERSION } from '../../lib/core/remediation/heuristic.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';
import { projectsOf, tokenOf } from './access.js';
import type { QueryDeps } from './deps.js';
import { paramParser, paramSchemas } from './params.js';
import { assembleScoreboard, FIX_DECIDED_RULES, FIX_GREEN_RULE, type DayCounts } from './scoreboard-model.js';
import { dayWindow } from './window.js';

/** The heuristic provider (offline, deterministic): the baseline every model is shown beside. */
export const BASELINE = { provider: 'heuristic', promptVersion: HEURISTIC_PROMPT_VERSION };
/** At most this many provider × prompt version × day rows: 100 pairs over 90 days. */
export const MAX_GROUP_ROWS = 9_000;

export interface ScoreboardFilter {
  /** undefined: every project. */
  projects?: string[];
  since: string;
  until: string;
  limit: number;
}

const count = (cond: SQL) => sql<number>`(count(*) filter (where ${cond}))::int`;

/** The one read: per provider, prompt version and UTC day of proposed_at, the counts the scoreboard needs. */
export function scoreboardQuery(db: Db, t: ReadModel, f: ScoreboardFilter) {
  const r = t.remediationProposals;
  const day = sql<string>`to_char(${r.proposedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const w: SQL[] = [gte(r.proposedAt, f.since), lt(r.proposedAt, f.until)];
  if (f.projects) w.push(inArray(r.projectId, f.projects));
  const fixRules = sql.join(
    FIX_DECIDED_RULES.map((rule) => sql`${rule}`),
    sql`, `,
  );
  return db
    .select({
      provider: r.provider,
      promptVersion: r.promptVersion,
      day,
      proposals: sql<number>`count(*)::int`,
      shadow: count(sql`${r.shadow}`),
      correct: count(sql`${r.label} = 'correct'`),
      incorrect: count(sql`${r.label} = 'incorrect'`),
      expired: count(sql`${r.label} = 'expired'`),
      retryCorrect: count(sql`${r.actionKind} = 'retry' and ${r.label} = 'correct'`),
      retryIncorrect: count(sql`${r.actionKind} = 'retry' and ${r.label} = 'incorrect'`),
      fixGreen: count(sql`${r.rule} = ${FIX_GREEN_RULE}`),
      fixDecided: count(sql`${r.rule} in (${fixRules})`),
      accepted: count(sql`${r.feedbackVerdict} = 'accepted'`),
      rejected: count(sql`${r.feedbackVerdict} = 'rejected'`),
    })
    .from(r)
    .where(and(...w))
    .groupBy(r.provider, r.promptVersion, day)
    .orderBy(r.provider, r.promptVersion, day)
    .limit(f.limit + 1);
}

/** The scoreboard of the projects over the window; past `limit` rows the last, possibly partial, pair is left out. */
export async function scoreboard(
  db: Db,
  t: ReadModel,
  f: { projects?: string[]; days: number; nowMs: number; limit?: number },
) {
  const w = dayWindow(f.days, f.nowMs);
  const limit = f.limit ?? MAX_GROUP_ROWS;
  let rows: DayCounts[] =
    f.projects?.length === 0
      ? []
      : await scoreboardQuery(db, t, { projects: f.projects, since: w.since, until: w.until, limit });
  const truncated = rows.length > limit;
  if (truncated) {
    const last = rows[limit - 1]!;
    rows = rows.slice(0, limit).filter((r) => r.provider !== last.provider || r.promptVersion !== last.promptVersion);
  }
  return assembleScoreboard(rows, w, BASELINE, truncated);
}

export function scoreboardRoutes(router: Router, deps: QueryDeps): void {
  const { db, tables } = deps;
  // The summary's parameters: project (optional) and window 1d–90d.
  const parse = paramParser<object, { project?: string; window?: string }>(
    paramSchemas(deps.config).remediationSummary,
  );
  router.get('/v1/remediations/scoreboard', async (req, res) => {
    const { query } = parse(req);
    const projects = projectsOf(tokenOf(res), query.project);
    const days = Number((query.window ?? '30d').slice(0, -1));
    res.set('Cache-Control', 'private, no-cache');
    res.json(await scoreboard(db, tables, { projects, days, nowMs: Date.now() }));
  });
}
