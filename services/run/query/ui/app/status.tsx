// A status as GitLab shows it: its colour AND an icon AND its name, so colour is never the only signal.
import { STATUS_ICONS, statusLabel } from './status-names.js';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`status status-${status}`} data-status={status}>
      <span class="status-icon" aria-hidden="true">
        {STATUS_ICONS[status] ?? '•'}
      </span>
      <span class="status-text">{statusLabel(status)}</span>
    </span>
  );
}
