// The ECharts charts render, without a DOM, to well-formed SVG that names its series and axes and draws
// its data (bars and lines in proportion to the values), with data and without any.
//   VERITY_TEST_STACK=none npx mocha load-tests/bench/charts.test.ts
import { expect } from 'chai';
import { barChart, lineChart } from './charts.js';
import type { Figures } from './figures.js';
import { lagChart, rssChart, throughputChart } from './result-charts.js';

/** Throws unless the SVG is well formed: tags balance, attributes are quoted, `&` starts an entity. */
function wellFormed(svg: string): void {
  expect(svg.trimStart().startsWith('<svg')).to.equal(true);
  expect(svg).to.include('xmlns="http://www.w3.org/2000/svg"');
  expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
  const body = svg.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let seen = 0;
  for (const [, closing, name, , selfClosing] of body.matchAll(tag)) {
    seen++;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing) stack.push(name!);
  }
  expect(stack, 'unclosed tags').to.deep.equal([]);
  expect((body.match(/<[^>]*>/g) ?? []).length, 'tags the pattern did not read (malformed)').to.equal(seen);
  expect(body.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);/g, '')).not.to.include('&');
  expect(body).not.to.match(/NaN|Infinity|undefined/);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** The text of every <text> element, entities decoded. */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ENTITIES[e]!),
  );

/** The bars of a chart: the rectangles ECharts draws for data (`M x y l w 0 l 0 h l -w 0 Z`), as width and height. */
const bars = (svg: string): { w: number; h: number }[] =>
  [...svg.matchAll(/<path d="M[-\d.]+ [-\d.]+l([-\d.]+) 0l0 ([-\d.]+)l[-\d.]+ 0Z"[^>]*ecmeta_ssr_type="chart"/g)].map(
    (m) => ({ w: Number(m[1]), h: Number(m[2]) }),
  );

/** The points of every drawn line (a series' polyline: no fill, stroke width 2, not a legend icon). */
const polylines = (svg: string): [number, number][][] =>
  [...svg.matchAll(/<path d="(M[^"]+)" fill="none" pointer-events="visible" stroke="[^"]+" stroke-width="2"/g)].map(
    (m) => [...m[1]!.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])]),
  );

const EMPTY: Figures = {
  ws: {
    raw_produce: null,
    raw_consume: null,
    consume_decode: null,
    ingest_bulk: null,
    ingest_single: null,
    ingest_raw_produce: null,
    decider_eos: null,
    decider_no_txn: null,
    pipelines: null,
  },
  rs: { raw_consume: null, projector: null, ceiling: null, naive: null, events: null },
  e2e: {
    reports_per_s: null,
    events_per_s: null,
    rate25: null,
    p50_25: null,
    p99_25: null,
    rate75: null,
    p50_75: null,
    p99_75: null,
  },
  rb: { raw_consume: null, consume_decode: null, rebuild: null, events: null, read_model_ok: null },
  q: { jobs: null, seq_scans: null, statements: null, routes: [] },
  recall: [],
  evidence: { evidence: null, last20: null, markers: null },
};

describe('bench: ECharts SVG charts', () => {
  it('grouped bars, log scale: well formed, with the title, series names, categories, axis name and labels', () => {
    const svg = barChart({
      title: 'Throughput <per stage> & ceiling',
      subtitle: 'quick profile',
      horizontal: true,
      categories: ['ingest bulk', 'projector', 'rebuild (not measured)'],
      valueAxis: { name: 'msgs/s', log: true },
      series: [
        { name: 'stage', values: [1367, 6067, null], labels: ['1,367 reports/s = 0.34× raw produce', null, null] },
        { name: 'raw kafkajs baseline', values: [3966, 410139, 0] },
      ],
      footnotes: ['ratios: same run'],
    });
    wellFormed(svg);
    const t = texts(svg);
    expect(t).to.include.members(['Throughput <per stage> & ceiling', 'quick profile', 'ratios: same run']);
    expect(t).to.include.members(['stage', 'raw kafkajs baseline', 'ingest bulk', 'rebuild (not measured)']);
    expect(t).to.include.members(['msgs/s (log scale)', '1,367 reports/s = 0.34× raw produce']);
    expect(svg).to.include('Throughput &lt;per stage&gt; &amp; ceiling');
  });

  it('lines: well formed, with the series names and both axis names, missing points included', () => {
    const svg = lineChart({
      title: 'RSS',
      xAxis: { name: 'minutes' },
      yAxis: { name: 'RSS (MiB)' },
      series: [
        {
          name: 'ingest "a"',
          points: [
            [0, 100],
            [0.5, null],
            [1, 120],
          ],
        },
        {
          name: 'decider',
          points: [
            [0, 90],
            [1, Number.NaN],
          ],
        },
        {
          name: 'projector',
          points: [
            [0, 80],
            [1, 85],
          ],
        },
      ],
    });
    wellFormed(svg);
    const t = texts(svg);
    for (const s of ['RSS', 'ingest "a"', 'decider', 'projector', 'minutes', 'RSS (MiB)']) expect(t, s).to.include(s);
  });

  it('draws one bar per value, its length in proportion to the value', () => {
    const svg = barChart({
      title: 'T',
      categories: ['a', 'b', 'c'],
      valueAxis: { name: 'ms', log: false },
      series: [{ name: 's', values: [10, 20, 40] }],
    });
    wellFormed(svg);
    const drawn = bars(svg);
    expect(drawn, svg).to.have.length(3);
    const [a, b, c] = drawn.map((bar) => Math.abs(bar.h));
    expect(a).to.be.above(0);
    expect(b! / a!).to.be.closeTo(2, 0.02);
    expect(c! / a!).to.be.closeTo(4, 0.02);
  });

  it('on a log axis, draws the positive values and leaves out null and 0 (not measured)', () => {
    const svg = barChart({
      title: 'T',
      horizontal: true,
      categories: ['a', 'b', 'c'],
      valueAxis: { name: 'msgs/s', log: true },
      series: [
        { name: 'stage', values: [100, 10_000, null] },
        { name: 'baseline', values: [1000, 0, 10] },
      ],
    });
    const lengths = bars(svg).map((bar) => Math.abs(bar.w));
    expect(lengths, svg).to.have.length(4);
    // Log scale: each factor of 10 adds the same length (the axis starts at 10, under the smallest bar).
    const [stage100, stage10k, base1000, base10] = lengths;
    expect(base10).to.be.closeTo(0, 0.5);
    expect(base1000! - stage100!).to.be.closeTo(stage100! - base10!, 1);
    expect(stage10k! - stage100!).to.be.closeTo(2 * (stage100! - base10!), 1);
  });

  it('draws a line through every point, spaced and raised in proportion to the data', () => {
    const svg = lineChart({
      title: 'R',
      xAxis: { name: 'minutes' },
      yAxis: { name: 'MiB' },
      series: [
        {
          name: 'x',
          points: [
            [0, 100],
            [1, 120],
            [3, 110],
          ],
        },
      ],
    });
    wellFormed(svg);
    const lines = polylines(svg);
    expect(lines, svg).to.have.length(1);
    const [p0, p1, p2] = lines[0]!;
    expect(lines[0]).to.have.length(3);
    // x: 0, 1, 3 → the second point a third of the way; y: up 20, then down 10 (SVG y grows downwards).
    expect((p1![0] - p0![0]) / (p2![0] - p0![0])).to.be.closeTo(1 / 3, 0.01);
    expect((p1![1] - p0![1]) / (p2![1] - p0![1])).to.be.closeTo(20 / 10, 0.05);
    expect(p1![1]).to.be.below(p0![1]);
  });

  it('no data at all: still a well-formed chart with its title and axis names', () => {
    const bars = barChart({ title: 'nothing', categories: [], series: [], valueAxis: { name: 'ms', log: true } });
    wellFormed(bars);
    expect(texts(bars)).to.include.members(['nothing', 'ms (log scale)']);
    const lines = lineChart({ title: 'nothing', xAxis: { name: 'minutes' }, yAxis: { name: 'MiB' }, series: [] });
    wellFormed(lines);
    expect(texts(lines)).to.include.members(['nothing', 'minutes', 'MiB']);
  });

  it('the suite and soak charts, from figures where every benchmark failed and a soak with no samples', () => {
    const tp = throughputChart(EMPTY, 'quick profile', true);
    wellFormed(tp);
    expect(texts(tp)).to.include.members(['ingest bulk (not measured)', 'raw kafkajs baseline (same run)']);
    expect(texts(tp)).to.include('msgs/s (log scale)');
    const lag = lagChart(EMPTY, 'full profile');
    wellFormed(lag);
    expect(texts(lag)).to.include.members(['p50', 'p99', 'lag (ms)']);
    const services = [{ service: 'ingest', slope_mib_per_min: null, verdict: 'unknown' }];
    const rss = rssChart({ services, series: [] }, 's', 1, 5);
    wellFormed(rss);
    expect(texts(rss)).to.include.members(['ingest (? MiB/min, unknown)', 'minutes', 'RSS (MiB)']);
  });

  it('the suite charts with figures: the ratio to the baseline is printed at the stage bar', () => {
    const f: Figures = {
      ...EMPTY,
      ws: { ...EMPTY.ws, ingest_bulk: 1367, ingest_raw_produce: 3966 },
      e2e: { ...EMPTY.e2e, rate25: 91, p99_25: 1571, rate75: 273, p99_75: 3891 },
    };
    expect(texts(throughputChart(f, 's', false))).to.include('1,367 reports/s = 0.34× raw produce');
    const lag = lagChart(f, 's');
    wellFormed(lag);
    expect(texts(lag)).to.include.members(['1,571', '3,891']);
  });
});
