// Which connection reads an observed job's log: the one of the pipeline's system and instance whose Verity
// project is the pipeline's, and whose external project is the job's — read from the job's (or pipeline's)
// link, since a connection may stand for every project there (`*`, GitHub's `owner/*`). The most specific
// connection wins (a named project, then owner/*, then *). What it answers is the connection and the project
// path the API is asked about, or why there is none — said in words, for the AttachJobLog's fetch_error.
import { normaliseInstance } from '../../core/observed/ids.js';
import type { Connection, ConnectionSystem } from '../connections/connection.js';

export interface JobLocation {
  /** The pipeline's system and instance (PipelineCreated.external), when known. */
  system: ConnectionSystem | null;
  instance: string | null;
  /** The Verity project. */
  project: string;
  /** Links to the job and its pipeline there (JobObserved.url, PipelineCreated.external.url). */
  urls: (string | null)[];
}

export type Match = { connection: Connection; externalProject: string } | { error: string };

/**
 * The project's path in a link of `instance`: GitLab's `group/sub/proj` before `/-/`, GitHub's `owner/repo`.
 * Null when the link is not below the instance.
 */
export function projectPathOf(system: ConnectionSystem, instance: string, url: string): string | null {
  const base = normaliseInstance(instance);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const full = `${u.protocol}//${u.host}${u.pathname}`;
  if (full.toLowerCase().slice(0, base.length + 1) !== `${base}/`) return null;
  const rest = full
    .slice(base.length + 1)
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  if (system === 'gitlab') {
    const dash = rest.indexOf('-');
    const parts = dash === -1 ? [] : rest.slice(0, dash);
    return parts.length >= 2 ? parts.join('/') : null;
  }
  if (system === 'github') return rest.length >= 2 && rest[0] && rest[1] ? `${rest[0]}/${rest[1]}` : null;
  return null;
}

/** How well `want` (the connection's external project) covers `path`: higher is more specific, 0 not at all. */
function specificity(want: string, path: string | null): number {
  const w = want.trim().toLowerCase();
  if (w === '*') return 1;
  if (path === null) return /^\d+$/.test(w) ? 2 : 0;
  const p = path.toLowerCase();
  if (w === p) return 4;
  if (w.endsWith('/*') && p.startsWith(w.slice(0, -1)) && !p.slice(w.length - 1).includes('/')) return 3;
  // A numeric GitLab project id cannot be compared with a path: taken, after any named match.
  return /^\d+$/.test(w) ? 2 : 0;
}

const under = (url: string | null, instance: string) =>
  url !== null && url.toLowerCase().startsWith(`${normaliseInstance(instance)}/`);

export function matchConnection(connections: readonly Connection[], at: JobLocation): Match {
  const urls = at.urls.filter((u): u is string => typeof u === 'string' && u.length > 0);
  let best: { connection: Connection; externalProject: string; score: number } | undefined;
  for (const c of connections) {
    if (c.project !== at.project) continue;
    if (at.system !== null && c.system !== at.system) continue;
    const sameInstance =
      at.instance !== null
        ? normaliseInstance(c.instance) === normaliseInstance(at.instance)
        : urls.some((u) => under(u, c.instance));
    if (!sameInstance) continue;
    const path = urls.map((u) => projectPathOf(c.system, c.instance, u)).find((p) => p !== null) ?? null;
    const score = specificity(c.externalProject, path);
    if (score === 0) continue;
    const named = c.externalProject.trim();
    const externalProject = path ?? (named === '*' || named.endsWith('/*') ? null : named);
    if (externalProject === null) continue;
    if (!best || score > best.score) best = { connection: c, externalProject, score };
  }
  const where = `${at.system ?? 'any system'} ${at.instance ?? urls[0] ?? '(no link)'} for project ${at.project}`;
  if (!best) return { error: `no connection configured for ${where} (INGEST_TOKENS_FILE "connections")` };
  if (best.connection.apiToken === null)
    return { error: `connection "${best.connection.name}" has no api_token: the log cannot be read` };
  return { connection: best.connection, externalProject: best.externalProject };
}
