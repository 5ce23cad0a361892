// Test support for the ranker's feature tables (features.test.ts, features-steps.test.ts): each case states every
// candidate (line, kind, rule) of a log and every position feature of each candidate, one row per feature, the
// columns being the candidates in line order. The two features of the line alone (closeness to the end, share
// of the log after it) are stated once, in features.test.ts.
import { expect } from 'chai';
import { CANDIDATE_KINDS, FEATURE_NAMES, logFeatures } from './features.js';

/** 'close above the exit line' of a candidate `d` lines above its step's exit line. */
export const ex = (d: number) => Math.exp(-d / 30);
/** 'times its rule matches in the log' of a rule matching `k` candidates. */
export const times = (k: number) => Math.log1p(k) / 5;

export interface FeatureCase {
  name: string;
  lines: readonly string[];
  /** `line kind rule`, in line order. */
  candidates: readonly string[];
  /** Every position feature but the two of the line alone, one value per candidate. */
  features: Readonly<Record<string, readonly number[]>>;
}

const BY_LINE = new Set(['close to the end of the log', 'share of the log after it']);
const POSITION = FEATURE_NAMES.slice(CANDIDATE_KINDS.length);

/** Tests of `cases`: their candidates (each of one kind), and one test per position feature. */
export function describeFeatures(cases: readonly FeatureCase[]): void {
  for (const c of cases)
    describe(c.name, () => {
      const features = () => logFeatures(c.lines);
      it('has these candidates, each of one kind, in line order', () => {
        const { candidates } = features();
        expect(candidates.map((x) => `${x.line} ${x.kind} ${x.rule}`)).to.deep.equal(c.candidates);
        for (const x of candidates)
          expect(CANDIDATE_KINDS.map((_, i) => x.x[i])).to.deep.equal(
            CANDIDATE_KINDS.map((k) => (k === x.kind ? 1 : 0)),
          );
      });
      for (const name of POSITION.filter((f) => !BY_LINE.has(f)))
        it(name, () => {
          const expected = c.features[name];
          expect(expected, `row of ${name}`).to.not.equal(undefined);
          const j = FEATURE_NAMES.indexOf(name);
          const actual = features().candidates.map((x) => x.x[j]!);
          expect(actual).to.have.length(expected!.length);
          actual.forEach((v, i) => expect(v, `${name} of ${c.candidates[i]}`).to.be.closeTo(expected![i]!, 1e-9));
        });
    });
}
