// Job queries: one attempt by id, and every attempt of the same job (same name, same pipeline).
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import { columns, JOB_FIELDS, type JobFields } from './present.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';

export function jobByIdQuery(db: Db, t: ReadModel, jobId: string) {
  return db
    .select({ ...columns(t.jobs, JOB_FIELDS), logExcerpt: t.jobs.logExcerpt })
    .from(t.jobs)
    .where(eq(t.jobs.jobId, jobId))
    .limit(1);
}

export async function jobById(
  db: Db,
  t: ReadModel,
  jobId: string,
): Promise<(JobFields & { logExcerpt: string | null }) | undefined> {
  return (await jobByIdQuery(db, t, jobId))[0];
}

/** All attempts, oldest first; (pipeline_id, stage, name) is the prefix of the jobs_by_pipeline index. */
export function attemptsQuery(db: Db, t: ReadModel, job: Pick<JobFields, 'pipelineId' | 'stage' | 'name'>) {
  const j = t.jobs;
  return db
    .select(columns(j, JOB_FIELDS))
    .from(j)
    .where(and(eq(j.pipelineId, job.pipelineId), eq(j.stage, job.stage), eq(j.name, job.name)))
    .orderBy(asc(j.attempt));
}
