// A status as GitLab shows it: its colour AND an icon AND its name, so colour is never the only signal.

const ICONS: Record<string, string> = {
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

const LABELS: Record<string, string> = { waiting_for_resource: 'waiting' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`status status-${status}`} data-status={status}>
      <span class="status-icon" aria-hidden="true">
        {ICONS[status] ?? '•'}
      </span>
      <span class="status-text">{LABELS[status] ?? status}</span>
    </span>
  );
}
