// LogStore on Postgres: one row per log in job_logs, its bytes as gzip chunks in job_log_chunks.
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { jobLogChunks, jobLogs } from '../db/schema.js';
import type { LogRef, LogStore, StoredLogMeta } from './log-store.js';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);
const PREFIX = 'pg:job_logs/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgLogStore implements LogStore {
  constructor(
    private readonly db: Db,
    private readonly chunkBytes = 1 << 20,
  ) {}

  async put({
    pipelineId,
    projectId,
    job,
    data,
  }: {
    pipelineId: string;
    projectId: string;
    job: string;
    data: Buffer;
  }): Promise<LogRef & { created: boolean }> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const existing = await this.db
      .select({ logId: jobLogs.logId })
      .from(jobLogs)
      .where(
        and(
          eq(jobLogs.projectId, projectId),
          eq(jobLogs.pipelineId, pipelineId),
          eq(jobLogs.job, job),
          eq(jobLogs.sha256, sha256),
        ),
      )
      .limit(1);
    if (existing[0]) return { ref: PREFIX + existing[0].logId, bytes: data.length, sha256, created: false };

    const logId = randomUUID();
    const count = Math.max(1, Math.ceil(data.length / this.chunkBytes));
    const chunks: Buffer[] = [];
    for (let i = 0; i < count; i++)
      chunks.push(await gzip(data.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes)));
    const created = await this.db.transaction(async (tx) => {
      // A concurrent upload of the same bytes wins the unique index; this one then returns its row.
      const inserted = await tx
        .insert(jobLogs)
        .values({ logId, pipelineId, projectId, job, bytes: data.length, sha256, chunks: chunks.length })
        .onConflictDoNothing()
        .returning({ logId: jobLogs.logId });
      if (inserted.length === 0) return false;
      await tx.insert(jobLogChunks).values(chunks.map((c, i) => ({ logId, chunkNo: i, data: c })));
      return true;
    });
    if (!created) return this.put({ pipelineId, projectId, job, data });
    return { ref: PREFIX + logId, bytes: data.length, sha256, created: true };
  }

  async latest({
    projectId,
    pipelineId,
    job,
  }: {
    projectId: string;
    pipelineId: string;
    job: string;
  }): Promise<StoredLogMeta | null> {
    const rows = await this.db
      .select()
      .from(jobLogs)
      .where(and(eq(jobLogs.pipelineId, pipelineId), eq(jobLogs.job, job), eq(jobLogs.projectId, projectId)))
      .orderBy(desc(jobLogs.createdAt))
      .limit(1);
    const r = rows[0];
    return r
      ? {
          ref: PREFIX + r.logId,
          bytes: r.bytes,
          sha256: r.sha256,
          pipelineId: r.pipelineId,
          projectId: r.projectId,
          job: r.job,
        }
      : null;
  }

  async get(ref: string): Promise<Buffer | null> {
    const logId = ref.startsWith(PREFIX) ? ref.slice(PREFIX.length) : '';
    if (!UUID.test(logId)) return null;
    const rows = await this.db
      .select({ data: jobLogChunks.data })
      .from(jobLogChunks)
      .where(eq(jobLogChunks.logId, logId))
      .orderBy(asc(jobLogChunks.chunkNo));
    if (rows.length === 0) return null;
    return Buffer.concat(await Promise.all(rows.map((r) => gunzip(r.data))));
  }
}
