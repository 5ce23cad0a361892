// Hand-written SVG charts for the benchmark suite (no packages): horizontal bars (linear or log scale),
// grouped vertical bars, and lines over time. Every number written is finite and rounded; every text
// is escaped. Used by load-tests/bench/run.ts and soak.ts; checked by svg.test.ts.

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escapes text for XML content and attribute values. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A coordinate: finite, two decimals at most (NaN and ±Infinity become 0). */
export const n = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0');

/** 12345.6 → "12,346"; 83 → "83"; 0.123 → "0.12"; null → "—". */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v) || Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** 1000 → "1k", 1e6 → "1M" (axis labels). */
export function short(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

/** Round tick values covering [0, max]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Math.round(t / step) * step);
  return ticks;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

function frame(width: number, height: number, title: string, subtitle: string | undefined, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" ${FONT} font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    text(16, 24, title, 'font-size="16" font-weight="bold" fill="#222222"'),
    ...(subtitle ? [text(16, 42, subtitle, 'font-size="11" fill="#555555"')] : []),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export interface Bar {
  label: string;
  /** null: not measured (the row is drawn with its note and no bar). */
  value: number | null;
  /** Printed after the value, e.g. "0.36× raw produce". */
  note?: string;
  color?: string;
}

export interface HBarOptions {
  title: string;
  subtitle?: string;
  bars: Bar[];
  unit: string;
  /** Log10 axis: for values spanning orders of magnitude. */
  log?: boolean;
  width?: number;
  footnotes?: string[];
}

/** Horizontal bars, one row per bar: label on the left, the value and its note printed at the bar's end. */
export function hbarChart(o: HBarOptions): string {
  const width = o.width ?? 960;
  const left = 170;
  const right = 300; // room for the value and note after the longest bar
  const top = 64;
  const rowH = 30;
  const plotW = width - left - right;
  const plotH = o.bars.length * rowH;
  const values = o.bars.map((b) => b.value).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  const max = values.length ? Math.max(...values) : 1;
  const min = values.length ? Math.min(...values) : 1;
  let x: (v: number) => number;
  let ticks: number[];
  if (o.log) {
    const lo = Math.floor(Math.log10(min));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
    x = (v) => (v <= 0 ? 0 : Math.max(0, ((Math.log10(v) - lo) / (hi - lo)) * plotW));
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    ticks = niceTicks(max);
    const axisMax = ticks[ticks.length - 1]!;
    x = (v) => Math.max(0, (v / axisMax) * plotW);
  }
  const body: string[] = [];
  for (const t of ticks) {
    const tx = left + x(t);
    body.push(`<line x1="${n(tx)}" y1="${n(top - 4)}" x2="${n(tx)}" y2="${n(top + plotH)}" stroke="#e0e0e0" stroke-width="1"/>`);
    body.push(text(tx, top + plotH + 16, short(t), 'text-anchor="middle" fill="#666666" font-size="11"'));
  }
  body.push(text(left + plotW / 2, top + plotH + 34, `${o.unit}${o.log ? ' (log scale)' : ''}`, 'text-anchor="middle" fill="#444444" font-size="11"'));
  o.bars.forEach((b, i) => {
    const y = top + i * rowH;
    body.push(text(left - 8, y + rowH / 2 + 4, b.label, 'text-anchor="end" fill="#222222"'));
    const ok = b.value !== null && Number.isFinite(b.value);
    const w = ok && b.value! > 0 ? Math.max(1, x(b.value!)) : 0;
    if (w > 0) body.push(`<rect x="${n(left)}" y="${n(y + 5)}" width="${n(w)}" height="${n(rowH - 10)}" fill="${b.color ?? PALETTE[i % PALETTE.length]}"/>`);
    const label = ok ? `${fmt(b.value)}${b.note ? ` — ${b.note}` : ''}` : `not measured${b.note ? ` — ${b.note}` : ''}`;
    body.push(text(left + w + 6, y + rowH / 2 + 4, label, `fill="${ok ? '#222222' : '#999999'}" font-size="11"`));
  });
  const notes = o.footnotes ?? [];
  notes.forEach((f, i) => body.push(text(16, top + plotH + 56 + i * 15, f, 'fill="#666666" font-size="10"')));
  return frame(width, top + plotH + 56 + notes.length * 15 + 8, o.title, o.subtitle, body);
}

export interface Group {
  label: string;
  /** One value per series, in the order of `series`; null: not measured. */
  values: (number | null)[];
}

export interface GroupedOptions {
  title: string;
  subtitle?: string;
  series: string[];
  groups: Group[];
  unit: string;
  width?: number;
  height?: number;
  footnotes?: string[];
}

/** Vertical bars grouped by category (e.g. load level), one colour per series (e.g. p50, p99). */
export function groupedBarChart(o: GroupedOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 380;
  const left = 70;
  const top = 64;
  const bottom = 70 + (o.footnotes?.length ?? 0) * 15;
  const plotW = width - left - 24;
  const plotH = height - top - bottom;
  const all = o.groups.flatMap((g) => g.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = niceTicks(Math.max(1, ...all));
  const axisMax = ticks[ticks.length - 1]!;
  const y = (v: number) => top + plotH - Math.max(0, Math.min(1, v / axisMax)) * plotH;
  const body: string[] = [];
  for (const t of ticks) {
    body.push(`<line x1="${n(left)}" y1="${n(y(t))}" x2="${n(left + plotW)}" y2="${n(y(t))}" stroke="#e0e0e0" stroke-width="1"/>`);
    body.push(text(left - 6, y(t) + 4, short(t), 'text-anchor="end" fill="#666666" font-size="11"'));
  }
  body.push(text(16, top + plotH / 2, o.unit, `fill="#444444" font-size="11" transform="rotate(-90 16 ${n(top + plotH / 2)})" text-anchor="middle"`));
  const groupW = plotW / Math.max(1, o.groups.length);
  const barW = Math.min(60, (groupW * 0.7) / Math.max(1, o.series.length));
  o.groups.forEach((g, gi) => {
    const gx = left + gi * groupW + (groupW - barW * o.series.length) / 2;
    g.values.forEach((v, si) => {
      const bx = gx + si * barW;
      if (v === null || !Number.isFinite(v)) {
        body.push(text(bx + barW / 2, top + plotH - 4, 'n/a', 'text-anchor="middle" fill="#999999" font-size="10"'));
        return;
      }
      const by = y(v);
      body.push(`<rect x="${n(bx + 2)}" y="${n(by)}" width="${n(Math.max(0, barW - 4))}" height="${n(Math.max(0, top + plotH - by))}" fill="${PALETTE[si % PALETTE.length]}"/>`);
      body.push(text(bx + barW / 2, by - 4, fmt(v), 'text-anchor="middle" fill="#222222" font-size="10"'));
    });
    body.push(text(left + gi * groupW + groupW / 2, top + plotH + 18, g.label, 'text-anchor="middle" fill="#222222"'));
  });
  body.push(`<line x1="${n(left)}" y1="${n(top + plotH)}" x2="${n(left + plotW)}" y2="${n(top + plotH)}" stroke="#888888" stroke-width="1"/>`);
  o.series.forEach((s, si) => {
    const lx = left + si * 110;
    body.push(`<rect x="${n(lx)}" y="${n(height - bottom + 32)}" width="12" height="12" fill="${PALETTE[si % PALETTE.length]}"/>`);
    body.push(text(lx + 16, height - bottom + 42, s, 'fill="#222222" font-size="11"'));
  });
  (o.footnotes ?? []).forEach((f, i) => body.push(text(16, height - bottom + 64 + i * 15, f, 'fill="#666666" font-size="10"')));
  return frame(width, height, o.title, o.subtitle, body);
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export interface LineOptions {
  title: string;
  subtitle?: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  footnotes?: string[];
}

/** Lines over a shared linear x axis (e.g. minutes) from y = 0; a legend under the plot. */
export function lineChart(o: LineOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 420;
  const legendRows = Math.ceil(o.series.length / 4);
  const left = 70;
  const top = 64;
  const bottom = 60 + legendRows * 18 + (o.footnotes?.length ?? 0) * 15;
  const plotW = width - left - 24;
  const plotH = height - top - bottom;
  const pts = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xData = Math.max(0, ...pts.map((p) => p.x));
  const xTicks = niceTicks(xData > 0 ? xData : 1);
  const yTicks = niceTicks(Math.max(1, ...pts.map((p) => p.y)));
  const xMax = xTicks[xTicks.length - 1]!;
  const yMax = yTicks[yTicks.length - 1]!;
  const X = (v: number) => left + (v / xMax) * plotW;
  const Y = (v: number) => top + plotH - Math.max(0, Math.min(1, v / yMax)) * plotH;
  const body: string[] = [];
  for (const t of yTicks) {
    body.push(`<line x1="${n(left)}" y1="${n(Y(t))}" x2="${n(left + plotW)}" y2="${n(Y(t))}" stroke="#e0e0e0" stroke-width="1"/>`);
    body.push(text(left - 6, Y(t) + 4, short(t), 'text-anchor="end" fill="#666666" font-size="11"'));
  }
  for (const t of xTicks) {
    body.push(`<line x1="${n(X(t))}" y1="${n(top + plotH)}" x2="${n(X(t))}" y2="${n(top + plotH + 4)}" stroke="#888888" stroke-width="1"/>`);
    body.push(text(X(t), top + plotH + 16, short(t), 'text-anchor="middle" fill="#666666" font-size="11"'));
  }
  body.push(`<line x1="${n(left)}" y1="${n(top + plotH)}" x2="${n(left + plotW)}" y2="${n(top + plotH)}" stroke="#888888" stroke-width="1"/>`);
  body.push(text(left + plotW / 2, top + plotH + 34, o.xLabel, 'text-anchor="middle" fill="#444444" font-size="11"'));
  body.push(text(16, top + plotH / 2, o.yLabel, `fill="#444444" font-size="11" transform="rotate(-90 16 ${n(top + plotH / 2)})" text-anchor="middle"`));
  o.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const ok = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (ok.length > 0) body.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${ok.map((p) => `${n(X(p.x))},${n(Y(p.y))}`).join(' ')}"/>`);
    const lx = left + (si % 4) * 220;
    const ly = top + plotH + 50 + Math.floor(si / 4) * 18;
    body.push(`<rect x="${n(lx)}" y="${n(ly - 10)}" width="12" height="12" fill="${color}"/>`);
    body.push(text(lx + 16, ly, s.name, 'fill="#222222" font-size="11"'));
  });
  (o.footnotes ?? []).forEach((f, i) => body.push(text(16, top + plotH + 50 + legendRows * 18 + i * 15, f, 'fill="#666666" font-size="10"')));
  return frame(width, height, o.title, o.subtitle, body);
}
