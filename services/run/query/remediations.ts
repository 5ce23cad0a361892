// Remediation queries: proposals (filtered, keyset-paginated newest first, shadow ones hidden unless
// asked for), the proposals of one job, and the quality summary per provider and prompt version —
// precision per category, retry precision, acceptance from explicit feedback, latency, tokens, cost,
// time to green, and the failures skipped by guard (budget, circuit, kill switch, provider errors).
import { and, eq, gte, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import type { PipelineCursor } from './cursor.js';
import { iso } from './present.js';
import type { ProposalRow, ReadModel } from '../../lib/readmodel/rows.js';

export interface RemediationFilter {
  projects?: string[];
  provider?: string;
  promptVersion?: string;
  category?: string;
  /** correct | incorrect | expired | pending (not scored yet). */
  label?: string;
  jobId?: string;
  includeShadow: boolean;
  since?: string;
  /** The cursor's (createdAt, pipelineId) carry (proposed_at, proposal_id) here. */
  after?: PipelineCursor;
  limit: number;
}

function where(t: ReadModel, f: Omit<RemediationFilter, 'limit' | 'after'>): SQL[] {
  const r = t.remediationProposals;
  const w: SQL[] = [];
  if (f.projects) w.push(f.projects.length === 1 ? eq(r.projectId, f.projects[0]!) : inArray(r.projectId, f.projects));
  if (f.provider) w.push(eq(r.provider, f.provider));
  if (f.promptVersion) w.push(eq(r.promptVersion, f.promptVersion));
  if (f.category) w.push(eq(r.category, f.category));
  if (f.label === 'pending') w.push(isNull(r.label));
  else if (f.label) w.push(eq(r.label, f.label));
  if (f.jobId) w.push(eq(r.jobId, f.jobId));
  if (!f.includeShadow) w.push(eq(r.shadow, false));
  if (f.since) w.push(gte(r.proposedAt, f.since));
  return w;
}

export function listRemediationsQuery(db: Db, t: ReadModel, f: RemediationFilter) {
  const r = t.remediationProposals;
  const w = where(t, f);
  if (f.after)
    w.push(sql`(${r.proposedAt}, ${r.proposalId}) < (${f.after.createdAt}::timestamptz, ${f.after.pipelineId}::uuid)`);
  return (
    db
      .select()
      .from(r)
      .where(and(...w))
      // NULLS LAST, like the index (plain DESC means NULLS FIRST in Postgres and would sort instead).
      .orderBy(sql`${r.proposedAt} desc nulls last`, sql`${r.proposalId} desc nulls last`)
      .limit(f.limit + 1)
  );
}

export async function listRemediations(
  db: Db,
  t: ReadModel,
  f: RemediationFilter,
): Promise<{ rows: ProposalRow[]; more: boolean }> {
  const rows = await listRemediationsQuery(db, t, f);
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

export async function proposalById(db: Db, t: ReadModel, id: string): Promise<ProposalRow | undefined> {
  const r = t.remediationProposals;
  return (await db.select().from(r).where(eq(r.proposalId, id)).limit(1))[0];
}

export function remediationJson(r: ProposalRow) {
  return {
    proposal_id: r.proposalId,
    pipeline_id: r.pipelineId,
    project_id: r.projectId,
    job_id: r.jobId,
    job_name: r.jobName,
    attempt: r.attempt,
    ref: r.ref,
    sha: r.sha,
    failure_reason: r.failureReason,
    signature: r.signature,
    provider: r.provider,
    model: r.model,
    prompt_version: r.promptVersion,
    category: r.category,
    root_cause: r.rootCause,
    evidence: r.evidence as { start_line: number; end_line: number; reason: string }[],
    suggested_action: r.suggestedAction as { kind: string; summary: string },
    confidence: r.confidence,
    shadow: r.shadow,
    tokens: { prompt: r.tokensPrompt, completion: r.tokensCompletion },
    latency_ms: r.latencyMs,
    cost_usd: r.costUsd,
    failed_at: iso(r.failedAt),
    proposed_at: iso(r.proposedAt),
    feedback: r.feedbackVerdict
      ? { verdict: r.feedbackVerdict, reason: r.feedbackReason, actor: r.feedbackActor, at: iso(r.feedbackAt) }
      : null,
    score: r.label
      ? {
          label: r.label,
          rule: r.rule,
          outcome: r.outcome,
          outcome_at: iso(r.outcomeAt),
          latency_ms: r.outcomeLatencyMs,
          time_to_green_ms: r.timeToGreenMs,
          scored_at: iso(r.scoredAt),
        }
      : null,
  };
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
const n = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Quality per provider and prompt version over proposals made since `since` (shadow ones included: they are the
 * experiment).
 */
export async function remediationSummary(db: Db, t: ReadModel, f: { projects?: string[]; since: string }) {
  const r = t.remediationProposals;
  const s = t.remediationSkips;
  const w = where(t, { projects: f.projects, includeShadow: true, since: f.since });
  const byCategory = await db
    .select({
      provider: r.provider,
      promptVersion: r.promptVersion,
      category: r.category,
      proposals: sql<number>`count(*)::int`,
      correct: sql<number>`(count(*) filter (where ${r.label} = 'correct'))::int`,
      incorrect: sql<number>`(count(*) filter (where ${r.label} = 'incorrect'))::int`,
      expired: sql<number>`(count(*) filter (where ${r.label} = 'expired'))::int`,
      retryCorrect: sql<number>`(count(*) filter (where ${r.actionKind} = 'retry' and ${r.label} = 'correct'))::int`,
      retryIncorrect: sql<number>`(count(*) filter (where ${r.actionKind} = 'retry' and ${r.label} = 'incorrect'))::int`,
      accepted: sql<number>`(count(*) filter (where ${r.feedbackVerdict} = 'accepted'))::int`,
      feedback: sql<number>`(count(*) filter (where ${r.feedbackVerdict} is not null))::int`,
      tokens: sql<number>`coalesce(sum(${r.tokensPrompt} + ${r.tokensCompletion}), 0)::bigint`,
      cost: sql<number>`coalesce(sum(${r.costUsd}), 0)`,
    })
    .from(r)
    .where(and(...w))
    .groupBy(r.provider, r.promptVersion, r.category);
  const overall = await db
    .select({
      provider: r.provider,
      promptVersion: r.promptVersion,
      latencyP50: sql<number | null>`percentile_disc(0.5) within group (order by ${r.latencyMs})`,
      latencyP99: sql<number | null>`percentile_disc(0.99) within group (order by ${r.latencyMs})`,
      // Shadow proposals were hidden from users: the control group for time to green.
      ttgShown: sql<
        number | null
      >`percentile_disc(0.5) within group (order by ${r.timeToGreenMs}) filter (where not ${r.shadow})`,
      ttgHidden: sql<
        number | null
      >`percentile_disc(0.5) within group (order by ${r.timeToGreenMs}) filter (where ${r.shadow})`,
    })
    .from(r)
    .where(and(...w))
    .groupBy(r.provider, r.promptVersion);
  const skipWhere: SQL[] = [gte(s.occurredAt, f.since)];
  if (f.projects) skipWhere.push(inArray(s.projectId, f.projects));
  const skips = await db
    .select({ provider: s.provider, promptVersion: s.promptVersion, reason: s.reason, n: sql<number>`count(*)::int` })
    .from(s)
    .where(and(...skipWhere))
    .groupBy(s.provider, s.promptVersion, s.reason);

  const key = (p: string, v: string) => `${p}\u0000${v}`;
  const groups = new Map<
    string,
    { provider: string; prompt_version: string; rows: typeof byCategory; skipped: Record<string, number> }
  >();
  const group = (p: string, v: string) => {
    const k = key(p, v);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { provider: p, prompt_version: v, rows: [], skipped: {} }));
    return g;
  };
  for (const row of byCategory) group(row.provider, row.promptVersion).rows.push(row);
  for (const row of skips) group(row.provider, row.promptVersion).skipped[row.reason] = row.n;
  const latency = new Map(overall.map((o) => [key(o.provider, o.promptVersion), o]));

  return [...groups.values()].map((g) => {
    const sum = (k: keyof (typeof byCategory)[number]) => g.rows.reduce((acc, row) => acc + n(row[k]), 0);
    const l = latency.get(key(g.provider, g.prompt_version));
    return {
      provider: g.provider,
      prompt_version: g.prompt_version,
      proposals: sum('proposals'),
      scored: {
        correct: sum('correct'),
        incorrect: sum('incorrect'),
        expired: sum('expired'),
        pending: sum('proposals') - sum('correct') - sum('incorrect') - sum('expired'),
      },
      precision: ratio(sum('correct'), sum('correct') + sum('incorrect')),
      retry_precision: ratio(sum('retryCorrect'), sum('retryCorrect') + sum('retryIncorrect')),
      acceptance_rate: ratio(sum('accepted'), sum('feedback')),
      feedback: sum('feedback'),
      categories: Object.fromEntries(
        g.rows.map((row) => [
          row.category,
          {
            proposals: row.proposals,
            correct: row.correct,
            incorrect: row.incorrect,
            precision: ratio(row.correct, row.correct + row.incorrect),
          },
        ]),
      ),
      latency_ms: { p50: numOrNull(l?.latencyP50), p99: numOrNull(l?.latencyP99) },
      time_to_green_ms: { p50_shown: numOrNull(l?.ttgShown), p50_hidden: numOrNull(l?.ttgHidden) },
      tokens: sum('tokens'),
      cost_usd: sum('cost'),
      skipped: g.skipped,
    };
  });
}
