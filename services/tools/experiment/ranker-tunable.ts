// The learned ranker (services/lib/core/remediation/ranker/) as a Tunable: fit learns its feature weights
// on the training logs only (listwise logistic regression, learn.ts), predict ranks a log's candidates
// with them; the evidence and the context at any budget come from the same ranking.

import { fitRanker, type RankerModel } from '../../lib/core/remediation/ranker/learn.js';
import { packExcerpt, rankLog } from '../../lib/core/remediation/ranker/rank.js';
import type { Prediction, Tunable } from './tunable.js';

export const rankerTunable: Tunable<RankerModel> = {
  name: 'ranker',
  tuned: true,
  fit: (train) => fitRanker(train),
  predict(model, log): Prediction {
    const ranking = rankLog(log.lines, model.weights);
    return {
      context: (budget) => packExcerpt(log.lines, ranking, budget, model.packing).ranges,
      evidence: ranking.ranges.map((r) => ({ start_line: r.start, end_line: r.end, reason: r.kind })),
    };
  },
};
