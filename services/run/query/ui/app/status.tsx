// A status as GitLab shows it: its colour AND an icon AND its name, so colour is never the only signal; and the
// badge of a pipeline another CI system reported (observed), by that system's name.
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

/** The system that reported a pipeline, when it is not Verity's own: "observed: reported by <system>". */
export function SystemBadge({ system }: { system: string }) {
  if (system === 'verity') return null;
  return (
    <span class="badge" title={`observed: reported by ${system}`}>
      {system}
    </span>
  );
}
