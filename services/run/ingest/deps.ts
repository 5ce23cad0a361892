// What every ingest route shares: its dependencies, the compiled request validators and the excerpt a
// failed job's event carries. Its own file so that the single and the bulk routes both import it.
import { excerptOfLog } from '../../lib/core/remediation/ranker/model.js';
import { redactSecrets } from '../../lib/core/logs/redact.js';
import { sanitizeLog } from '../../lib/core/logs/sanitize.js';
import type { TokenRegistry } from '../../lib/platform/http/tokens.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { commandBody, createPipelineBody, jobReportBody, playBody } from './api-schemas.js';
import type { IngestConfig } from './config.js';
import type { SubmitDeps } from './submit.js';

export interface IngestDeps extends SubmitDeps {
  config: IngestConfig;
  tokens: TokenRegistry;
  logStore: LogStore;
}

const ajv = createAjv();
export const validators = {
  create: ajv.compile(createPipelineBody),
  report: ajv.compile(jobReportBody),
  command: ajv.compile(commandBody),
  play: ajv.compile(playBody),
};

/**
 * The excerpt a failed job's event carries: from the newest log of the job stored for this project, else the tail sent.
 */
export async function excerptFor(
  deps: IngestDeps,
  projectId: string,
  pipelineId: string,
  job: string,
  tail: string | undefined,
  masked: string[] = [],
) {
  const stored = await deps.logStore.latest({ projectId, pipelineId, job });
  let text: string | undefined;
  if (stored) text = (await deps.logStore.get(stored.ref))?.toString('utf8');
  else text = tail;
  if (text === undefined) return { log: null, excerpt: null };
  const excerpt = excerptOfLog(sanitizeLog(text)).text;
  return {
    log: stored ? { ref: stored.ref, bytes: stored.bytes, sha256: stored.sha256 } : null,
    excerpt: redactSecrets(excerpt, { maskedValues: masked }).text,
  };
}
