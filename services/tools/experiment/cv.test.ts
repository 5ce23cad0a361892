import { expect } from 'chai';
import type { LineRange } from '../../lib/core/logs/excerpt.js';
import { runCv } from './cv.js';
import { cvReport } from './cv-report.js';
import type { TrainingLog, Tunable } from './tunable.js';
import { tailTunable } from './tunables.js';

/** 10 repositories of 3 logs: the label is 3 lines at a per-repository place in a 100-line Go log. */
const logs: TrainingLog[] = Array.from({ length: 30 }, (_, i) => {
  const r = Math.floor(i / 3);
  const lines = Array.from({ length: 100 }, (_, j) => `line ${j + 1}`);
  lines[0] = '$ go test ./...';
  lines[99] = 'The command "go test ./..." exited with 1.';
  return { repo: `org/r${r}`, build_id: String(i), lines, label: { start: 10 + r, end: 12 + r } };
});

/** Learns where each training repository's labels are: perfect in sample, blind on new repositories. */
const memoriser: Tunable<Map<string, LineRange>> = {
  name: 'memoriser',
  tuned: true,
  fit: (train) => new Map(train.map((l) => [l.repo, l.label])),
  predict(model, log) {
    const l = model.get(log.repo) ?? { start: 90, end: 90 };
    return {
      context: () => [l],
      evidence: [{ start_line: l.start, end_line: l.end, reason: 'remembered' }],
      category: 'test_failure',
    };
  },
};

describe('runCv', () => {
  it('measures a fitted Tunable on repositories it was not fitted on: the gap shows over-fitting', () => {
    const r = runCv(logs, [memoriser, tailTunable], { resamples: 200 });
    expect(r).to.deep.include({ logs: 30, repos: 10, seed: 1, resamples: 200, categoryLabels: 0 });
    expect(r.folds.map((f) => f.logs)).to.deep.equal([6, 6, 6, 6, 6]);
    const [m, t] = r.tunables;
    const hit1 = m!.measures.find((x) => x.measure === 'evidence hit@1')!;
    expect(hit1.fit).to.deep.equal({ value: 1, low: 1, high: 1 });
    expect(hit1.cv).to.deep.equal({ value: 0, low: 0, high: 0 });
    expect(hit1.perFold).to.deep.equal([0, 0, 0, 0, 0]);
    expect(hit1.gapPoints).to.equal(100);
    expect(m!.measures.map((x) => x.measure)).to.deep.equal([
      'context recall @8000 B',
      'context recall @16000 B',
      'context recall @32000 B',
      'context recall @64000 B',
      'evidence hit@1',
      'evidence hit@3',
    ]);
    // The tail learns nothing: in and out of sample are the same predictions.
    for (const x of t!.measures) expect(x.gapPoints).to.equal(0);
    expect(r.formats).to.deep.equal([{ format: 'Go', logs: 30, repos: 10, recall: 0, hit1: 0, hit3: 0 }]);
    expect(r.worst).to.have.length(20);
    expect(r.worst[0]).to.deep.include({ format: 'Go', why: 'label outside the 16000 B excerpt; none in top 10' });
  });

  it('is deterministic for a seed and reports macro-F1 per category when logs are labelled', () => {
    const labelled = logs.map((l, i) => ({
      ...l,
      category: i % 2 === 0 ? ('test_failure' as const) : ('lint' as const),
    }));
    const a = runCv(labelled, [memoriser], { resamples: 100, seed: 5 });
    expect(runCv(labelled, [memoriser], { resamples: 100, seed: 5 })).to.deep.equal(a);
    const f1 = a.tunables[0]!.measures.find((x) => x.measure === 'category macro-F1')!;
    // test_failure: P 15/30, R 1 → 2/3; lint: 0 → macro 1/3.
    expect(f1.fit.value).to.be.closeTo(1 / 3, 1e-9);
    expect(a.tunables[0]!.categoryF1!.lint).to.deep.equal({ f1: 0, support: 15 });
    expect(cvReport(a)).to.contain('| lint | 15 | 0.0% |');
  });

  it('prints the headline first, CV with its interval beside the fit and the gap, then formats and worst logs', () => {
    const text = cvReport(runCv(logs, [memoriser], { resamples: 50 }));
    const lines = text.split('\n');
    expect(lines[0]).to.match(/^Grouped cross-validation by repository: 5 folds over 10 repositories \(30 logs/);
    expect(text).to.contain('| measure | memoriser CV [95%] | memoriser fit [95%] | gap (pts) |');
    expect(text).to.contain('| evidence hit@1 | 0.0% [0.0–0.0] | 100.0% [100.0–100.0] | +100.0 |');
    expect(text).to.contain('Category macro-F1: no category labels.');
    expect(text).to.contain('| Go | 30 | 10 | 0.0% | 0.0% | 0.0% |');
    expect(text.indexOf('Per format')).to.be.lessThan(text.indexOf('worst logs'));
    expect(text).to.contain('memoriser: fitted on the training folds only');
  });
});
