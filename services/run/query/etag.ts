// Weak entity tags of read-model resources: the resource id plus the last event seq folded into it
// (seq is per pipeline and gap-free, so it changes whenever anything shown changes), and the last seq of
// each other pipeline the answer shows something of (a pipeline detail's parent and downstream pipelines).
import { createHash } from 'node:crypto';
import type { Request } from 'express';

export const weakEtag = (id: string, seq: number, linked: readonly number[] = []): string =>
  `W/"${id}-${[seq, ...linked].join('.')}"`;

/**
 * A number that changes when anything shown of these proposals changes: a proposal arrives, gets feedback or a
 * score — none of which is a pipeline event, so the job's seq alone would keep a stale answer's tag.
 */
export function proposalsVersion(
  proposals: readonly { proposalId: string; feedbackAt: Date | string | null; scoredAt: Date | string | null }[],
): number {
  const at = (d: Date | string | null) => (d === null ? '' : new Date(d).toISOString());
  const state = proposals.map((p) => `${p.proposalId}:${at(p.feedbackAt)}:${at(p.scoredAt)}`).join(',');
  return createHash('sha256').update(state).digest().readUInt32BE(0);
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): true when the client already has `etag`. */
export function notModified(req: Request, etag: string): boolean {
  const header = req.get('If-None-Match');
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}
