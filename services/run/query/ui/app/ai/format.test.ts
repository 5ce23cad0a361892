import { expect } from 'chai';
import {
  barGeometry,
  chartLines,
  chartSummary,
  chartTable,
  pct,
  queryOf,
  shareLabel,
  shareText,
  stateOf,
  type Scoreboard,
  type ScoreboardRow,
  type Share,
} from './format.js';

const share = (k: number, n: number, low: number | null, high: number | null): Share => ({
  k,
  n,
  value: n === 0 ? null : k / n,
  low,
  high,
});
const NONE = share(0, 0, null, null);

describe('AI scoreboard: formatting', () => {
  const pcts: [number, string][] = [
    [0, '0%'],
    [1, '100%'],
    [0.5, '50%'],
    [0.7249, '72%'],
    [0.004, '0.4%'],
    [0.00001, '0.1%'],
    [0.996, '99.6%'],
    [0.99999, '99.9%'],
    [0.0101, '1%'],
  ];
  for (const [v, text] of pcts) it(`pct(${v}) = ${text}`, () => expect(pct(v)).to.equal(text));

  const shares: [Share, string, string][] = [
    [share(72, 100, 0.6251, 0.7986), '72% (63–80%)', '72%, 95% interval 63% to 80%, 72 of 100'],
    [share(0, 20, 0, 0.1611), '0% (0–16%)', '0%, 95% interval 0% to 16%, 0 of 20'],
    [share(29, 29, 0.883, 1), '100% (88–100%)', '100%, 95% interval 88% to 100%, 29 of 29'],
    [NONE, 'no data', 'no data'],
  ];
  for (const [s, text, label] of shares)
    it(`${s.k} of ${s.n}: "${text}"`, () => {
      expect(shareText(s)).to.equal(text);
      expect(shareLabel(s)).to.equal(label);
    });

  const bars: [Share, ReturnType<typeof barGeometry>][] = [
    [share(72, 100, 0.6251, 0.7986), { left: 62.5, width: 17.4, mark: 72 }],
    [share(29, 29, 0.883, 1), { left: 88.3, width: 11.7, mark: 100 }],
    [share(1, 1e9, 0.0000001, 0.0000002), { left: 0, width: 0.5, mark: 0 }],
    [NONE, null],
  ];
  for (const [s, geometry] of bars)
    it(`interval bar of ${s.k} of ${s.n}`, () => {
      const g = barGeometry(s);
      if (geometry === null) return expect(g).to.equal(null);
      expect(g!.left).to.be.closeTo(geometry.left, 0.05);
      expect(g!.width).to.be.closeTo(geometry.width, 0.05);
      expect(g!.mark).to.be.closeTo(geometry.mark, 0.05);
    });

  const states: [string, { window: number; project: string }, string][] = [
    ['', { window: 30, project: '' }, ''],
    ['?window=7d', { window: 7, project: '' }, '?window=7d'],
    ['?window=90d&project=group%2Fapp', { window: 90, project: 'group/app' }, '?window=90d&project=group%2Fapp'],
    ['?window=14d', { window: 30, project: '' }, ''],
    ['?window=7&project=%20x%20', { window: 30, project: 'x' }, '?project=x'],
  ];
  for (const [search, state, query] of states)
    it(`URL state "${search}"`, () => {
      expect(stateOf(search)).to.deep.equal(state);
      expect(queryOf(stateOf(search))).to.equal(query);
    });
  it('the API always gets the window', () =>
    expect(queryOf({ window: 30, project: '' }, true)).to.equal('?window=30d'));
});

describe('AI scoreboard: chart data', () => {
  const point = (day: string, proposals: number, correct: number, incorrect: number, accepted = 0) => ({
    day,
    proposals,
    correct,
    incorrect,
    accepted,
    rejected: 0,
    precision: correct + incorrect === 0 ? null : correct / (correct + incorrect),
  });
  const row = (over: Partial<ScoreboardRow>): ScoreboardRow => ({
    provider: 'heuristic',
    prompt_version: 'heuristic-1',
    baseline: true,
    proposals: 0,
    shadow: 0,
    scored: { correct: 0, incorrect: 0, expired: 0, pending: 0, share: NONE },
    precision: NONE,
    fixed_by_new_commit: NONE,
    retry_precision: NONE,
    feedback: { accepted: 0, rejected: 0, acceptance: NONE },
    series: [point('2025-03-09', 0, 0, 0), point('2025-03-10', 0, 0, 0)],
    ...over,
  });
  const board: Scoreboard = {
    window: '2d',
    since: '2025-03-09T00:00:00.000Z',
    days: ['2025-03-09', '2025-03-10'],
    baseline_provider: 'heuristic',
    truncated: false,
    rows: [
      row({}),
      row({
        provider: 'openai',
        prompt_version: 'p1',
        baseline: false,
        proposals: 5,
        precision: share(2, 3, 0.2077, 0.9385),
        feedback: { accepted: 1, rejected: 0, acceptance: share(1, 1, 0.2065, 1) },
        series: [point('2025-03-09', 2, 1, 1, 1), point('2025-03-10', 3, 1, 0)],
      }),
      row({ provider: 'openai', prompt_version: 'p0', baseline: false }),
    ],
  };

  it('a line per row that proposed something, and the baseline always', () => {
    expect(chartLines(board, 'proposals')).to.deep.equal([
      { name: 'heuristic · heuristic-1 (baseline)', baseline: true, values: [0, 0] },
      { name: 'openai · p1', baseline: false, values: [2, 3] },
    ]);
    expect(chartLines(board, 'precision')[1]!.values).to.deep.equal([50, 100]);
    expect(chartLines(board, 'precision')[0]!.values).to.deep.equal([null, null]);
    expect(chartLines(board, 'accepted')[1]!.values).to.deep.equal([1, 0]);
  });

  it('its table alternative: newest day first, "–" without a value', () => {
    expect(chartTable(board, 'precision')).to.deep.equal({
      head: ['Day', 'heuristic · heuristic-1 (baseline)', 'openai · p1'],
      rows: [
        ['2025-03-10', '–', '100%'],
        ['2025-03-09', '–', '50%'],
      ],
    });
  });

  it('its summary sentence', () => {
    expect(chartSummary(board, 'proposals')).to.equal(
      'Proposals per day over the last 2 days. heuristic · heuristic-1 (baseline): no proposals; openai · p1: 5 in all.',
    );
    expect(chartSummary(board, 'precision')).to.include('openai · p1: 67% (21–94%) overall');
  });
});
