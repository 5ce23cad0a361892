// The window of the routes that read "the last N days" (GET /v1/projects/{project}/stats and /health,
// GET /v1/remediations/scoreboard): today (UTC) and the N − 1 days before it, so the three answer over the
// same days. Pure.

const DAY_MS = 86_400_000;

export interface DayWindow {
  days: string[];
  /** The first day's midnight (UTC), inclusive. */
  since: string;
  /** The midnight after today (UTC), exclusive. */
  until: string;
}

/** Today (UTC) and the `n` − 1 days before it. */
export function dayWindow(n: number, nowMs: number): DayWindow {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const first = today - (n - 1) * DAY_MS;
  const days = Array.from({ length: n }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  return { days, since: new Date(first).toISOString(), until: new Date(today + DAY_MS).toISOString() };
}
