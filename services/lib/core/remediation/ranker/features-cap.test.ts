import { expect } from 'chai';
import { MAX_CANDIDATES, logFeatures } from './features.js';

// A log with more than MAX_CANDIDATES candidates keeps the strongest by a fixed prior: 2 for a kind that is
// not weak (word, warning, noise), 2 more in a failing step, plus the candidate's closeness to the end of
// the log; equal priors keep the later line. What is kept is listed in line order.

const failingNpmTest = [
  '$ npm test',
  'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
  '  1) api returns 200:',
  '     AssertionError: expected 500 to equal 200',
  'npm ERR! Test failed.  See above for more details.',
  'The command "npm test" exited with 1.',
];
const surefireFailures = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `[ERROR] testCase${i}(com.acme.GeneratedTest)  Time elapsed: 0.001 s  <<< FAILURE!`,
  );
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ranker features: the candidate cap', () => {
  it('drops the weak lines outside the failing step first, then the earliest of the others', () => {
    const lines = [
      '$ bundle exec rspec spec/legacy || true', // 1
      '12 examples, 1 failure', // 2: a summary, not weak, far from the end
      '$ mvn -B test -Dmaven.test.failure.ignore=true', // 3
      ...surefireFailures(400), // 4–403: test failures outside the failing step
      ...Array.from(
        { length: 8 },
        () => '[WARNING] The requested profile "ci" could not be activated because it does not exist.',
      ), // 404–411: weak, outside the failing step
      '[INFO] BUILD SUCCESS', // 412
      ...failingNpmTest, // 413–418: a warning (414), an error (416), npm's noise (417), the exit line (418)
    ];
    const all = 400 + 1 + 8 + 5; // the failing step also gives its last output (416)
    expect(all).to.be.greaterThan(MAX_CANDIDATES);
    const { candidates } = logFeatures(lines);
    expect(candidates).to.have.length(MAX_CANDIDATES);
    // Dropped: the 8 weak warnings, the summary of line 2 and the 5 earliest test failures (4–8).
    expect(candidates.map((c) => c.line)).to.deep.equal([...range(9, 403), 414, 416, 416, 417, 418]);
    expect(candidates.slice(-5).map((c) => `${c.line} ${c.kind}`)).to.deep.equal([
      '414 warning',
      '416 error',
      '416 last-output',
      '417 noise',
      '418 exit',
    ]);
  });

  it('keeps the later candidates of equal prior (lines so far above the end that their closeness is nil)', () => {
    const lines = [
      '$ mvn -B test -Dmaven.test.failure.ignore=true', // 1
      ...surefireFailures(410), // 2–411
      ...Array.from(
        { length: 2200 },
        (_, i) => `[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/acme/lib${i}/1.0/lib.jar`,
      ), // 412–2611
      ...failingNpmTest, // 2612–2617
    ];
    const { candidates } = logFeatures(lines);
    expect(candidates).to.have.length(MAX_CANDIDATES);
    expect(candidates.map((c) => c.line)).to.deep.equal([...range(17, 411), 2613, 2615, 2615, 2616, 2617]);
  });

  it('keeps every candidate of a log with as many as the cap, in line order', () => {
    const lines = [
      '$ mvn -B test', // 1
      ...surefireFailures(MAX_CANDIDATES - 2), // 2–399
      '[WARNING] Tests run: 398, Failures: 398 ignored', // 400
      '[INFO] BUILD SUCCESS', // 401: the last output of the last step, none failed
    ];
    const { candidates } = logFeatures(lines);
    expect(candidates.map((c) => c.line)).to.deep.equal(range(2, MAX_CANDIDATES + 1));
  });
});
