// GET /v1/jobs/{id}/log: a job attempt's whole stored log (redacted at ingest and by the fetcher), as
// text/plain, for the dashboard's log viewer and for downloads. Scoped like GET /v1/jobs/{id}: another
// project's job answers 404 exactly as a missing one. The answer is streamed chunk by chunk from the log
// store's gzip chunks (never the whole log twice in memory): a client that accepts gzip gets a one-chunk
// log's stored gzip bytes as they are, a longer log gunzipped chunk by chunk and gzipped again as it streams.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { createGzip, gunzip as gunzipCb } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import type { Request, Response, Router } from 'express';
import { HttpProblem } from '../../lib/platform/http/problem.js';
import { safeTextParams } from '../../lib/platform/http/request-guards.js';
import { jobLogChunks, jobLogs } from '../../lib/platform/db/schema.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { notFound, readable, tokenOf } from './access.js';
import type { QueryDeps } from './deps.js';
import { notModified } from './etag.js';
import { jobById } from './jobs.js';
import { paramParser, paramSchemas } from './params.js';

const gunzip = promisify(gunzipCb);

/** The Postgres log store's references (pg-log-store.ts): "pg:job_logs/<uuid>". */
const PG_REF = /^pg:job_logs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A stored log ready to stream: its size when known, and its chunks in order (gzip or plain bytes). */
export interface LogSource {
  bytes: number | null;
  count: number;
  /** Chunk `i` (0-based): a gzip member of the Postgres store, or plain bytes of another store. */
  chunk(i: number): Promise<{ gzip: Buffer } | { plain: Buffer } | null>;
}

/**
 * The log named by `ref` for a job of `projectId`, or null when the store no longer has it. The Postgres
 * store's chunks are read one at a time straight from its tables (LogStore has no chunked read); another
 * store's log is read whole through LogStore.get.
 */
export async function openLog(db: Db, store: LogStore, ref: string, projectId: string): Promise<LogSource | null> {
  const pg = PG_REF.exec(ref);
  if (!pg) {
    const whole = await store.get(ref);
    return whole && { bytes: whole.length, count: 1, chunk: async () => ({ plain: whole }) };
  }
  const logId = pg[1]!.toLowerCase();
  const [meta] = await db
    .select({ bytes: jobLogs.bytes, chunks: jobLogs.chunks, projectId: jobLogs.projectId })
    .from(jobLogs)
    .where(eq(jobLogs.logId, logId))
    .limit(1);
  // A job's reference names a log of its own project; anything else is answered as missing.
  if (!meta || meta.projectId !== projectId) return null;
  return {
    bytes: meta.bytes,
    count: meta.chunks,
    chunk: async (i) => {
      const [row] = await db
        .select({ data: jobLogChunks.data })
        .from(jobLogChunks)
        .where(and(eq(jobLogChunks.logId, logId), eq(jobLogChunks.chunkNo, i)))
        .limit(1);
      return row ? { gzip: row.data } : null;
    },
  };
}

/** The chunks of `source` as plain bytes, one at a time. */
async function* plainChunks(source: LogSource): AsyncGenerator<Buffer> {
  for (let i = 0; i < source.count; i++) {
    const c = await source.chunk(i);
    if (!c) throw new Error(`log chunk ${i} of ${source.count} is missing`);
    yield 'gzip' in c ? await gunzip(c.gzip) : c.plain;
  }
}

/** A stored log never changes (a new upload is a new reference): its reference identifies its bytes. */
export const logEtag = (ref: string): string =>
  `W/"log-${createHash('sha256').update(ref).digest('hex').slice(0, 32)}"`;

/** The 404 detail for a job without a stored log: why, and where what there is can be read. */
export function noLogDetail(
  id: string,
  job: { logExcerpt: string | null; logFetchError: string | null; status: string },
): string {
  const why = job.logFetchError
    ? `its log could not be fetched from its CI (${job.logFetchError})`
    : job.status === 'failed'
      ? 'no log was uploaded before it failed'
      : 'a log is stored for failed jobs only';
  return job.logExcerpt
    ? `job ${id} has no stored log (${why}); only an excerpt: log_excerpt of GET /v1/jobs/${id}`
    : `job ${id} has no stored log (${why})`;
}

const HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'private, no-cache',
  Vary: 'Accept-Encoding',
  'X-Content-Type-Options': 'nosniff',
  // Untrusted text: should a browser open it, nothing in it runs or loads.
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

async function sendLog(req: Request, res: Response, source: LogSource): Promise<void> {
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzip && source.count === 1) {
    const only = await source.chunk(0);
    if (only && 'gzip' in only) {
      res.set({ 'Content-Encoding': 'gzip', 'Content-Length': String(only.gzip.length) });
      return void res.end(only.gzip);
    }
  }
  if (gzip) {
    res.set('Content-Encoding', 'gzip');
    await pipeline(Readable.from(plainChunks(source)), createGzip(), res);
    return;
  }
  if (source.bytes !== null) res.set('Content-Length', String(source.bytes));
  await pipeline(Readable.from(plainChunks(source)), res);
}

export function logRoutes(router: Router, deps: QueryDeps): void {
  const { db, tables } = deps;
  const parse = paramParser<{ id: string }, object>(paramSchemas(deps.config).job);

  router.get('/v1/jobs/:id/log', safeTextParams(), async (req, res) => {
    const id = parse(req).path.id.toLowerCase();
    const job = readable(tokenOf(res), await jobById(db, tables, id));
    if (!job) throw notFound(`no job ${id}`);
    if (!job.logRef) throw notFound(noLogDetail(id, job));
    if (!deps.logs)
      throw new HttpProblem(
        { title: 'Service Unavailable', status: 503, detail: 'the log store is not enabled on this instance' },
        { 'Retry-After': '30' },
      );
    const etag = logEtag(job.logRef);
    if (notModified(req, etag))
      return void res
        .set({ ...HEADERS, ETag: etag })
        .status(304)
        .end();
    const source = await openLog(db, deps.logs, job.logRef, job.projectId);
    if (!source) throw notFound(`the log of job ${id} is no longer stored`);
    res.set({ ...HEADERS, ETag: etag });
    try {
      await sendLog(req, res, source);
    } catch (err) {
      // Once the first bytes are out there is no problem+json to send: the cut connection says it.
      if (!res.headersSent) throw err;
      res.destroy(err as Error);
    }
  });
}
