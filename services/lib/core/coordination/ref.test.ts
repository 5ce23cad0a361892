// Auto-cancel of redundant pipelines (GitLab: "Auto-cancel redundant pipelines",
// https://docs.gitlab.com/ci/pipelines/settings/#auto-cancel-redundant-pipelines, and
// Ci::PipelineCreation::CancelRedundantPipelinesService): a new pipeline on a ref makes the older pipelines
// alive on that ref with another sha redundant. The coordinator says who; each pipeline's decider applies
// its own workflow:auto_cancel:on_new_commit.
import { expect } from 'chai';
import type { CoordinationEvent } from '../events/generated.js';
import { coordinate, coordinateBatch } from './coordinate.js';
import { at, closed, given, idOf, opened, type Expected } from './spec.js';

type Row = [name: string, given: CoordinationEvent[], when: CoordinationEvent, then: Expected];

const rows: Row[] = [
  ['the first pipeline on a ref cancels nobody', [], opened('p1', 'aaaaaaa'), { reports: [], open: ['p1'] }],
  [
    'an older pipeline with another sha is redundant',
    [opened('p1', 'aaaaaaa')],
    opened('p2', 'bbbbbbb'),
    { reports: ['AutoCancel p1 by p2'], open: ['p1', 'p2'] },
  ],
  [
    'every older pipeline with another sha is redundant, each gets its own AutoCancel',
    [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb'), opened('p3', 'ccccccc')],
    opened('p4', 'ddddddd'),
    { reports: ['AutoCancel p1 by p4', 'AutoCancel p2 by p4', 'AutoCancel p3 by p4'], open: ['p1', 'p2', 'p3', 'p4'] },
  ],
  [
    'an older pipeline with the same sha is not redundant (a re-run of the same commit)',
    [opened('p1', 'aaaaaaa')],
    opened('p2', 'aaaaaaa'),
    { reports: [], open: ['p1', 'p2'] },
  ],
  [
    'a closed (finished) pipeline is not canceled',
    [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb'), closed('p1')],
    opened('p3', 'ccccccc'),
    { reports: ['AutoCancel p2 by p3'], open: ['p2', 'p3'] },
  ],
  [
    'opening is idempotent: a pipeline already open cancels nobody again',
    [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb')],
    opened('p2', 'bbbbbbb'),
    { reports: [], open: ['p1', 'p2'] },
  ],
  [
    'a pipeline still alive after an AutoCancel (auto_cancel: none) is redundant again for the next one',
    [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb')],
    opened('p3', 'ccccccc'),
    { reports: ['AutoCancel p1 by p3', 'AutoCancel p2 by p3'], open: ['p1', 'p2', 'p3'] },
  ],
  [
    'a pipeline that arrives after a newer one with another sha is redundant at once, by the oldest newer one',
    [opened('p2', 'bbbbbbb'), opened('p3', 'ccccccc')],
    opened('p1', 'aaaaaaa'),
    { reports: ['AutoCancel p1 by p2'], open: ['p1', 'p2', 'p3'] },
  ],
  [
    'a late pipeline with the sha of the newer ones is not redundant',
    [opened('p2', 'aaaaaaa'), opened('p3', 'aaaaaaa')],
    opened('p1', 'aaaaaaa'),
    { reports: [], open: ['p1', 'p2', 'p3'] },
  ],
  [
    'a pipeline re-opened by a retry joins the ref without canceling anyone',
    [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb'), closed('p2'), opened('p3', 'ccccccc')],
    opened('p2', 'bbbbbbb', { reopened: true }),
    { reports: [], open: ['p1', 'p2', 'p3'] },
  ],
  [
    'a re-opened pipeline is redundant again when the next pipeline is created',
    [opened('p2', 'bbbbbbb'), closed('p2'), opened('p3', 'ccccccc'), opened('p2', 'bbbbbbb', { reopened: true })],
    opened('p4', 'ddddddd'),
    { reports: ['AutoCancel p2 by p4', 'AutoCancel p3 by p4'], open: ['p2', 'p3', 'p4'] },
  ],
  [
    'pipelines created at the same time are ordered by pipeline id',
    [opened('p2', 'aaaaaaa', { createdAt: at(9) })],
    opened('p1', 'bbbbbbb', { createdAt: at(9) }),
    { reports: ['AutoCancel p1 by p2'], open: ['p1', 'p2'] },
  ],
  ['closing the last pipeline leaves no state', [opened('p1', 'aaaaaaa')], closed('p1'), { reports: [], open: [] }],
  [
    'closing a pipeline never opened changes nothing',
    [opened('p1', 'aaaaaaa')],
    closed('p7'),
    { reports: [], open: ['p1'] },
  ],
  ['closing on a ref with no state changes nothing', [], closed('p1'), { reports: [], open: [] }],
];

describe('coordination: auto-cancel of redundant pipelines on a ref', () => {
  for (const [name, history, record, expected] of rows) {
    it(name, () => {
      given(...history)
        .when(record)
        .then(expected);
    });
  }

  describe('the open set is bounded', () => {
    const bound = { refOpenMax: 3 };
    it('past the bound the oldest pipelines are dropped and reported', () => {
      given(opened('p1', 'aaaaaaa'), opened('p2', 'aaaaaaa'), opened('p3', 'aaaaaaa'))
        .when(opened('p4', 'aaaaaaa'), bound)
        .then({ reports: [], open: ['p2', 'p3', 'p4'], dropped: ['p1'] });
    });
    it('a dropped pipeline is still canceled by the pipeline that pushed it out, then never again', () => {
      given(opened('p1', 'aaaaaaa'), opened('p2', 'aaaaaaa'), opened('p3', 'aaaaaaa'))
        .when(opened('p4', 'bbbbbbb'), bound)
        .then({
          reports: ['AutoCancel p1 by p4', 'AutoCancel p2 by p4', 'AutoCancel p3 by p4'],
          open: ['p2', 'p3', 'p4'],
          dropped: ['p1'],
        });
      given(opened('p1', 'aaaaaaa'), opened('p2', 'aaaaaaa'), opened('p3', 'aaaaaaa'), opened('p4', 'bbbbbbb'))
        .when(opened('p5', 'ccccccc'), bound)
        .then({
          reports: ['AutoCancel p2 by p5', 'AutoCancel p3 by p5', 'AutoCancel p4 by p5'], // p1 is gone
          open: ['p3', 'p4', 'p5'],
          dropped: ['p2'],
        });
    });
    it('a late pipeline older than every open one is dropped at once', () => {
      given(opened('p2', 'aaaaaaa'), opened('p3', 'aaaaaaa'), opened('p4', 'aaaaaaa'))
        .when(opened('p1', 'aaaaaaa'), bound)
        .then({ reports: [], open: ['p2', 'p3', 'p4'], dropped: ['p1'] });
    });
    it('the default bound is 1000 pipelines', () => {
      const history = Array.from({ length: 1000 }, (_, i) => opened(`p${i + 1}`, 'aaaaaaa'));
      const full = coordinateBatch(new Map(), history).touched.get(history[0]!.key)!; // folded without the checks
      const out = coordinate(full, opened('p1001', 'aaaaaaa'));
      expect(out.dropped.map((p) => p.pipeline_id)).to.deep.equal([idOf('p1')]);
      expect(out.state?.kind === 'ref' && out.state.open.length).to.equal(1000);
    });
  });
});
