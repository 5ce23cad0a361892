// The pipeline graph's layout (DOM-free): stages as columns, jobs as nodes, `needs` as edges, laid out by
// dagre's layered layout left to right. The ranks are ours, not dagre's: a stage is a column (GitLab's
// stage view), so each job's rank is its stage's column — plus its depth among same-stage needs, which
// GitLab allows (a stage then spans several columns). dagre orders the nodes within a column to cross as
// few edges as it can, places them, and routes the edges around the nodes of the columns they cross.
import dagre from '@dagrejs/dagre';

export interface LayoutJob {
  name: string;
  stage: string;
  /** null: the job follows stage order (no edge drawn, as GitLab's stage view). */
  needs: string[] | null;
}

export interface Point {
  x: number;
  y: number;
}

/** A node's box, top-left corner. */
export interface NodeBox {
  name: string;
  stage: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeLine {
  from: string;
  to: string;
  points: Point[];
}

/** A stage's column: from the left of its first job column to the right of its last. */
export interface StageColumn {
  name: string;
  x: number;
  width: number;
}

export interface DagLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  edges: EdgeLine[];
  columns: StageColumn[];
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Between nodes of a column. */
  nodeGap: number;
  /** Between columns. */
  columnGap: number;
  /** Above the first node: room for the stage headings. */
  top: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 184, nodeHeight: 64, nodeGap: 18, columnGap: 64, top: 32 };

/**
 * Each job's column: the columns its stage starts at, plus its depth in the chain of needs inside its stage.
 * Stages in `stageOrder` first, any other stage a job names after them (in order of appearance).
 */
export function jobColumns(stageOrder: readonly string[], jobs: readonly LayoutJob[]): Map<string, number> {
  const stages = [...stageOrder];
  for (const j of jobs) if (!stages.includes(j.stage)) stages.push(j.stage);
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const depth = new Map<string, number>();
  const depthOf = (j: LayoutJob, seen: Set<string>): number => {
    const known = depth.get(j.name);
    if (known !== undefined) return known;
    seen.add(j.name);
    let d = 0;
    for (const n of j.needs ?? []) {
      const need = byName.get(n);
      // A need in the same stage pushes the job one column right; a cycle (the decider refuses them) is cut.
      if (need && need.stage === j.stage && !seen.has(n)) d = Math.max(d, depthOf(need, seen) + 1);
    }
    seen.delete(j.name);
    depth.set(j.name, d);
    return d;
  };
  const widths = new Map<string, number>(stages.map((s) => [s, 0]));
  for (const j of jobs) widths.set(j.stage, Math.max(widths.get(j.stage) ?? 0, depthOf(j, new Set()) + 1));
  const start = new Map<string, number>();
  let at = 0;
  for (const s of stages) {
    start.set(s, at);
    at += widths.get(s) ?? 0;
  }
  return new Map(jobs.map((j) => [j.name, (start.get(j.stage) ?? 0) + (depth.get(j.name) ?? 0)]));
}

/** Lays the jobs out; edges only for needs between jobs present. Deterministic for the same input. */
export function layoutDag(
  stageOrder: readonly string[],
  jobs: readonly LayoutJob[],
  options: LayoutOptions = DEFAULT_LAYOUT,
): DagLayout {
  if (jobs.length === 0) return { width: 0, height: 0, nodes: [], edges: [], columns: [] };
  const columns = jobColumns(stageOrder, jobs);
  const g = new dagre.graphlib.Graph<object, { width: number; height: number; x?: number; y?: number }>();
  // ranker 'none': dagre keeps the ranks given. It doubles every rank internally (room for edge labels)
  // and halves ranksep, so ours are doubled too.
  g.setGraph({ rankdir: 'LR', ranker: 'none', nodesep: options.nodeGap, ranksep: options.columnGap } as object);
  g.setDefaultEdgeLabel(() => ({}));
  for (const j of jobs)
    g.setNode(j.name, {
      width: options.nodeWidth,
      height: options.nodeHeight,
      rank: 2 * (columns.get(j.name) ?? 0),
    } as { width: number; height: number });
  const present = new Set(jobs.map((j) => j.name));
  for (const j of jobs) for (const n of j.needs ?? []) if (present.has(n) && n !== j.name) g.setEdge(n, j.name);
  dagre.layout(g);

  const nodes: NodeBox[] = jobs.map((j) => {
    const n = g.node(j.name);
    return {
      name: j.name,
      stage: j.stage,
      x: (n.x ?? 0) - options.nodeWidth / 2,
      y: (n.y ?? 0) - options.nodeHeight / 2 + options.top,
      width: options.nodeWidth,
      height: options.nodeHeight,
    };
  });
  const box = new Map(nodes.map((n) => [n.name, n]));
  const edges: EdgeLine[] = g.edges().map((e: { v: string; w: string }) => {
    const inner = ((g.edge(e) as { points?: Point[] }).points ?? []).slice(1, -1);
    const from = box.get(e.v)!;
    const to = box.get(e.w)!;
    // From the middle of the source's right side to the middle of the target's left side (dagre would
    // clip at any side): the flow reads left to right.
    return {
      from: e.v,
      to: e.w,
      points: [
        { x: from.x + from.width, y: from.y + from.height / 2 },
        ...inner.map((p) => ({ x: p.x, y: p.y + options.top })),
        { x: to.x, y: to.y + to.height / 2 },
      ],
    };
  });
  const stageColumns: StageColumn[] = [];
  const order = [...stageOrder, ...jobs.map((j) => j.stage).filter((s) => !stageOrder.includes(s))];
  for (const s of new Set(order)) {
    const boxes = nodes.filter((n) => n.stage === s);
    if (boxes.length === 0) continue;
    const left = Math.min(...boxes.map((b) => b.x));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    stageColumns.push({ name: s, x: left, width: right - left });
  }
  const width = Math.max(...nodes.map((n) => n.x + n.width));
  const height = Math.max(...nodes.map((n) => n.y + n.height));
  return { width, height, nodes, edges, columns: stageColumns };
}

/** An SVG path through the points: a horizontal-tangent curve per segment, as the graph flows left to right. */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const r = (v: number) => Math.round(v * 10) / 10;
  let d = `M${r(points[0]!.x)},${r(points[0]!.y)}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    const mid = (p.x + q.x) / 2;
    d += ` C${r(mid)},${r(p.y)} ${r(mid)},${r(q.y)} ${r(q.x)},${r(q.y)}`;
  }
  return d;
}
