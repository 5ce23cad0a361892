// The project health page's charts: ECharts, tree-shaken (core, line and bar charts, grid, tooltip, legend, SVG
// renderer), imported by the page on demand so its tables show before the chart library has loaded. Colours come
// from the page's CSS variables (health.css, light and dark) and are read again when the system switches; the p95
// line is dashed with its own symbol and every series is named in the legend, so colour is never the only signal.
// The tooltip is built as DOM nodes with textContent (no HTML strings; the CSP has no inline styles).
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { dayLabel, type ChartSpec, type SeriesStyle } from './series.js';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

type Option = ComposeOption<
  LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

interface Theme {
  fg: string;
  muted: string;
  line: string;
  panel: string;
  series: Record<SeriesStyle, string>;
}

const STYLES: SeriesStyle[] = ['rate', 'succeeded', 'failed', 'unfinished', 'p50', 'p95'];

function themeOf(el: HTMLElement): Theme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    line: v('--line'),
    panel: v('--panel'),
    series: Object.fromEntries(STYLES.map((s) => [s, v(`--health-${s}`)])) as Record<SeriesStyle, string>,
  };
}

interface TooltipParam {
  dataIndex?: number;
  seriesIndex?: number;
}

/** The day and every series' value as the table words it ("—" for a gap). */
function tooltip(spec: ChartSpec) {
  return (params: TooltipParam | TooltipParam[]): HTMLElement => {
    const list = Array.isArray(params) ? params : [params];
    const i = list[0]?.dataIndex ?? 0;
    const box = document.createElement('div');
    const head = document.createElement('strong');
    head.textContent = dayLabel(spec.days[i] ?? '');
    box.append(head);
    for (const s of spec.series) {
      const line = document.createElement('div');
      line.textContent = `${s.name}: ${s.text[i] ?? '—'}`;
      box.append(line);
    }
    return box;
  };
}

function optionOf(spec: ChartSpec, t: Theme): Option {
  const axisLabel = { color: t.fg };
  return {
    animation: false,
    textStyle: { color: t.fg },
    grid: { left: 52, right: 16, top: 40, bottom: 28 },
    legend: { top: 0, textStyle: { color: t.fg }, inactiveColor: t.muted },
    tooltip: {
      trigger: 'axis',
      backgroundColor: t.panel,
      borderColor: t.line,
      textStyle: { color: t.fg },
      formatter: tooltip(spec) as never,
    },
    xAxis: {
      type: 'category',
      data: spec.days.map(dayLabel),
      axisLine: { lineStyle: { color: t.muted } },
      axisLabel,
    },
    yAxis: {
      type: 'value',
      min: 0,
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.kind === 'bar' ? { minInterval: 1 } : {}),
      name: spec.unit,
      nameTextStyle: { color: t.fg },
      axisLabel,
      splitLine: { lineStyle: { color: t.line } },
    },
    series: spec.series.map((s): LineSeriesOption | BarSeriesOption => {
      const colour = t.series[s.style] || t.fg;
      if (spec.kind === 'bar')
        return { type: 'bar', name: s.name, stack: 'day', data: s.values, itemStyle: { color: colour } };
      return {
        type: 'line',
        name: s.name,
        data: s.values,
        connectNulls: false,
        // Every day's point drawn, however many days: a day between two gaps is a point, not nothing.
        showAllSymbol: true,
        symbol: s.style === 'p95' ? 'triangle' : 'circle',
        symbolSize: 6,
        itemStyle: { color: colour },
        lineStyle: { color: colour, width: 2, type: s.style === 'p95' ? 'dashed' : 'solid' },
      };
    }),
  };
}

export interface HealthChart {
  show(spec: ChartSpec): void;
  dispose(): void;
}

/** A chart in `el`, redrawn with the other theme's colours when the system switches between light and dark. */
export function mountChart(el: HTMLElement): HealthChart {
  const chart: ECharts = init(el, undefined, { renderer: 'svg' });
  let last: ChartSpec | undefined;
  const draw = () => last && chart.setOption(optionOf(last, themeOf(el)), { notMerge: true });
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const resize = () => chart.resize();
  scheme.addEventListener('change', draw);
  window.addEventListener('resize', resize);
  return {
    show(spec) {
      last = spec;
      draw();
    },
    dispose() {
      scheme.removeEventListener('change', draw);
      window.removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
