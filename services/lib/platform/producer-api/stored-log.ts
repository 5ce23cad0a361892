// A fetched log kept the way an uploaded one is (ingest's PUT …/log): redacted (core/logs/redact.ts) before it
// is stored, stored once per project, pipeline, job and sha256 (the log store deduplicates), and its excerpt
// built from the stored text (sanitised, core/logs/excerpt.ts) and redacted again, as ingest's excerptFor does.
// A log cut to its tail says so on its first line.
import { excerptOfLog } from '../../core/remediation/ranker/model.js';
import { redactSecrets } from '../../core/logs/redact.js';
import { sanitizeLog } from '../../core/logs/sanitize.js';
import type { LogRef, LogStore } from '../logstore/log-store.js';

export interface StoredLog {
  log: LogRef;
  excerpt: string;
  /** False when the same bytes were already stored for this job. */
  created: boolean;
}

/** The first line of a log of which only the tail was fetched. */
export const truncatedNote = (kept: number) =>
  `[verity: the log is longer than the fetch limit; only its last ${kept} bytes were fetched]\n`;

export async function storeFetchedLog(
  store: LogStore,
  at: { pipelineId: string; projectId: string; job: string },
  fetched: { data: Buffer; truncated: boolean },
): Promise<StoredLog> {
  const text = (fetched.truncated ? truncatedNote(fetched.data.length) : '') + fetched.data.toString('utf8');
  const redacted = redactSecrets(text).text;
  const stored = await store.put({ ...at, data: Buffer.from(redacted, 'utf8') });
  const excerpt = redactSecrets(excerptOfLog(sanitizeLog(redacted)).text).text;
  return { log: { ref: stored.ref, bytes: stored.bytes, sha256: stored.sha256 }, excerpt, created: stored.created };
}
