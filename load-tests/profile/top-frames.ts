// The top frames of a V8 CPU profile (`node --cpu-prof`), by self time and by total time, optionally only
// over a window of the recording (one phase of a benchmark), in seconds from its start. Also prints how busy
// the thread was in each second, to find the phase. Issue 17 reports them before/after.
//
//   npx tsx load-tests/profile/top-frames.ts <file.cpuprofile> [--from-s 10] [--to-s 17] [--top 15]
//
// The same file opens as a flame graph in speedscope (https://www.speedscope.app) or Chrome DevTools.
import { readFileSync } from 'node:fs';
import { intOption } from '../lib.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Frame {
  frame: string;
  self_ms: number;
  self_share: number;
  total_ms: number;
  total_share: number;
}

const short = (url: string) =>
  url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|services|load-tests)\//, '$1/');

/** Self and total time per frame (function @ file:line) over the samples in the window. */
export function topFrames(
  p: Profile,
  fromS: number,
  toS: number,
  top: number,
): { window_ms: number; busy_by_second: number[]; frames: Frame[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const [from, to] = [p.startTime + fromS * 1e6, p.startTime + toS * 1e6];
  const busy: { all: number; busy: number }[] = [];
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let window = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const leaf = byId.get(p.samples[i]!)!;
    const second = (busy[Math.floor((times[i]! - p.startTime) / 1e6)] ??= { all: 0, busy: 0 });
    second.all++;
    if (leaf.callFrame.functionName !== '(idle)') second.busy++;
    if (times[i]! < from || times[i]! >= to) continue;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    window += dt;
    if (['(idle)', '(program)', '(garbage collector)'].includes(leaf.callFrame.functionName)) {
      self.set(leaf.callFrame.functionName, (self.get(leaf.callFrame.functionName) ?? 0) + dt);
      continue;
    }
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = name(byId.get(id)!);
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + dt);
      seen.add(k);
    }
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, ms]) => ({
      frame,
      self_ms: round(ms),
      self_share: round((ms / window) * 100),
      total_ms: round(total.get(frame) ?? ms),
      total_share: round(((total.get(frame) ?? ms) / window) * 100),
    }));
  const busyBySecond = Array.from(busy, (b) => (b ? Math.round((b.busy / b.all) * 100) : 0));
  return { window_ms: round(window), busy_by_second: busyBySecond, frames };
}

if (process.argv[1]?.endsWith('top-frames.ts')) {
  const file = process.argv[2];
  if (!file)
    throw new Error('usage: npx tsx load-tests/profile/top-frames.ts <file.cpuprofile> [--last-s N] [--top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const { window_ms, busy_by_second, frames } = topFrames(
    profile,
    intOption('--from-s', 0),
    intOption('--to-s', Number.MAX_SAFE_INTEGER / 1e6),
    intOption('--top', 15),
  );
  console.log(`busy % by second: ${busy_by_second.map((b, s) => `${s}:${b}`).join(' ')}`);
  console.log(`window ${window_ms} ms`);
  console.log('| self ms | self % | total % | frame |\n| ---: | ---: | ---: | --- |');
  for (const f of frames) console.log(`| ${f.self_ms} | ${f.self_share} | ${f.total_share} | \`${f.frame}\` |`);
}
