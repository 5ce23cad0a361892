import { expect } from 'chai';
import {
  parseBound,
  parseReplayArgs,
  replaySchema,
  resolveWindow,
  startsMidStream,
  windowSize,
  type Bound,
  type PartitionOffsets,
} from './window.js';

const T = 'ci.pipeline.events.v1';
const offsets: PartitionOffsets[] = [
  { partition: 1, low: 0n, high: 300n },
  { partition: 0, low: 10n, high: 200n },
];
const none: Bound = { kind: 'default' };
const w = (...ranges: [number, number, number][]) =>
  ranges.map(([partition, from, to]) => ({ partition, from: BigInt(from), to: BigInt(to) }));

describe('replay: window', () => {
  describe('parseBound', () => {
    const ok: [string | undefined, Bound][] = [
      [undefined, { kind: 'default' }],
      ['100', { kind: 'offsets', all: 100n, partitions: new Map() }],
      [
        '0:100,1:250',
        {
          kind: 'offsets',
          partitions: new Map([
            [0, 100n],
            [1, 250n],
          ]),
        },
      ],
      ['0:0', { kind: 'offsets', partitions: new Map([[0, 0n]]) }],
      ['2026-11-28T10:00:00Z', { kind: 'time', ms: Date.UTC(2026, 10, 28, 10), text: '2026-11-28T10:00:00Z' }],
      [
        '2026-11-28T10:00:00.250+01:00',
        { kind: 'time', ms: Date.UTC(2026, 10, 28, 9, 0, 0, 250), text: '2026-11-28T10:00:00.250+01:00' },
      ],
      ['2026-11-28T10:00Z', { kind: 'time', ms: Date.UTC(2026, 10, 28, 10), text: '2026-11-28T10:00Z' }],
      ['2026-11-28', { kind: 'time', ms: Date.UTC(2026, 10, 28), text: '2026-11-28' }],
    ];
    for (const [text, bound] of ok) {
      it(`${text ?? '(absent)'} → ${bound.kind}`, () => expect(parseBound('--from', text)).to.deep.equal(bound));
    }
    const bad: [string, RegExp][] = [
      ['2026-11-28T10:00:00', /give the time zone/],
      ['yesterday', /expected an ISO time/],
      ['0:100,', /expected an ISO time/],
      ['-5', /expected an ISO time/],
      ['0:1,0:2', /partition 0 is given twice/],
      ['2026-13-45', /expected an ISO time/],
    ];
    for (const [text, err] of bad) {
      it(`refuses ${text}`, () => expect(() => parseBound('--from', text)).to.throw(err));
    }
  });

  describe('replay names', () => {
    const cases: [string, string | RegExp][] = [
      ['exp1', 'replay_exp1'],
      ['a', 'replay_a'],
      ['a_b_9', 'replay_a_b_9'],
      ['a'.repeat(41), `replay_${'a'.repeat(41)}`],
      ['a'.repeat(42), /invalid replay name/],
      ['1abc', /invalid replay name/],
      ['Abc', /invalid replay name/],
      ['a-b', /invalid replay name/],
      ['a";drop', /invalid replay name/],
      ['', /invalid replay name/],
    ];
    for (const [name, want] of cases) {
      it(`"${name}" → ${want}`, () =>
        typeof want === 'string'
          ? expect(replaySchema(name)).to.equal(want)
          : expect(() => replaySchema(name)).to.throw(want));
    }
  });

  describe('parseReplayArgs', () => {
    it('reads --into, --from, --to, --reset, and --flag=value', () => {
      const a = parseReplayArgs(['--into', 'exp', '--from=0:5', '--to', '2026-11-28T00:00:00Z', '--reset']);
      expect(a).to.deep.include({ name: 'exp', schema: 'replay_exp', reset: true, help: false });
      expect(a.from).to.deep.equal({ kind: 'offsets', partitions: new Map([[0, 5n]]) });
      expect(a.to.kind).to.equal('time');
    });
    it('defaults to the whole range', () =>
      expect(parseReplayArgs(['--into', 'x'])).to.deep.include({
        from: { kind: 'default' },
        to: { kind: 'default' },
        reset: false,
      }));
    it('--help needs nothing else', () => expect(parseReplayArgs(['--help']).help).to.equal(true));
    const bad: [string[], RegExp][] = [
      [[], /--into <name> is required/],
      [['--into'], /--into needs a value/],
      [['--into', '--reset'], /--into needs a value/],
      [['--into', 'x', '--from='], /--from needs a value/],
      [['--into', 'x', '--into', 'y'], /--into is given twice/],
      [['--into', 'x', '--keep'], /unknown argument --keep/],
      [['--into', 'X'], /invalid replay name/],
      [
        ['--into', 'x', '--from', '2026-11-28T10:00:00Z', '--to', '2026-11-28T09:00:00Z'],
        /--to .* is not after --from/,
      ],
      [['--into', 'x', '--to', 'soon'], /--to soon: expected/],
    ];
    for (const [args, err] of bad) {
      it(`refuses ${JSON.stringify(args)}`, () => expect(() => parseReplayArgs(args)).to.throw(err));
    }
  });

  describe('resolveWindow', () => {
    const offs = (text: string): Bound => parseBound('--from', text);
    const time: Bound = { kind: 'time', ms: 1, text: 't' };
    const cases: {
      what: string;
      from: Bound;
      to: Bound;
      atTime?: Parameters<typeof resolveWindow>[3];
      offsets?: boolean;
      want: ReturnType<typeof w> | RegExp;
    }[] = [
      {
        what: 'defaults: earliest to end, sorted by partition',
        from: none,
        to: none,
        want: w([0, 10, 200], [1, 0, 300]),
      },
      {
        what: 'one offset on every partition, clamped to [low, high]',
        from: offs('5'),
        to: offs('250'),
        want: w([0, 10, 200], [1, 5, 250]),
      },
      {
        what: 'per partition; others take the default',
        from: offs('1:100'),
        to: offs('0:150'),
        want: w([0, 10, 150], [1, 100, 300]),
      },
      {
        what: 'a partition entry beats the single offset',
        from: { kind: 'offsets', all: 50n, partitions: new Map([[1, 70n]]) },
        to: none,
        want: w([0, 50, 200], [1, 70, 300]),
      },
      { what: 'an empty window', from: offs('0:200'), to: none, want: w([0, 200, 200], [1, 0, 300]) },
      {
        what: 'times: the offsets of the times',
        from: time,
        to: time,
        atTime: {
          from: new Map([
            [0, 20n],
            [1, 30n],
          ]),
          to: new Map([
            [0, 200n],
            [1, 40n],
          ]),
        },
        want: w([0, 20, 200], [1, 30, 40]),
      },
      {
        what: 'offset bounds do not apply to the remediation topic',
        from: offs('1:100'),
        to: offs('50'),
        offsets: false,
        want: w([0, 10, 200], [1, 0, 300]),
      },
      {
        what: 'time bounds do apply to the remediation topic',
        from: time,
        to: none,
        atTime: {
          from: new Map([
            [0, 20n],
            [1, 30n],
          ]),
        },
        offsets: false,
        want: w([0, 20, 200], [1, 30, 300]),
      },
      { what: 'an unknown partition', from: offs('2:5'), to: none, want: /has no partition 2 \(it has 2\)/ },
      {
        what: 'an end before the start',
        from: offs('1:100'),
        to: offs('1:50'),
        want: /ends \(offset 50\) before it starts \(offset 100\)/,
      },
      {
        what: 'a time without an offset',
        from: time,
        to: none,
        atTime: { from: new Map([[0, 1n]]) },
        want: /no offset for --from t in .*\[1\]/,
      },
    ];
    for (const c of cases) {
      it(c.what, () => {
        const run = () => resolveWindow(T, offsets, { from: c.from, to: c.to }, c.atTime, { offsets: c.offsets });
        if (c.want instanceof RegExp) expect(run).to.throw(c.want);
        else expect(run()).to.deep.equal(c.want);
      });
    }
    it('size and mid-stream', () => {
      expect(windowSize(w([0, 10, 200], [1, 0, 300]))).to.equal(490);
      expect(startsMidStream(w([0, 10, 200], [1, 0, 300]), offsets)).to.equal(false);
      expect(startsMidStream(w([0, 10, 200], [1, 1, 300]), offsets)).to.equal(true);
    });
  });
});
