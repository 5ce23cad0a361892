// What happened after a proposal, read from the read model (every query indexed): the unscored
// proposals (partial index remediations_unscored), the next attempt of the same job in the same
// pipeline (jobs_by_pipeline), the first pipeline on the same ref created after the failure
// (pipelines_by_project_ref).
import { and, asc, eq, gt, isNotNull, isNull, ne } from 'drizzle-orm';
import type { ProposalFacts, Outcomes } from '../../lib/core/remediation/scoring.js';
import type { ActionKind, Category } from '../../lib/core/remediation/proposal.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';

export interface Pending extends ProposalFacts {
  pipeline_id: string;
  project_id: string;
  job_id: string;
  job_name: string;
  attempt: number;
  ref: string | null;
  provider: string;
  prompt_version: string;
}

export async function unscored(db: Db, t: ReadModel, limit: number): Promise<Pending[]> {
  const r = t.remediationProposals;
  const rows = await db.select().from(r).where(isNull(r.label)).orderBy(asc(r.proposedAt)).limit(limit);
  return rows.map((x) => ({
    proposal_id: x.proposalId,
    pipeline_id: x.pipelineId,
    project_id: x.projectId,
    job_id: x.jobId,
    job_name: x.jobName,
    attempt: x.attempt,
    ref: x.ref,
    sha: x.sha,
    provider: x.provider,
    prompt_version: x.promptVersion,
    category: x.category as Category,
    action_kind: x.actionKind as ActionKind,
    failed_at: x.failedAt,
    proposed_at: x.proposedAt,
    feedback:
      x.feedbackVerdict && x.feedbackAt
        ? { verdict: x.feedbackVerdict as 'accepted' | 'rejected', at: x.feedbackAt }
        : null,
  }));
}

/** The next attempt of a job in its pipeline (same sha), once finished; null while there is none. */
export async function retryOutcome(
  db: Db,
  t: ReadModel,
  job: { pipelineId: string; name: string; attempt: number },
): Promise<{ status: string; finished_at: string } | null> {
  const j = t.jobs;
  const [retry] = await db
    .select({ status: j.status, finished_at: j.finishedAt })
    .from(j)
    .where(
      and(eq(j.pipelineId, job.pipelineId), eq(j.name, job.name), gt(j.attempt, job.attempt), isNotNull(j.finishedAt)),
    )
    .orderBy(asc(j.attempt))
    .limit(1);
  return retry?.finished_at ? { status: retry.status, finished_at: retry.finished_at } : null;
}

export async function outcomesOf(db: Db, t: ReadModel, p: Pending): Promise<Outcomes> {
  const pl = t.pipelines;
  const retry = await retryOutcome(db, t, { pipelineId: p.pipeline_id, name: p.job_name, attempt: p.attempt });
  const [next] =
    p.ref === null
      ? []
      : await db
          .select({ sha: pl.sha, status: pl.status, finished_at: pl.finishedAt })
          .from(pl)
          .where(
            and(
              eq(pl.projectId, p.project_id),
              eq(pl.ref, p.ref),
              gt(pl.createdAt, p.failed_at),
              ne(pl.pipelineId, p.pipeline_id),
            ),
          )
          .orderBy(asc(pl.createdAt))
          .limit(1);
  return {
    retry,
    nextPipeline: next?.finished_at ? { sha: next.sha, status: next.status, finished_at: next.finished_at } : null,
  };
}
