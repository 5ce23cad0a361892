// The job page's words for times, durations, sizes and a proposal's confidence (DOM-free).

/** A timestamp in the reader's locale and zone; '—' when there is none. */
export function when(iso: string | null, locale?: string, timeZone?: string): string {
  if (iso === null) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '—';
  return t.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) });
}

/** 950 ms, 12.3 s, 4 min 05 s, 2 h 03 min; '—' when unknown. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** 0.82 → "82 %". */
export const percent = (ratio: number): string => `${Math.round(Math.min(1, Math.max(0, ratio)) * 100)} %`;

/** 1536 → "1.5 KB" (powers of 1024, as a log's size is usually read). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A feedback verdict as the buttons name it. */
export const verdictText = (verdict: string): string =>
  verdict === 'accepted' ? 'Helpful' : verdict === 'rejected' ? 'Not helpful' : verdict;

/** snake_case words of the API (script_failure, fix_code) in plain words. */
export const words = (s: string): string => s.replace(/_/g, ' ');
