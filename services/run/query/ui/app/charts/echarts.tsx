// What the dashboard's charts share (the AI scoreboard's, ai/chart.tsx, and the project health page's,
// health/chart.tsx): ECharts tree-shaken (core, grid, tooltip, legend, SVG renderer; each chart module
// registers its own chart types), the colours every chart takes from the page's CSS variables, the option's
// frame (text, legend, axis tooltip, category x axis), the tooltip built as DOM nodes with textContent (never
// HTML strings: names are data, and the CSP has no inline styles), and a chart mounted in an element that is
// redrawn with the other theme's colours when the system switches between light and dark. Only the chart
// modules import this, and the pages import those on demand: ECharts stays out of the first page's script.
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

export type Option = ComposeOption<
  LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/** The colours every chart uses, and `v` to read a page's own (--ai-series-1, --health-p95, …). */
export interface BaseTheme {
  fg: string;
  muted: string;
  line: string;
  panel: string;
  v: (name: string) => string;
}

export function baseThemeOf(el: HTMLElement): BaseTheme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { fg: v('--fg'), muted: v('--muted'), line: v('--line'), panel: v('--panel'), v };
}

/** The tooltip's box: the day in bold, then a line per series. */
export function tooltipBox(head: string, lines: string[]): HTMLElement {
  const box = document.createElement('div');
  const strong = document.createElement('strong');
  strong.textContent = head;
  box.append(strong);
  for (const text of lines) {
    const line = document.createElement('div');
    line.textContent = text;
    box.append(line);
  }
  return box;
}

/** The option's parts that every chart has: no animation, the theme's text, legend on top, an axis tooltip. */
export function frameOf(
  t: BaseTheme,
  grid: { left: number; right: number; top: number; bottom: number },
  formatter: (params: never) => HTMLElement,
): Option {
  return {
    animation: false,
    textStyle: { color: t.fg },
    grid,
    legend: { top: 0, textStyle: { color: t.fg }, inactiveColor: t.muted },
    tooltip: {
      trigger: 'axis',
      backgroundColor: t.panel,
      borderColor: t.line,
      textStyle: { color: t.fg },
      formatter: formatter as never,
    },
  };
}

/** The x axis of days. */
export function dayAxis(t: BaseTheme, labels: string[]) {
  return {
    type: 'category' as const,
    data: labels,
    axisLine: { lineStyle: { color: t.muted } },
    axisLabel: { color: t.fg },
  };
}

export interface MountedChart<D> {
  show(data: D): void;
  dispose(): void;
}

/** A chart in `el` drawn by `optionOf`, redrawn with the other theme's colours when the system switches. */
export function mountChart<D>(el: HTMLElement, optionOf: (data: D, el: HTMLElement) => Option): MountedChart<D> {
  const chart: ECharts = init(el, undefined, { renderer: 'svg' });
  let last: { data: D } | undefined;
  const draw = () => last && chart.setOption(optionOf(last.data, el), { notMerge: true });
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const resize = () => chart.resize();
  scheme.addEventListener('change', draw);
  window.addEventListener('resize', resize);
  return {
    show(data) {
      last = { data };
      draw();
    },
    dispose() {
      scheme.removeEventListener('change', draw);
      window.removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
