// The scoreboard's chart over time: ECharts, tree-shaken (core, line chart, grid, tooltip, legend, SVG
// renderer), imported by the page on demand so the table shows before the chart library has loaded.
// Colours come from the page's CSS variables (ai.css, light and dark); the baseline is a dashed line with its
// own symbol and "(baseline)" in its name, so colour is never the only signal. The tooltip is built as DOM
// nodes with textContent (never HTML strings: provider names are data, and the CSP has no inline styles).
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { chartLines, METRICS, type Metric, type Scoreboard } from './format.js';

use([LineChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

type Option = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

const SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'roundRect', 'pin'];

interface Theme {
  fg: string;
  muted: string;
  line: string;
  panel: string;
  baseline: string;
  series: string[];
}

function themeOf(el: HTMLElement): Theme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    line: v('--line'),
    panel: v('--panel'),
    baseline: v('--ai-baseline'),
    series: [1, 2, 3, 4].map((i) => v(`--ai-series-${i}`)),
  };
}

interface TooltipParam {
  axisValueLabel?: string;
  seriesName?: string;
  value?: unknown;
  marker?: unknown;
}

function tooltip(unit: string) {
  return (params: TooltipParam | TooltipParam[]): HTMLElement => {
    const list = Array.isArray(params) ? params : [params];
    const box = document.createElement('div');
    const head = document.createElement('strong');
    head.textContent = list[0]?.axisValueLabel ?? '';
    box.append(head);
    for (const p of list) {
      const line = document.createElement('div');
      const value = p.value === null || p.value === undefined ? '–' : `${String(p.value)}${unit}`;
      line.textContent = `${p.seriesName ?? ''}: ${value}`;
      box.append(line);
    }
    return box;
  };
}

function optionOf(b: Scoreboard, m: Metric, t: Theme): Option {
  const lines = chartLines(b, m);
  let colour = 0;
  const unit = METRICS[m].unit;
  return {
    animation: false,
    textStyle: { color: t.fg },
    grid: { left: 48, right: 16, top: 48, bottom: 32 },
    legend: { top: 0, textStyle: { color: t.fg }, inactiveColor: t.muted },
    tooltip: {
      trigger: 'axis',
      backgroundColor: t.panel,
      borderColor: t.line,
      textStyle: { color: t.fg },
      formatter: tooltip(unit) as never,
    },
    xAxis: {
      type: 'category',
      data: b.days.map((d) => d.slice(5)),
      axisLine: { lineStyle: { color: t.muted } },
      axisLabel: { color: t.fg },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      ...(m === 'precision' ? { min: 0, max: 100, axisLabel: { color: t.fg, formatter: '{value}%' } } : {}),
      ...(m !== 'precision' ? { axisLabel: { color: t.fg } } : {}),
      splitLine: { lineStyle: { color: t.line } },
    },
    series: lines.map((l, i): LineSeriesOption => {
      const c = l.baseline ? t.baseline : (t.series[colour++ % t.series.length] ?? t.fg);
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

export interface ScoreboardChart {
  show(b: Scoreboard, m: Metric): void;
  dispose(): void;
}

/** A chart in `el`, redrawn with the other theme's colours when the system switches between light and dark. */
export function mountChart(el: HTMLElement): ScoreboardChart {
  const chart: ECharts = init(el, undefined, { renderer: 'svg' });
  let last: [Scoreboard, Metric] | undefined;
  const draw = () => last && chart.setOption(optionOf(last[0], last[1], themeOf(el)), { notMerge: true });
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const resize = () => chart.resize();
  scheme.addEventListener('change', draw);
  window.addEventListener('resize', resize);
  return {
    show(b, m) {
      last = [b, m];
      draw();
    },
    dispose() {
      scheme.removeEventListener('change', draw);
      window.removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
