import { expect } from 'chai';
import { assembleScoreboard, type DayCounts } from './scoreboard-model.js';
import { dayWindow } from './window.js';

const BASE = { provider: 'heuristic', promptVersion: 'heuristic-1' };
const NOW = Date.parse('2025-03-10T15:30:00Z');
const counts = (over: Partial<DayCounts> & Pick<DayCounts, 'provider' | 'promptVersion' | 'day'>): DayCounts => ({
  proposals: 0,
  shadow: 0,
  correct: 0,
  incorrect: 0,
  expired: 0,
  retryCorrect: 0,
  retryIncorrect: 0,
  fixGreen: 0,
  fixDecided: 0,
  accepted: 0,
  rejected: 0,
  ...over,
});

describe('scoreboard model', () => {
  describe('window of UTC days', () => {
    const table: [n: number, now: string, first: string, last: string, until: string][] = [
      [1, '2025-03-10T15:30:00Z', '2025-03-10', '2025-03-10', '2025-03-11T00:00:00.000Z'],
      [7, '2025-03-10T00:00:00Z', '2025-03-04', '2025-03-10', '2025-03-11T00:00:00.000Z'],
      [3, '2025-03-01T23:59:59.999Z', '2025-02-27', '2025-03-01', '2025-03-02T00:00:00.000Z'],
      [90, '2024-03-01T12:00:00Z', '2023-12-03', '2024-03-01', '2024-03-02T00:00:00.000Z'],
    ];
    for (const [n, now, first, last, until] of table) {
      it(`${n}d at ${now}: ${first} … ${last}`, () => {
        const w = dayWindow(n, Date.parse(now));
        expect(w.days).to.have.length(n);
        expect([w.days[0], w.days.at(-1), w.since, w.until]).to.deep.equal([
          first,
          last,
          `${first}T00:00:00.000Z`,
          until,
        ]);
        expect(new Set(w.days).size).to.equal(n);
      });
    }
  });

  it('the baseline is always there: zeros and no figure when it proposed nothing', () => {
    const s = assembleScoreboard([], dayWindow(7, NOW), BASE);
    expect(s).to.include({ window: '7d', baseline_provider: 'heuristic', truncated: false });
    expect(s.rows).to.have.length(1);
    const [b] = s.rows;
    expect(b).to.deep.include({ provider: 'heuristic', prompt_version: 'heuristic-1', baseline: true, proposals: 0 });
    expect(b!.precision).to.deep.equal({ k: 0, n: 0, value: null, low: null, high: null });
    expect(b!.series.map((p) => p.proposals)).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
  });

  it('sums the days, computes each share with its interval, and puts the baseline first', () => {
    const w = dayWindow(7, NOW);
    const s = assembleScoreboard(
      [
        counts({
          provider: 'openai',
          promptVersion: 'p2',
          day: '2025-03-09',
          proposals: 6,
          shadow: 6,
          correct: 4,
          incorrect: 1,
          expired: 1,
          retryCorrect: 2,
          retryIncorrect: 1,
          fixGreen: 1,
          fixDecided: 2,
          accepted: 1,
          rejected: 1,
        }),
        counts({ provider: 'openai', promptVersion: 'p2', day: '2025-03-10', proposals: 4, correct: 4 }),
        counts({ provider: 'heuristic', promptVersion: 'heuristic-1', day: '2025-03-10', proposals: 2, correct: 1 }),
        counts({ provider: 'anthropic', promptVersion: 'a1', day: '2025-03-05', proposals: 1 }),
      ],
      w,
      BASE,
    );
    expect(s.rows.map((r) => [r.provider, r.baseline])).to.deep.equal([
      ['heuristic', true],
      ['anthropic', false],
      ['openai', false],
    ]);
    const o = s.rows[2]!;
    expect(o).to.deep.include({ proposals: 10, shadow: 6 });
    expect(o.scored).to.deep.include({ correct: 8, incorrect: 1, expired: 1, pending: 0 });
    expect(o.scored.share).to.deep.include({ k: 10, n: 10, value: 1, high: 1 });
    expect(o.precision).to.deep.include({ k: 8, n: 9 });
    expect(o.precision.low).to.be.closeTo(0.565, 0.0001);
    expect(o.precision.high).to.be.closeTo(0.9801, 0.0001);
    expect(o.retry_precision).to.deep.include({ k: 2, n: 3 });
    expect(o.fixed_by_new_commit).to.deep.include({ k: 1, n: 2, value: 0.5 });
    expect(o.feedback).to.deep.include({ accepted: 1, rejected: 1 });
    expect(o.feedback.acceptance).to.deep.include({ k: 1, n: 2, value: 0.5 });
    expect(o.series.slice(-2)).to.deep.equal([
      { day: '2025-03-09', proposals: 6, correct: 4, incorrect: 1, accepted: 1, rejected: 1, precision: 0.8 },
      { day: '2025-03-10', proposals: 4, correct: 4, incorrect: 0, accepted: 0, rejected: 0, precision: 1 },
    ]);
    expect(o.series[0]).to.deep.include({ day: '2025-03-04', proposals: 0, precision: null });
    expect(s.rows[1]!.scored.pending).to.equal(1);
  });

  it('leaves out days outside the window and keeps every baseline prompt version', () => {
    const s = assembleScoreboard(
      [
        counts({ provider: 'heuristic', promptVersion: 'heuristic-0', day: '2025-03-01', proposals: 9 }),
        counts({ provider: 'heuristic', promptVersion: 'heuristic-0', day: '2025-03-10', proposals: 1 }),
        counts({ provider: 'heuristic', promptVersion: 'heuristic-1', day: '2025-03-10', proposals: 2 }),
      ],
      dayWindow(2, NOW),
      BASE,
      true,
    );
    expect(s.truncated).to.equal(true);
    expect(s.rows.map((r) => [r.prompt_version, r.proposals, r.baseline])).to.deep.equal([
      ['heuristic-0', 1, true],
      ['heuristic-1', 2, true],
    ]);
  });
});
