// Context assembly for one failure: the whole log from the log store (the event's bounded excerpt when
// the log is not stored), sanitised and redacted again; the job's definition, stage, ref and sha from
// the pipeline's PipelineCreated (remembered from the same stream; the read model after a restart); the recent history
// of the same job name on the same project and ref; earlier
// failures with the same signature and how their proposals scored. Postgres reads only, all indexed.
import { and, desc, eq, lt, ne } from 'drizzle-orm';
import type { JobFailed, PipelineCreated } from '../../lib/core/events/generated.js';
import { redactSecrets } from '../../lib/core/logs/redact.js';
import { sanitizeLog } from '../../lib/core/logs/sanitize.js';
import type { HistoryEntry, RemediationContext, SimilarFailure } from '../../lib/core/remediation/proposal.js';
import { failureSignature } from '../../lib/core/remediation/signature.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';

const HISTORY = 10;
const SIMILAR = 5;

/** The log's lines as a provider may see them: sanitised (ANSI, control characters) and redacted. */
function safeLines(text: string): string[] {
  return redactSecrets(sanitizeLog(text)).text.split('\n');
}

/** What the remediator learns from PipelineCreated itself, so it does not wait for the read model. */
interface PipelineFacts {
  ref: string;
  sha: string;
  definition: unknown;
}

/**
 * Pipelines remembered at most (oldest forgotten first; then the read model answers): ~10 MiB with their definitions.
 */
const REMEMBERED = 10_000;

export class ContextSource {
  private readonly pipelines = new Map<string, PipelineFacts>();

  constructor(
    private readonly db: Db,
    private readonly t: ReadModel,
    private readonly logs: LogStore,
  ) {}

  remember(created: PipelineCreated): void {
    if (this.pipelines.size >= REMEMBERED) this.pipelines.delete(this.pipelines.keys().next().value!);
    this.pipelines.set(created.pipeline_id, { ref: created.ref, sha: created.sha, definition: created.definition });
  }

  private async pipelineFacts(pipelineId: string): Promise<PipelineFacts | undefined> {
    const known = this.pipelines.get(pipelineId);
    if (known) return known;
    const p = this.t.pipelines;
    const [row] = await this.db
      .select({ ref: p.ref, sha: p.sha, definition: p.definition })
      .from(p)
      .where(eq(p.pipelineId, pipelineId))
      .limit(1);
    return row;
  }

  async logText(failure: JobFailed): Promise<string> {
    if (failure.log) {
      const data = await this.logs.get(failure.log.ref);
      if (data) return data.toString('utf8');
    }
    return failure.log_excerpt;
  }

  async build(failure: JobFailed): Promise<RemediationContext> {
    const { pipelines: p, jobs: j, remediationProposals: r } = this.t;
    const pipeline = await this.pipelineFacts(failure.pipeline_id);
    const lines = safeLines(await this.logText(failure));
    const signature = failureSignature(lines);
    const history: HistoryEntry[] = pipeline
      ? await this.db
          .select({
            job_id: j.jobId,
            pipeline_id: j.pipelineId,
            sha: p.sha,
            attempt: j.attempt,
            status: j.status,
            failure_reason: j.failureReason,
            finished_at: j.finishedAt,
          })
          .from(j)
          .innerJoin(p, eq(p.pipelineId, j.pipelineId))
          .where(
            and(
              eq(j.projectId, failure.project_id),
              eq(j.name, failure.name),
              eq(p.ref, pipeline.ref),
              ne(j.jobId, failure.job_id),
              lt(j.finishedAt, failure.occurred_at),
            ),
          )
          .orderBy(desc(j.finishedAt))
          .limit(HISTORY)
      : [];
    const similar: SimilarFailure[] = (
      await this.db
        .select({ job_id: r.jobId, job_name: r.jobName, category: r.category, label: r.label, failed_at: r.failedAt })
        .from(r)
        .where(and(eq(r.projectId, failure.project_id), eq(r.signature, signature), ne(r.jobId, failure.job_id)))
        .orderBy(desc(r.proposedAt))
        .limit(SIMILAR)
    ).map((s) => ({
      ...s,
      category: s.category as SimilarFailure['category'],
      label: s.label as SimilarFailure['label'],
    }));
    const definition =
      ((pipeline?.definition as { jobs?: { name: string; stage?: string }[] } | undefined)?.jobs ?? []).find(
        (d) => d.name === failure.name,
      ) ?? null;
    return {
      project_id: failure.project_id,
      pipeline_id: failure.pipeline_id,
      job_id: failure.job_id,
      job_name: failure.name,
      stage: definition?.stage ?? null,
      attempt: failure.attempt,
      ref: pipeline?.ref ?? null,
      sha: pipeline?.sha ?? null,
      failure_reason: failure.failure_reason,
      exit_code: failure.exit_code,
      allow_failure: failure.allow_failure,
      definition: definition as Record<string, unknown> | null,
      log_lines: lines,
      signature,
      history,
      similar,
    };
  }
}
