// VERITY_TEST_STACK=none npx mocha load-tests/mutation/modules.test.ts
import { expect } from 'chai';
import { countsByFile, mergeMeasured, moduleScore, MODULES, type MutantCounts } from './modules.js';

const report = {
  files: {
    '/repo/services/lib/core/logs/redact.ts': {
      mutants: [{ status: 'Killed' }, { status: 'Survived' }, { status: 'CompileError' }, { status: 'Timeout' }],
    },
    '/repo/services/lib/core/logs/secrets/values.ts': { mutants: [{ status: 'NoCoverage' }, { status: 'Killed' }] },
    '/repo/services/lib/core/logs/excerpt.ts': { mutants: [{ status: 'Killed' }] },
    '/repo/services/lib/core/remediation/scoring.ts': { mutants: [{ status: 'Ignored' }] },
  },
};

describe('load-tests: mutation scores per module', () => {
  const byFile = countsByFile(report, '/repo');
  const of = (name: string) =>
    moduleScore(
      MODULES.find((m) => m.name === name)!,
      byFile,
    );

  it("scores (killed + timeout) ÷ (killed + timeout + survived + no coverage), Stryker's definition", () => {
    // redact.ts 2 of 3 (the compile error does not count), secrets/values.ts 1 of 2.
    expect(of('redaction')).to.include({ killed: 2, timeout: 1, survived: 1, no_coverage: 1, other: 1, files: 2 });
    expect(of('redaction').score).to.equal(60);
  });

  it('a module is its files by path: a folder prefix or an exact file', () => {
    expect(of('logs').files).to.equal(3);
    expect(of('logs').score).to.equal(66.7);
    expect(of('core').files).to.equal(4);
  });

  it('has no score when none of its mutants counts', () => {
    expect(of('scoring')).to.include({ files: 1, other: 1, score: null });
    expect(of('evidence')).to.include({ files: 0, score: null });
  });
});

describe('load-tests: the mutation headline', () => {
  it('names each scored module with its files and the targets met', async () => {
    const { headline } = await import('../headlines.js');
    const json = {
      modules: [
        { module: 'core', files: 5, score: 62.2, target: 85 },
        { module: 'logs', files: 0, score: null, target: 80 },
        { module: 'scoring', files: 1, score: 95, target: 80 },
      ],
    };
    expect(headline('mutation', json)).to.deep.equal({
      figures: 'mutation score core 62.2% (5 files), scoring 95.0% (1 files)',
      ratio: 'targets met: scoring',
    });
  });
});

describe('load-tests: mutation results of narrowed runs add up', () => {
  const counts = (killed: number): MutantCounts => ({ killed, timeout: 0, survived: 1, no_coverage: 0, other: 0 });
  const earlier = {
    'a.ts': { ...counts(1), measured: 'd1', command: 'run 1' },
    'b.ts': { ...counts(2), measured: 'd1', command: 'run 1' },
    'gone.ts': { ...counts(3), measured: 'd1', command: 'run 1' },
  };

  it("takes the run's counts for the files it mutated and keeps the others' earlier counts", () => {
    const merged = mergeMeasured(
      earlier,
      { 'b.ts': counts(5), 'c.ts': counts(6) },
      'd2',
      'run 2',
      (p) => p !== 'gone.ts',
    );
    expect(merged).to.deep.equal({
      'a.ts': { ...counts(1), measured: 'd1', command: 'run 1' },
      'b.ts': { ...counts(5), measured: 'd2', command: 'run 2' },
      'c.ts': { ...counts(6), measured: 'd2', command: 'run 2' },
    });
  });

  it('drops a file of an earlier run that no longer exists, even when the run did not mutate it', () => {
    expect(mergeMeasured(earlier, {}, 'd2', 'run 2', (p) => p !== 'gone.ts')).to.not.have.property('gone.ts');
  });
});
