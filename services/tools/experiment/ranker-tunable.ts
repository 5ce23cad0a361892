// The learned ranker (services/lib/core/remediation/ranker/) as a Tunable: fit learns its feature weights
// on the training logs only (listwise logistic regression, learn.ts), predict ranks a log's candidates
// with them; the evidence and the context at any budget come from the same ranking.

import { learnWeights } from '../../lib/core/remediation/ranker/learn.js';
import { packExcerpt, rankLog } from '../../lib/core/remediation/ranker/rank.js';
import type { Prediction, Tunable } from './tunable.js';

export const rankerTunable: Tunable<Float64Array> = {
  name: 'ranker',
  tuned: true,
  fit: (train) => learnWeights(train),
  predict(weights, log): Prediction {
    const ranking = rankLog(log.lines, weights);
    return {
      context: (budget) => packExcerpt(log.lines, ranking, budget).ranges,
      evidence: ranking.ranges.map((r) => ({ start_line: r.start, end_line: r.end, reason: r.kind })),
    };
  },
};
