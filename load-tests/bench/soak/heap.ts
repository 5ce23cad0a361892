// Heap snapshots of the soak's services (issue 17: "heap snapshots before/after in the results"): each
// service runs with Node's --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir=<run's dir>; a snapshot is
// taken by signalling it and waiting until the file stops growing. After the soak, the two snapshots of a
// service are compared by what V8 calls each object (constructor or kind): the groups that grew most in
// self size between them, which is where to look when an RSS slope is not flat.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshotFromFile } from 'v8-heapsnapshot';
import type { Running } from './services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** NODE_OPTIONS for a service whose heap is snapshotted into dir on SIGUSR2. */
export function snapshotNodeOptions(dir: string, existing = ''): string {
  mkdirSync(dir, { recursive: true });
  return `${existing} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`.trim();
}

/** Signals the service and resolves with its new snapshot file once complete (null if none came in 3 minutes). */
export async function takeSnapshot(r: Running, dir: string): Promise<string | null> {
  const mine = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && f.includes(`.${r.pid}.`));
  const before = new Set(mine());
  process.kill(r.pid, 'SIGUSR2');
  const deadline = Date.now() + 180_000;
  let file: string | undefined;
  let size = -1;
  let stable = 0;
  while (Date.now() < deadline && !r.exited) {
    await sleep(500);
    file ??= mine().find((f) => !before.has(f));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    // V8 writes the file in one go on the service's thread; three unchanged reads in a row: done.
    stable = now > 0 && now === size ? stable + 1 : 0;
    size = now;
    if (stable >= 3) return join(dir, file);
  }
  return null;
}

/** One group of a heap: objects V8 names alike (a constructor, "(closure)", "(string)", …). */
export interface HeapGroup {
  group: string;
  count: number;
  self_bytes: number;
}

/** Self size and count per group of a snapshot file. */
export async function heapGroups(file: string): Promise<Map<string, HeapGroup>> {
  const snapshot = await parseSnapshotFromFile(file);
  const groups = new Map<string, HeapGroup>();
  for (const node of snapshot.nodes) {
    const group =
      node.type === 'object' || node.type === 'native' || node.type === 'closure'
        ? `${node.name}${node.type === 'object' ? '' : ` (${node.type})`}`
        : `(${node.type})`;
    const g = groups.get(group) ?? { group, count: 0, self_bytes: 0 };
    g.count++;
    g.self_bytes += node.self_size;
    groups.set(group, g);
  }
  return groups;
}

/** A service's heap at the two snapshots and the groups that grew most between them. */
export interface HeapDiff {
  before_mib: number;
  after_mib: number;
  grew: { group: string; count_delta: number; self_mib_delta: number; self_mib_after: number }[];
}

const mib = (b: number) => Math.round((b / 2 ** 20) * 100) / 100;

/** Compares two snapshots (the `top` groups that grew most in self size). */
export async function heapDiff(beforeFile: string, afterFile: string, top = 8): Promise<HeapDiff> {
  const [a, b] = [await heapGroups(beforeFile), await heapGroups(afterFile)];
  const total = (m: Map<string, HeapGroup>) => [...m.values()].reduce((s, g) => s + g.self_bytes, 0);
  const grew = [...b.values()]
    .map((g) => {
      const was = a.get(g.group) ?? { count: 0, self_bytes: 0 };
      return {
        group: g.group,
        count_delta: g.count - was.count,
        self_bytes_delta: g.self_bytes - was.self_bytes,
        self_mib_after: mib(g.self_bytes),
      };
    })
    .sort((x, y) => y.self_bytes_delta - x.self_bytes_delta)
    .slice(0, top)
    .map(({ self_bytes_delta, ...g }) => ({ ...g, self_mib_delta: mib(self_bytes_delta) }));
  return { before_mib: mib(total(a)), after_mib: mib(total(b)), grew };
}

/** Whether a snapshot file is there (a service that exited has none). */
export const hasSnapshot = (file: string | null | undefined): file is string => !!file && existsSync(file);
