// GitLab's statuses as the dashboard writes them: an icon and a word beside every colour, so colour is never
// the only signal (status.tsx's badge, and the pipeline graph's SVG nodes).

/** GitLab's status icons. */
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

/** A status in words. */
export function statusLabel(status: string): string {
  return status === 'waiting_for_resource' ? 'waiting' : status;
}
