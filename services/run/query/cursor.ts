// Opaque keyset cursors of the pipeline list: base64url of the last item's (created_at, pipeline_id).
// created_at is kept exactly as Postgres printed it (microseconds), so the next page starts right after it.
import { badRequest } from '../../lib/platform/http/problem.js';

export interface PipelineCursor {
  createdAt: string;
  pipelineId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?(?:Z|[+-](\d\d)(?::?(\d\d))?)$/;

export function encodeCursor(c: PipelineCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.pipelineId]), 'utf8').toString('base64url');
}

/** The cursor, or a 400 pointing at /query/cursor. */
export function decodeCursor(raw: string): PipelineCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2) {
    const [createdAt, pipelineId] = value as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof pipelineId === 'string' &&
      validInstant(createdAt) &&
      UUID.test(pipelineId)
    ) {
      return { createdAt, pipelineId: pipelineId.toLowerCase() };
    }
  }
  throw badRequest('?cursor is not a cursor returned by this list', [
    { pointer: '/query/cursor', message: 'is not a valid cursor' },
  ]);
}

/**
 * A timestamp Postgres accepts as it is: a real calendar date and time (no 30 February), year ≥ 1, offset within ±14 h
 * and its minutes < 60.
 */
function validInstant(ts: string): boolean {
  const m = TIMESTAMP.exec(ts);
  if (!m) return false;
  const [y, mo, d, h, mi, s, offset, offsetMinutes] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d));
  date.setUTCFullYear(y);
  return (
    y >= 1 &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59 &&
    offset <= 14 &&
    offsetMinutes <= 59
  );
}
