// The coordinator's rules where the first tables left a choice open: age is creation time first and pipeline
// id only on a tie (GitLab's process modes order "by pipeline ID"; Verity's ids are UUIDs, so created_at
// leads), jobs of one pipeline keep their arrival order in both ordered modes, a waiting job that leaves empties
// the queue, a record that changes nothing leaves its key untouched, and a batch reports the bound's drops.
import { expect } from 'chai';
import type { CoordinationEvent } from '../events/generated.js';
import { coordinateBatch } from './coordinate.js';
import { refKey } from './keys.js';
import { comparePipelineAge } from './order.js';
import { at, closed, given, idOf, opened, PROJECT, REF, released, requested, type Expected } from './spec.js';

type Row = [name: string, given: CoordinationEvent[], when: CoordinationEvent, then: Expected];

describe('coordination rules: which pipeline is older', () => {
  const [a, b] = [idOf('p1'), idOf('p2')];
  const rows: [name: string, args: [string, string, string, string], sign: -1 | 0 | 1][] = [
    ['created earlier is older, whatever the ids say', [at(1), b, at(2), a], -1],
    ['created later is newer, whatever the ids say', [at(2), a, at(1), b], 1],
    ['same time: the smaller pipeline id is older', [at(5), a, at(5), b], -1],
    ['same time: the larger pipeline id is newer', [at(5), b, at(5), a], 1],
    ['the same pipeline is neither', [at(5), a, at(5), a], 0],
  ];
  for (const [name, args, sign] of rows) it(name, () => expect(Math.sign(comparePipelineAge(...args))).to.equal(sign));
});

describe('coordination rules: resource groups and auto-cancel by age', () => {
  const rows: Row[] = [
    [
      'oldest_first: the pipeline created first wins even when its id is the larger',
      [
        requested('deploy@p0', { mode: 'oldest_first' }),
        requested('deploy@p2', { mode: 'oldest_first', createdAt: at(3) }),
        requested('deploy@p9', { mode: 'oldest_first', createdAt: at(1) }),
      ],
      released('deploy@p0'),
      { reports: ['AssignResource deploy@p9'], holder: 'deploy@p9', queue: ['deploy@p2'] },
    ],
    [
      'oldest_first: two jobs of one pipeline keep their arrival order',
      [
        requested('deploy@p0', { mode: 'oldest_first' }),
        requested('migrate@p4', { mode: 'oldest_first' }),
        requested('deploy@p4', { mode: 'oldest_first' }),
        requested('deploy@p7', { mode: 'oldest_first' }),
      ],
      released('deploy@p0'),
      { reports: ['AssignResource migrate@p4'], holder: 'migrate@p4', queue: ['deploy@p4', 'deploy@p7'] },
    ],
    [
      'newest_first: pipelines created at the same time go larger id first',
      [
        requested('deploy@p0', { mode: 'newest_first' }),
        requested('deploy@p8', { mode: 'newest_first', createdAt: at(5) }),
        requested('deploy@p9', { mode: 'newest_first', createdAt: at(5) }),
      ],
      released('deploy@p0'),
      { reports: ['AssignResource deploy@p9'], holder: 'deploy@p9', queue: ['deploy@p8'] },
    ],
    [
      'the only waiting job canceled while waiting_for_resource leaves an empty queue',
      [requested('deploy@p1'), requested('deploy@p2')],
      released('deploy@p2'),
      { reports: [], holder: 'deploy@p1', queue: [] },
    ],
    [
      'auto-cancel: the pipeline created first is the redundant one, even with the larger id',
      [opened('p5', 'aaaaaaa', { createdAt: at(1) })],
      opened('p2', 'bbbbbbb', { createdAt: at(3) }),
      { reports: ['AutoCancel p5 by p2'], open: ['p5', 'p2'] },
    ],
  ];
  for (const [name, history, record, expected] of rows)
    it(name, () => {
      given(...history)
        .when(record)
        .then(expected);
    });
});

describe('coordination rules: what a batch touches and drops', () => {
  it('a release by a job that neither holds nor waits, with others waiting, touches nothing', () => {
    const state = given(requested('deploy@p1'), requested('deploy@p2')).when(requested('deploy@p3')).outcome.state!;
    const key = requested('deploy@p1').key;
    expect(coordinateBatch(new Map([[key, state]]), [released('deploy@p4')]).touched.size).to.equal(0);
  });

  it('closing a pipeline that is not open touches nothing', () => {
    const state = given(opened('p1', 'aaaaaaa')).when(opened('p2', 'bbbbbbb')).outcome.state!;
    expect(coordinateBatch(new Map([[refKey(PROJECT, REF), state]]), [closed('p7')]).touched.size).to.equal(0);
  });

  it('the pipelines the bound drops are reported once, under their ref, by the record that pushed them out', () => {
    const batch = [
      opened('p1', 'aaaaaaa'),
      opened('p2', 'aaaaaaa'),
      opened('p3', 'aaaaaaa'),
      opened('p4', 'aaaaaaa'),
      closed('p2'),
    ];
    const result = coordinateBatch(new Map(), batch, { refOpenMax: 3 });
    expect(result.dropped).to.deep.equal([
      {
        key: refKey(PROJECT, REF),
        pipelines: [{ pipeline_id: idOf('p1'), sha: 'aaaaaaa', created_at: at(1) }],
      },
    ]);
  });

  it('a batch within the bound drops nothing', () => {
    const result = coordinateBatch(new Map(), [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb')], { refOpenMax: 3 });
    expect(result.dropped).to.deep.equal([]);
  });
});
