// The pipelines list's order, as GET /v1/pipelines sorts it: created_at, then pipeline_id, both descending.

/** Is `a` before (newer than) `b` in the list? */
export function isNewer(
  a: { created_at: string; pipeline_id: string },
  b: { created_at: string; pipeline_id: string },
): boolean {
  const ta = Date.parse(a.created_at);
  const tb = Date.parse(b.created_at);
  return ta !== tb ? ta > tb : a.pipeline_id > b.pipeline_id;
}
