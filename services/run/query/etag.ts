// Weak entity tags of read-model resources: the resource id plus the last event seq folded into it
// (seq is per pipeline and gap-free, so it changes whenever anything shown changes), and the last seq of
// each other pipeline the answer shows something of (a pipeline detail's parent and downstream pipelines).
import type { Request } from 'express';

export const weakEtag = (id: string, seq: number, linked: readonly number[] = []): string =>
  `W/"${id}-${[seq, ...linked].join('.')}"`;

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): true when the client already has `etag`. */
export function notModified(req: Request, etag: string): boolean {
  const header = req.get('If-None-Match');
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}
