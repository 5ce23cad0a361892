// Well-formedness of the hand-written SVG charts, without an XML parser: tags balance, every
// coordinate is a finite number, widths and heights are not negative, text is escaped.
//   VERITY_TEST_STACK=none npx mocha load-tests/bench/svg.test.ts
import { expect } from 'chai';
import { esc, fmt, groupedBarChart, hbarChart, lineChart, niceTicks } from './svg.js';

/** Throws unless every opened tag is closed in order; returns the tag names seen. */
function balanced(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    seen.push(name!);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing) stack.push(name!);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  // Nothing that looks like a tag may have escaped the pattern above (e.g. an unquoted attribute).
  const tags = svg.match(/<[^>]*>/g) ?? [];
  if (tags.length !== seen.length) throw new Error(`${tags.length - seen.length} malformed tag(s)`);
  return seen;
}

const NUMERIC = ['x', 'y', 'x1', 'y1', 'x2', 'y2', 'width', 'height'];

function checkNumbers(svg: string): void {
  for (const m of svg.matchAll(/\s([\w-]+)="([^"]*)"/g)) {
    const [, attr, value] = m;
    if (NUMERIC.includes(attr!)) {
      const v = Number(value);
      expect(Number.isFinite(v), `${attr}="${value}"`).to.equal(true);
      if (attr === 'width' || attr === 'height') expect(v, `${attr}="${value}"`).to.be.at.least(0);
    }
    if (attr === 'points') for (const p of value!.split(' ')) for (const c of p.split(',')) expect(Number.isFinite(Number(c)), `points ${p}`).to.equal(true);
  }
  expect(svg).not.to.match(/NaN|Infinity|undefined/);
  // Every & starts an entity: text was escaped.
  expect(svg.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.to.include('&');
}

function wellFormed(svg: string): string[] {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
  expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
  const tags = balanced(svg);
  checkNumbers(svg);
  return tags;
}

const widthOf = (svg: string, fill: string): number => Number(new RegExp(`<rect x="[^"]+" y="[^"]+" width="([^"]+)" height="[^"]+" fill="${fill}"`).exec(svg)![1]);

describe('bench: SVG charts', () => {
  it('horizontal bars (log scale): well formed, longer bars for larger values, missing values drawn without a bar', () => {
    const svg = hbarChart({
      title: 'Throughput <per stage> & ceiling',
      unit: 'msgs/s',
      log: true,
      bars: [
        { label: 'raw consume', value: 150_000, color: '#000001' },
        { label: 'projector', value: 12_000, note: '0.27× raw consume', color: '#000002' },
        { label: 'rebuild', value: null, note: 'benchmark failed' },
        { label: 'zero', value: 0 },
      ],
      footnotes: ['ratios: same run'],
    });
    const tags = wellFormed(svg);
    expect(tags.filter((t) => t === 'rect')).to.have.length(3); // background + two bars
    expect(widthOf(svg, '#000001')).to.be.greaterThan(widthOf(svg, '#000002'));
    expect(svg).to.include('Throughput &lt;per stage&gt; &amp; ceiling');
    expect(svg).to.include('not measured — benchmark failed');
    expect(svg).to.include('(log scale)');
  });

  it('horizontal bars (linear): widths proportional to the values', () => {
    const svg = hbarChart({ title: 't', unit: 'u', bars: [{ label: 'a', value: 100, color: '#00000a' }, { label: 'b', value: 50, color: '#00000b' }] });
    wellFormed(svg);
    expect(widthOf(svg, '#00000a') / widthOf(svg, '#00000b')).to.be.closeTo(2, 0.01);
  });

  it('grouped bars and lines: well formed, also with no data at all', () => {
    wellFormed(groupedBarChart({ title: 'lag', unit: 'ms', series: ['p50', 'p99'], groups: [{ label: '25%', values: [270, 730] }, { label: '75%', values: [1600, null] }], footnotes: ['x'] }));
    wellFormed(groupedBarChart({ title: 'lag', unit: 'ms', series: ['p50'], groups: [] }));
    wellFormed(lineChart({ title: 'RSS', xLabel: 'min', yLabel: 'MiB', series: [{ name: 'ingest "a"', points: [{ x: 0, y: 100 }, { x: 0.5, y: 120 }, { x: 1, y: Number.NaN }] }] }));
    wellFormed(lineChart({ title: 'RSS', xLabel: 'min', yLabel: 'MiB', series: [] }));
  });

  it('helpers: ticks cover the maximum, formatting and escaping', () => {
    expect(niceTicks(87)).to.deep.equal([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0)).to.deep.equal([0, 1]);
    expect(fmt(12345.6)).to.equal('12,346');
    expect(fmt(83)).to.equal('83');
    expect(fmt(0.1234)).to.equal('0.12');
    expect(fmt(null)).to.equal('—');
    expect(esc(`<a href="x">&'`)).to.equal('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});
