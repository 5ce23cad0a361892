// The benchmarks' charts as SVG files, drawn by Apache ECharts' server-side renderer (no DOM, no
// animation): bars of measurements beside their baselines, and lines (lag against load, RSS over time).
// ECharts is also the browser dashboard's chart library, so a chart looks the same in both places.
// Used by result-charts.ts (the suite's charts, suite/report.ts, and the soak's); checked by charts.test.ts.
import * as echarts from 'echarts';
import { fmt, short } from '../format.js';

/** What every chart has: a title, an optional subtitle (run, date, machine) and footnotes under the plot. */
export interface Frame {
  title: string;
  subtitle?: string;
  footnotes?: string[];
  width?: number;
  height?: number;
}

export interface BarSeries {
  name: string;
  /** One per category; null: not measured (no bar). */
  values: (number | null)[];
  /** Printed at the end of each bar, e.g. "1,367 (0.34× raw produce)"; default: the value. */
  labels?: (string | null)[];
  color?: string;
}

export interface BarOptions extends Frame {
  categories: string[];
  series: BarSeries[];
  /** The axis of the values: its name with the unit, e.g. "msgs/s"; log for values over orders of magnitude. */
  valueAxis: { name: string; log?: boolean };
  categoryAxis?: { name: string };
  /** Bars along x, categories down the y axis (long category names). */
  horizontal?: boolean;
}

export interface LineSeries {
  name: string;
  /** [x, y]; a null or non-finite y leaves a gap. */
  points: [number, number | null][];
  /** Print each point's value beside it (few points, e.g. lag at two loads). */
  labels?: boolean;
}

export interface LineOptions extends Frame {
  series: LineSeries[];
  /** Names with units, e.g. "minutes", "RSS (MiB)". */
  xAxis: { name: string };
  yAxis: { name: string };
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];
const TEXT = '#222222';
const MUTED = '#666666';
const FOOTNOTE_LINE = 15;
const FONT = 'Helvetica, Arial, sans-serif'; // the metrics ECharts estimates text widths with

const longest = (labels: string[]) => Math.max(0, ...labels.map((l) => l.length));
const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Renders one option to an SVG string on a throw-away server-side chart. */
function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return `${chart.renderToSVGString()}\n`;
  } finally {
    chart.dispose();
  }
}

/**
 * Title, subtitle, legend, footnotes at the bottom; answers the option and the grid to plot in. Two
 * series or fewer: the legend in a row under the title; more: in a column right of the plot (a row
 * of long names overlaps where the renderer's font is wider than ECharts' estimate).
 */
function frame(f: Frame, legend: string[], width: number, height: number) {
  const notes = f.footnotes ?? [];
  const column = legend.length > 2;
  const titleH = f.subtitle ? 62 : 40;
  const top = titleH + (legend.length && !column ? 28 : 8);
  const bottom = 56 + notes.length * FOOTNOTE_LINE;
  const right = column ? 56 + 7 * longest(legend) : 32;
  const legendOption = column
    ? { orient: 'vertical', left: width - right + 24, top, itemGap: 12 }
    : { orient: 'horizontal', left: 16, top: titleH - 4, itemGap: 24 };
  return {
    option: {
      animation: false,
      backgroundColor: '#ffffff',
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      title: {
        text: f.title,
        subtext: f.subtitle ?? '',
        left: 16,
        top: 8,
        textStyle: { fontSize: 16, color: TEXT },
        subtextStyle: { fontSize: 11, color: '#555555' },
      },
      legend: { show: legend.length > 0, data: legend, ...legendOption, textStyle: { fontSize: 11, color: TEXT } },
      graphic: notes.map((text, i) => ({
        type: 'text',
        left: 16,
        top: height - bottom + 44 + i * FOOTNOTE_LINE,
        style: { text, fontSize: 10, fill: MUTED },
      })),
    },
    grid: { top, bottom, left: 16, right },
  };
}

const axisName = (name: string) => ({ name, nameTextStyle: { color: '#444444', fontSize: 11 } });

/** Grouped bars: one group per category, one bar per series (e.g. a stage and its raw-Kafka baseline). */
export function barChart(o: BarOptions): string {
  const width = o.width ?? 960;
  const rows = o.horizontal ? Math.max(1, o.categories.length) * Math.max(1, o.series.length) : 0;
  const height = o.height ?? (o.horizontal ? 160 + rows * 22 + (o.footnotes?.length ?? 0) * FOOTNOTE_LINE : 420);
  const { option, grid } = frame(
    o,
    o.series.map((s) => s.name),
    width,
    height,
  );
  // A log axis cannot hold 0 or negative values: those are drawn as not measured.
  const shown = (v: number | null) => (finite(v) && (!o.valueAxis.log || v > 0) ? v : null);
  const drawn = o.series.flatMap((s) => s.values.map(shown)).filter(finite);
  // A log axis starts at the power of ten under the smallest bar, not at 1.
  const logMin = drawn.length ? 10 ** Math.floor(Math.log10(Math.min(...drawn))) : 1;
  const values = {
    type: o.valueAxis.log ? 'log' : 'value',
    ...(o.valueAxis.log ? { min: logMin } : {}),
    ...axisName(`${o.valueAxis.name}${o.valueAxis.log ? ' (log scale)' : ''}`),
    nameLocation: 'middle',
    nameGap: o.horizontal ? 28 : 52,
    axisLabel: { formatter: (v: number) => short(v), color: MUTED, fontSize: 11 },
    splitLine: { lineStyle: { color: '#e0e0e0' } },
  };
  const categories = {
    type: 'category',
    data: o.categories,
    ...axisName(o.categoryAxis?.name ?? ''),
    inverse: o.horizontal === true, // first category on top
    axisLabel: { color: TEXT, fontSize: 12, interval: 0 },
  };
  return render(
    {
      ...option,
      // Room for the category names on the left and the bars' labels on the right.
      grid: o.horizontal
        ? { ...grid, left: 24 + 7 * longest(o.categories), right: Math.max(grid.right, 260) }
        : { ...grid, left: 64 },
      xAxis: o.horizontal ? values : categories,
      yAxis: o.horizontal ? categories : values,
      series: o.series.map((s, si) => ({
        type: 'bar',
        name: s.name,
        data: s.values.map(shown),
        barMaxWidth: 48,
        itemStyle: { color: s.color ?? PALETTE[si % PALETTE.length] },
        label: {
          show: true,
          position: o.horizontal ? 'right' : 'top',
          color: TEXT,
          fontSize: 10,
          formatter: (p: { dataIndex: number; value: unknown }) =>
            s.labels?.[p.dataIndex] ?? (finite(p.value as number) ? short(p.value as number) : ''),
        },
      })),
    },
    width,
    height,
  );
}

/** Lines over a linear x axis (minutes, offered load), y from 0; a legend on top. */
export function lineChart(o: LineOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 440 + (o.footnotes?.length ?? 0) * FOOTNOTE_LINE;
  const { option, grid } = frame(
    o,
    o.series.map((s) => s.name),
    width,
    height,
  );
  const axisLabel = { formatter: (v: number) => short(v), color: MUTED, fontSize: 11 };
  const axis = (name: string, nameGap: number) => ({
    type: 'value',
    ...axisName(name),
    nameLocation: 'middle',
    nameGap,
    min: 0,
    axisLabel,
  });
  return render(
    {
      ...option,
      grid: { ...grid, left: 72 },
      xAxis: axis(o.xAxis.name, 28),
      yAxis: { ...axis(o.yAxis.name, 52), splitLine: { lineStyle: { color: '#e0e0e0' } } },
      series: o.series.map((s) => ({
        type: 'line',
        name: s.name,
        showSymbol: s.labels === true || s.points.length < 3,
        connectNulls: false,
        data: s.points.filter(([x]) => finite(x)).map(([x, y]) => [x, finite(y) ? y : null]),
        label: {
          show: s.labels === true,
          position: 'top',
          fontSize: 10,
          color: TEXT,
          formatter: (p: { value: unknown }) => fmt((p.value as number[])[1]),
        },
      })),
    },
    width,
    height,
  );
}
