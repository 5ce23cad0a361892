// The pipeline graph's layout: stage columns, same-stage needs, edges, and the SVG path of an edge.
import { expect } from 'chai';
import { DEFAULT_LAYOUT, edgePath, jobColumns, layoutDag, type LayoutJob } from './dag-layout.js';

const job = (name: string, stage: string, needs: string[] | null = null): LayoutJob => ({ name, stage, needs });

describe('dashboard pipeline page: the DAG layout', () => {
  const cases: { what: string; stages: string[]; jobs: LayoutJob[]; columns: Record<string, number> }[] = [
    {
      what: 'a job per stage: one column per stage',
      stages: ['build', 'test', 'deploy'],
      jobs: [job('compile', 'build'), job('unit', 'test'), job('ship', 'deploy')],
      columns: { compile: 0, unit: 1, ship: 2 },
    },
    {
      what: 'needs across stages do not move a job out of its stage column',
      stages: ['build', 'test', 'deploy'],
      jobs: [job('compile', 'build'), job('unit', 'test', ['compile']), job('lint', 'test'), job('ship', 'deploy', [])],
      columns: { compile: 0, unit: 1, lint: 1, ship: 2 },
    },
    {
      what: 'a need in the same stage: the stage spans two columns, later stages move right',
      stages: ['build', 'test', 'deploy'],
      jobs: [job('a', 'build'), job('b', 'build', ['a']), job('unit', 'test', ['b']), job('ship', 'deploy')],
      columns: { a: 0, b: 1, unit: 2, ship: 3 },
    },
    {
      what: 'a stage without jobs takes no column; a stage the order does not list comes last',
      stages: ['build', 'empty', 'test'],
      jobs: [job('x', 'other'), job('compile', 'build'), job('unit', 'test')],
      columns: { compile: 0, unit: 1, x: 2 },
    },
    {
      what: 'a need cycle (refused upstream) does not loop',
      stages: ['s'],
      jobs: [job('a', 's', ['b']), job('b', 's', ['a'])],
      columns: { a: 1, b: 0 },
    },
  ];
  for (const c of cases)
    it(c.what, () => {
      expect(Object.fromEntries(jobColumns(c.stages, c.jobs))).to.deep.equal(c.columns);
    });

  it('lays columns left to right in stage order, nodes apart, one edge per need between present jobs', () => {
    const jobs = [
      job('compile', 'build'),
      job('unit', 'test', ['compile']),
      job('lint', 'test'),
      job('deploy', 'deploy', ['unit', 'gone']),
    ];
    const l = layoutDag(['build', 'test', 'deploy'], jobs);
    const at = Object.fromEntries(l.nodes.map((n) => [n.name, n]));
    expect(at.compile!.x).to.be.lessThan(at.unit!.x);
    expect(at.unit!.x).to.equal(at.lint!.x);
    expect(at.unit!.x).to.be.lessThan(at.deploy!.x);
    expect(Math.abs(at.unit!.y - at.lint!.y)).to.be.at.least(DEFAULT_LAYOUT.nodeHeight);
    for (const n of l.nodes) expect(n.y).to.be.at.least(DEFAULT_LAYOUT.top);
    expect(l.edges.map((e) => `${e.from}>${e.to}`).sort()).to.deep.equal(['compile>unit', 'unit>deploy']);
    const e = l.edges.find((x) => x.from === 'compile')!;
    expect(e.points[0]).to.deep.equal({ x: at.compile!.x + at.compile!.width, y: at.compile!.y + 32 });
    expect(e.points.at(-1)).to.deep.equal({ x: at.unit!.x, y: at.unit!.y + 32 });
    expect(l.columns.map((c) => c.name)).to.deep.equal(['build', 'test', 'deploy']);
    expect(l.columns[1]).to.deep.include({ x: at.unit!.x, width: DEFAULT_LAYOUT.nodeWidth });
    expect(l.width).to.equal(at.deploy!.x + DEFAULT_LAYOUT.nodeWidth);
    expect(l.height).to.be.at.least(Math.max(at.unit!.y, at.lint!.y) + DEFAULT_LAYOUT.nodeHeight);
  });

  it('an edge over a stage goes around the nodes of the stage it crosses; the same input lays out the same', () => {
    const jobs = [job('a', 'one'), job('m', 'two'), job('z', 'three', ['a'])];
    const l = layoutDag(['one', 'two', 'three'], jobs);
    expect(l.edges[0]!.points.length).to.be.greaterThan(2);
    expect(layoutDag(['one', 'two', 'three'], jobs)).to.deep.equal(l);
  });

  it('no jobs: an empty layout', () => {
    expect(layoutDag(['build'], [])).to.deep.equal({ width: 0, height: 0, nodes: [], edges: [], columns: [] });
  });

  const paths: [string, { x: number; y: number }[], string][] = [
    ['nothing', [], ''],
    ['a point', [{ x: 1, y: 2 }], 'M1,2'],
    [
      'a segment: horizontal tangents',
      [
        { x: 0, y: 0 },
        { x: 10, y: 20 },
      ],
      'M0,0 C5,0 5,20 10,20',
    ],
    [
      'two segments, rounded to a tenth',
      [
        { x: 0, y: 0.04 },
        { x: 10, y: 10 },
        { x: 20, y: 10 },
      ],
      'M0,0 C5,0 5,10 10,10 C15,10 15,10 20,10',
    ],
  ];
  for (const [what, points, d] of paths)
    it(`edgePath: ${what}`, () => {
      expect(edgePath(points)).to.equal(d);
    });
});
