// The scoreboard's chart over time: line charts on the dashboard's shared ECharts setup (../charts/echarts.tsx),
// imported by the page on demand so the table shows before the chart library has loaded. Colours come from the
// page's CSS variables (ai.css, light and dark); the baseline is a dashed line with its own symbol and
// "(baseline)" in its name, so colour is never the only signal.
import { use } from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { baseThemeOf, dayAxis, frameOf, mountChart as mount, tooltipBox, type Option } from '../charts/echarts.js';
import type { MountedChart } from '../charts/echarts.js';
import { chartLines, METRICS, type Metric, type Scoreboard } from './format.js';

use([LineChart]);

const SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'roundRect', 'pin'];

interface TooltipParam {
  axisValueLabel?: string;
  seriesName?: string;
  value?: unknown;
  marker?: unknown;
}

function tooltip(unit: string) {
  return (params: TooltipParam | TooltipParam[]): HTMLElement => {
    const list = Array.isArray(params) ? params : [params];
    return tooltipBox(
      list[0]?.axisValueLabel ?? '',
      list.map((p) => {
        const value = p.value === null || p.value === undefined ? '–' : `${String(p.value)}${unit}`;
        return `${p.seriesName ?? ''}: ${value}`;
      }),
    );
  };
}

function optionOf({ board: b, metric: m }: ScoreboardView, el: HTMLElement): Option {
  const t = baseThemeOf(el);
  const baseline = t.v('--ai-baseline');
  const series = [1, 2, 3, 4].map((i) => t.v(`--ai-series-${i}`));
  const lines = chartLines(b, m);
  let colour = 0;
  const unit = METRICS[m].unit;
  return {
    ...frameOf(t, { left: 48, right: 16, top: 48, bottom: 32 }, tooltip(unit)),
    xAxis: dayAxis(
      t,
      b.days.map((d) => d.slice(5)),
    ),
    yAxis: {
      type: 'value',
      minInterval: 1,
      ...(m === 'precision' ? { min: 0, max: 100, axisLabel: { color: t.fg, formatter: '{value}%' } } : {}),
      ...(m !== 'precision' ? { axisLabel: { color: t.fg } } : {}),
      splitLine: { lineStyle: { color: t.line } },
    },
    series: lines.map((l, i): LineSeriesOption => {
      const c = l.baseline ? baseline : (series[colour++ % series.length] ?? t.fg);
      return {
        type: 'line',
        name: l.name,
        data: l.values,
        connectNulls: false,
        symbol: l.baseline ? 'emptyCircle' : SYMBOLS[(i % (SYMBOLS.length - 1)) + 1],
        symbolSize: 6,
        itemStyle: { color: c },
        lineStyle: { color: c, width: 2, type: l.baseline ? 'dashed' : 'solid' },
      };
    }),
  };
}

/** What the chart shows: the scoreboard's rows by one metric. */
export interface ScoreboardView {
  board: Scoreboard;
  metric: Metric;
}

export type ScoreboardChart = MountedChart<ScoreboardView>;

/** A chart in `el`, redrawn with the other theme's colours when the system switches between light and dark. */
export const mountChart = (el: HTMLElement): ScoreboardChart => mount(el, optionOf);
