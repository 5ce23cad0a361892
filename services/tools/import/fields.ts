// `--since` of `verity import`: an ISO time, or a span back from now (7d, 12h, 30m, 2w).

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--since`: an ISO time (a date alone is 00:00 UTC), or 7d / 12h / 30m / 2w back from `now`. */
export function parseSince(value: string, now = Date.now()): string {
  const span = /^(\d+)([mhdw])$/.exec(value.trim());
  if (span) return new Date(now - Number(span[1]) * UNITS[span[2]!]!).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()))
    throw new Error(`--since: an ISO time or 7d, 12h, 30m, 2w; got "${value}"`);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value.trim());
  if (Number.isNaN(t)) throw new Error(`--since: "${value}" is not a time`);
  if (t > now) throw new Error(`--since: ${value} is in the future`);
  return new Date(t).toISOString();
}
