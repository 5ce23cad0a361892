// Flaky jobs of a project: a job attempt that failed and whose retry on the same sha passed.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import { columns, FLAKY_FIELDS } from './present.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';

/** Most recent first: detected_at DESC NULLS LAST as in the index flaky_by_project (see pipelines.ts, newestFirst). */
export function flakyJobsQuery(db: Db, t: ReadModel, projectId: string, limit: number) {
  const f = t.flakyJobs;
  return db
    .select(columns(f, FLAKY_FIELDS))
    .from(f)
    .where(eq(f.projectId, projectId))
    .orderBy(sql`${f.detectedAt} desc nulls last`, sql`${f.passedJobId} desc`)
    .limit(limit);
}
