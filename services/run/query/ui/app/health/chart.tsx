// The project health page's charts: line and bar charts on the dashboard's shared ECharts setup
// (../charts/echarts.tsx), imported by the page on demand so its tables show before the chart library has
// loaded. Colours come from the page's CSS variables (health.css, light and dark) and are read again when the
// system switches; the p95 line is dashed with its own symbol and every series is named in the legend, so colour
// is never the only signal.
import { use } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { baseThemeOf, dayAxis, frameOf, mountChart as mount, tooltipBox, type Option } from '../charts/echarts.js';
import type { MountedChart } from '../charts/echarts.js';
import { dayLabel, type ChartSpec, type SeriesStyle } from './series.js';

use([LineChart, BarChart]);

const STYLES: SeriesStyle[] = ['rate', 'succeeded', 'failed', 'unfinished', 'p50', 'p95'];

interface TooltipParam {
  dataIndex?: number;
  seriesIndex?: number;
}

/** The day and every series' value as the table words it ("—" for a gap). */
function tooltip(spec: ChartSpec) {
  return (params: TooltipParam | TooltipParam[]): HTMLElement => {
    const list = Array.isArray(params) ? params : [params];
    const i = list[0]?.dataIndex ?? 0;
    return tooltipBox(
      dayLabel(spec.days[i] ?? ''),
      spec.series.map((s) => `${s.name}: ${s.text[i] ?? '—'}`),
    );
  };
}

function optionOf(spec: ChartSpec, el: HTMLElement): Option {
  const t = baseThemeOf(el);
  const colours = Object.fromEntries(STYLES.map((s) => [s, t.v(`--health-${s}`)])) as Record<SeriesStyle, string>;
  return {
    ...frameOf(t, { left: 52, right: 16, top: 40, bottom: 28 }, tooltip(spec)),
    xAxis: dayAxis(t, spec.days.map(dayLabel)),
    yAxis: {
      type: 'value',
      min: 0,
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.kind === 'bar' ? { minInterval: 1 } : {}),
      name: spec.unit,
      nameTextStyle: { color: t.fg },
      axisLabel: { color: t.fg },
      splitLine: { lineStyle: { color: t.line } },
    },
    series: spec.series.map((s): LineSeriesOption | BarSeriesOption => {
      const colour = colours[s.style] || t.fg;
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

export type HealthChart = MountedChart<ChartSpec>;

/** A chart in `el`, redrawn with the other theme's colours when the system switches between light and dark. */
export const mountChart = (el: HTMLElement): HealthChart => mount(el, optionOf);
