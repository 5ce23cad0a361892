// The committed mutation result (load-tests/results/mutation.json, from `make mutation`) holds every module with
// a floor (floors.json) at or above it: a change that lowers a module's score fails the suite until the tests
// catch up. A floor is a score measured (rounded down), set when a run measured the module; the targets of
// issue 19 are in modules.ts and reported by summary.ts.
//   VERITY_TEST_STACK=none npx mocha load-tests/mutation/floors.test.ts
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { MODULES } from './modules.js';

const result = JSON.parse(readFileSync(new URL('../results/mutation.json', import.meta.url), 'utf8')) as {
  modules: { module: string; score: number | null }[];
};
const floors = JSON.parse(readFileSync(new URL('./floors.json', import.meta.url), 'utf8')) as Record<string, number>;

describe('load-tests: the committed mutation scores hold their floors', () => {
  it('every floor names a module of modules.ts', () => {
    expect(Object.keys(floors)).to.not.have.length(0);
    for (const name of Object.keys(floors)) expect(MODULES.map((m) => m.name)).to.include(name);
  });

  for (const [name, floor] of Object.entries(floors))
    it(`${name}: score ≥ ${floor}%`, () => {
      const score = result.modules.find((r) => r.module === name)?.score;
      expect(score, `${name} in load-tests/results/mutation.json`).to.be.a('number');
      expect(score).to.be.at.least(floor);
    });
});
