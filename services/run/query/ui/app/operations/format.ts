// The operations page's wording, DOM-free: a partition's state (shown as icon + word + colour, never colour
// alone), counts, sizes, percentages, ages and the refresh rule.

export type PartitionState = 'stalled' | 'behind' | 'caught-up' | 'unknown';

export function partitionState(p: { lag: number | null; stalled: boolean }): PartitionState {
  if (p.lag === null) return 'unknown';
  if (p.stalled) return 'stalled';
  return p.lag > 0 ? 'behind' : 'caught-up';
}

/** Icon (decorative: the word says it) and word of each state. */
export const STATE_TEXT: Record<PartitionState, { icon: string; label: string }> = {
  stalled: { icon: '⚠', label: 'stalled' },
  behind: { icon: '◐', label: 'behind' },
  'caught-up': { icon: '✔', label: 'caught up' },
  unknown: { icon: '–', label: 'no position' },
};

/** A group's worst partition state: what its summary line shows. */
export function groupState(g: { lag: number; stalled: number; partitions: unknown[] }): PartitionState {
  if (g.partitions.length === 0) return 'unknown';
  if (g.stalled > 0) return 'stalled';
  return g.lag > 0 ? 'behind' : 'caught-up';
}

export const count = (n: number): string => n.toLocaleString('en');

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** "99.9 %" — never rounded up to 100 (the API rounds down). */
export const percentText = (p: number): string => `${Number.isInteger(p) ? p : p.toFixed(1)} %`;

export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** How often the page reads again while visible (the API reuses a read for 3 s: no sooner is useful). */
export const REFRESH_MS = 5000;

/** When the next read is due: now + REFRESH_MS while the tab is visible, never while hidden. */
export const nextRefresh = (visible: boolean, now: number): number | null => (visible ? now + REFRESH_MS : null);
