// Times, ids and the graph's node text as the pipeline page writes them (the statuses' icons and words, for
// inside the graph's SVG where the shared badge cannot go, are ../status-names.ts's).
import { statusLabel } from '../status-names.js';

/** A timestamp in the reader's locale and zone; '—' when there is none. */
export function when(iso: string | null, locale?: string, timeZone?: string): string {
  if (iso === null) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '—';
  return t.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) });
}

/** A pipeline or job id as the page shows it: its first 8 characters, after a '#'. */
export const shortId = (id: string): string => `#${id.slice(0, 8)}`;

/** The characters of a job's name the graph's node has room for. */
export const NAME_CHARS = 22;

export interface NodeJob {
  name: string;
  status: string;
  attempt: number;
  allow_failure: boolean;
  when: string;
  downstream_pipeline_id: string | null;
}

/**
 * What a graph node writes — its name (clipped to fit), its status line and a third line (attempts, the
 * pipeline it triggered, manual) — and its accessible name: the same words in the same order (so speech
 * input can name it by what it shows), the full name at the end when the visible one is clipped.
 */
export function nodeText(
  job: NodeJob,
  durationText: string | null,
): { name: string; meta: string; extra: string; label: string } {
  const name = job.name.length > NAME_CHARS ? `${job.name.slice(0, NAME_CHARS - 1)}…` : job.name;
  const meta = [
    statusLabel(job.status),
    ...(durationText === null ? [] : [durationText]),
    ...(job.allow_failure && job.status === 'failed' ? ['allowed'] : []),
  ].join(' · ');
  const retries = job.attempt - 1;
  const extra = job.downstream_pipeline_id
    ? `triggered ${shortId(job.downstream_pipeline_id)}`
    : retries > 0
      ? `attempt ${job.attempt}, ${retries} ${retries === 1 ? 'retry' : 'retries'}`
      : job.when === 'manual'
        ? 'manual'
        : '';
  const label = [`${name}: ${meta}`, ...(extra ? [extra] : []), ...(name === job.name ? [] : [job.name])].join(', ');
  return { name, meta, extra, label };
}
