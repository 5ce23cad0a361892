// `verity replay`: the pure part — arguments, the replay name and its sink schema, and the window's
// bounds (times or offsets) resolved per partition against the offsets the broker reports. No I/O:
// replay.ts fetches the offsets (and the offsets of the times) and hands them in.

/** A replay name: the suffix of its sink schema `replay_<name>`, checkpoints and consumer group. */
export const REPLAY_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function replaySchema(name: string): string {
  if (!REPLAY_NAME.test(name))
    throw new Error(
      `invalid replay name "${name}": expected a lower-case letter, then up to 40 of a-z, 0-9, _ (it names the schema replay_<name>)`,
    );
  return `replay_${name}`;
}

/** Checkpoints of a replay, for both topics (keyed by topic in projection_checkpoints). */
export const replayProjection = (name: string): string => `replay:${name}`;
/** Consumer group of a replay, before the topic prefix scopes it. */
export const replayGroup = (name: string): string => `verity-replay-${name}`;

/** One end of the window. `offsets`: per partition, and/or `all` for every partition not listed. */
export type Bound =
  | { kind: 'default' }
  | { kind: 'time'; ms: number; text: string }
  | { kind: 'offsets'; all?: bigint; partitions: Map<number, bigint> };

const OFFSETS = /^\d+:\d+(,\d+:\d+)*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `--from` / `--to` value: an ISO time (a date alone is 00:00 UTC), `p:o,p:o`, or one offset for every partition. */
export function parseBound(flag: string, text: string | undefined): Bound {
  if (text === undefined) return { kind: 'default' };
  const t = text.trim();
  if (/^\d+$/.test(t)) return { kind: 'offsets', all: BigInt(t), partitions: new Map() };
  if (OFFSETS.test(t)) {
    const partitions = new Map<number, bigint>();
    for (const pair of t.split(',')) {
      const [p, o] = pair.split(':') as [string, string];
      if (partitions.has(Number(p))) throw new Error(`${flag} ${text}: partition ${p} is given twice`);
      partitions.set(Number(p), BigInt(o));
    }
    return { kind: 'offsets', partitions };
  }
  if (DATE.test(t) || DATE_TIME.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return { kind: 'time', ms, text: t };
  }
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t))
    throw new Error(`${flag} ${text}: give the time zone of the time (Z or ±hh:mm)`);
  throw new Error(
    `${flag} ${text}: expected an ISO time (2026-11-28T10:00:00Z), offsets per partition (0:100,1:250) or one offset for every partition (100)`,
  );
}

export interface ReplayArgs {
  name: string;
  schema: string;
  from: Bound;
  to: Bound;
  reset: boolean;
  help: boolean;
}

/** `--into <name> [--from X] [--to Y] [--reset]`; `--flag=value` works too. */
export function parseReplayArgs(args: readonly string[]): ReplayArgs {
  const values = new Map<string, string>();
  let reset = false;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--reset') reset = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else {
      const m = /^(--into|--from|--to)(?:=(.*))?$/.exec(arg);
      if (!m) throw new Error(`unknown argument ${arg}`);
      const flag = m[1]!;
      const value = m[2] ?? args[++i];
      if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--')))
        throw new Error(`${flag} needs a value`);
      if (values.has(flag)) throw new Error(`${flag} is given twice`);
      values.set(flag, value);
    }
  }
  if (help) return { name: '', schema: '', from: { kind: 'default' }, to: { kind: 'default' }, reset, help };
  const name = values.get('--into');
  if (name === undefined) throw new Error('--into <name> is required');
  const from = parseBound('--from', values.get('--from'));
  const to = parseBound('--to', values.get('--to'));
  if (from.kind === 'time' && to.kind === 'time' && to.ms <= from.ms)
    throw new Error(`--to ${to.text} is not after --from ${from.text}`);
  return { name, schema: replaySchema(name), from, to, reset, help };
}

/** A partition's offsets as the broker reports them: low (earliest kept) and high (end, exclusive). */
export interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

/** The window of one partition: records from `from` (inclusive) to `to` (exclusive). */
export interface PartitionWindow {
  partition: number;
  from: bigint;
  to: bigint;
}

/**
 * The window per partition of one topic. `atTime` holds, per partition, the offset of each time bound
 * (admin.fetchTopicOffsetsByTimestamp: the first record at or after it, else the end). With `offsets:
 * false` (the remediation topic) offset bounds do not apply and fall back to earliest / end. Offsets
 * are clamped to [low, high]; a window whose end is before its start is an error.
 */
export function resolveWindow(
  topic: string,
  offsets: readonly PartitionOffsets[],
  bounds: { from: Bound; to: Bound },
  atTime: { from?: ReadonlyMap<number, bigint>; to?: ReadonlyMap<number, bigint> } = {},
  opts: { offsets?: boolean } = {},
): PartitionWindow[] {
  const applyOffsets = opts.offsets ?? true;
  const known = new Set(offsets.map((o) => o.partition));
  for (const [flag, b] of [
    ['--from', bounds.from],
    ['--to', bounds.to],
  ] as const) {
    if (b.kind !== 'offsets' || !applyOffsets) continue;
    const unknown = [...b.partitions.keys()].filter((p) => !known.has(p));
    if (unknown.length > 0)
      throw new Error(`${flag}: ${topic} has no partition ${unknown.join(', ')} (it has ${offsets.length})`);
  }
  const clamp = (o: bigint, p: PartitionOffsets) => (o < p.low ? p.low : o > p.high ? p.high : o);
  const at = (which: 'from' | 'to', b: Bound, p: PartitionOffsets): bigint => {
    const fallback = which === 'from' ? p.low : p.high;
    if (b.kind === 'time') {
      const o = atTime[which]?.get(p.partition);
      if (o === undefined)
        throw new Error(`no offset for ${which === 'from' ? '--from' : '--to'} ${b.text} in ${topic}[${p.partition}]`);
      return clamp(o, p);
    }
    if (b.kind === 'offsets' && applyOffsets) {
      const o = b.partitions.get(p.partition) ?? b.all;
      return o === undefined ? fallback : clamp(o, p);
    }
    return fallback;
  };
  return [...offsets]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => {
      const from = at('from', bounds.from, p);
      const to = at('to', bounds.to, p);
      if (to < from)
        throw new Error(`the window of ${topic}[${p.partition}] ends (offset ${to}) before it starts (offset ${from})`);
      return { partition: p.partition, from, to };
    });
}

/** Records in the windows (offsets; under read_committed a few are transaction markers). */
export const windowSize = (windows: readonly PartitionWindow[]): number =>
  windows.reduce((n, w) => n + Number(w.to - w.from), 0);

/** Whether a window starts after the earliest record kept on some partition (the fold must start mid-stream). */
export const startsMidStream = (windows: readonly PartitionWindow[], offsets: readonly PartitionOffsets[]): boolean =>
  windows.some((w) => w.from > (offsets.find((o) => o.partition === w.partition)?.low ?? 0n));
