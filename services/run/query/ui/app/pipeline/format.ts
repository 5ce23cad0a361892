// Statuses and times as the pipeline page writes them where the shared badge (../status.tsx) cannot go:
// inside the graph's SVG. The same icons and words as the badge, so colour is never the only signal.

/** GitLab's status icons, as ../status.tsx draws them. */
export const STATUS_ICONS: Readonly<Record<string, string>> = {
  success: '✔',
  failed: '✖',
  running: '◐',
  pending: '❚❚',
  preparing: '◌',
  waiting_for_resource: '⧗',
  created: '○',
  canceling: '⊘',
  canceled: '⊘',
  skipped: '»',
  manual: '⚙',
  scheduled: '◷',
};

/** A status in words, as ../status.tsx writes it. */
export function statusLabel(status: string): string {
  return status === 'waiting_for_resource' ? 'waiting' : status;
}

/** A timestamp in the reader's locale and zone; '—' when there is none. */
export function when(iso: string | null, locale?: string, timeZone?: string): string {
  if (iso === null) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '—';
  return t.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) });
}

/** A pipeline or job id as the page shows it: its first 8 characters, after a '#'. */
export const shortId = (id: string): string => `#${id.slice(0, 8)}`;
