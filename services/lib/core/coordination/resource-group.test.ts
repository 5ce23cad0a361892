// resource_group across pipelines (GitLab: "Resource group", process modes
// https://docs.gitlab.com/ci/resource_groups/#process-modes): at most one job of a group holds the resource;
// when it finishes, the next waiting job gets it in the order its process_mode says.
import { expect } from 'chai';
import { nextIndex } from './resource-group.js';
import { at, given, idOf, released, requested, type Expected } from './spec.js';
import type { CoordinationEvent } from '../events/generated.js';

type Row = [name: string, given: CoordinationEvent[], when: CoordinationEvent, then: Expected];

// Three pipelines, each with a deploy job: p1 created first (10:00:01), p3 last; their jobs reach the group in
// the order p2, p1, p3 after p0's job took the resource.
const contenders = (mode: 'unordered' | 'oldest_first' | 'newest_first') => [
  requested('deploy@p0', { mode }),
  requested('deploy@p2', { mode }),
  requested('deploy@p1', { mode }),
  requested('deploy@p3', { mode }),
];

const rows: Row[] = [
  [
    'a free group is granted at once',
    [],
    requested('deploy@p1'),
    { reports: ['AssignResource deploy@p1'], holder: 'deploy@p1', queue: [] },
  ],
  [
    'a busy group queues the request: it waits in waiting_for_resource',
    [requested('deploy@p1')],
    requested('deploy@p2'),
    { reports: [], holder: 'deploy@p1', queue: ['deploy@p2'] },
  ],
  [
    'a request is idempotent: the holder asking again gets nothing more',
    [requested('deploy@p1')],
    requested('deploy@p1'),
    { reports: [], holder: 'deploy@p1', queue: [] },
  ],
  [
    'a request is idempotent: a waiting job asking again keeps its place',
    [requested('deploy@p1'), requested('deploy@p2'), requested('deploy@p3')],
    requested('deploy@p2'),
    { reports: [], holder: 'deploy@p1', queue: ['deploy@p2', 'deploy@p3'] },
  ],
  // unordered: GitLab gives no order; Verity's is arrival order.
  [
    'unordered: the release goes to the first to arrive',
    contenders('unordered'),
    released('deploy@p0'),
    { reports: ['AssignResource deploy@p2'], holder: 'deploy@p2', queue: ['deploy@p1', 'deploy@p3'] },
  ],
  [
    'unordered: and then to the second',
    [...contenders('unordered'), released('deploy@p0')],
    released('deploy@p2'),
    { reports: ['AssignResource deploy@p1'], holder: 'deploy@p1', queue: ['deploy@p3'] },
  ],
  [
    'oldest_first: the release goes to the oldest pipeline',
    contenders('oldest_first'),
    released('deploy@p0'),
    { reports: ['AssignResource deploy@p1'], holder: 'deploy@p1', queue: ['deploy@p2', 'deploy@p3'] },
  ],
  [
    'oldest_first: and then to the next oldest',
    [...contenders('oldest_first'), released('deploy@p0')],
    released('deploy@p1'),
    { reports: ['AssignResource deploy@p2'], holder: 'deploy@p2', queue: ['deploy@p3'] },
  ],
  [
    'newest_first: the release goes to the newest pipeline',
    contenders('newest_first'),
    released('deploy@p0'),
    { reports: ['AssignResource deploy@p3'], holder: 'deploy@p3', queue: ['deploy@p2', 'deploy@p1'] },
  ],
  [
    'newest_first: and then to the next newest',
    [...contenders('newest_first'), released('deploy@p0')],
    released('deploy@p3'),
    { reports: ['AssignResource deploy@p2'], holder: 'deploy@p2', queue: ['deploy@p1'] },
  ],
  [
    'oldest_first: pipelines created at the same time are ordered by pipeline id',
    [
      requested('deploy@p0', { mode: 'oldest_first' }),
      requested('deploy@p9', { mode: 'oldest_first', createdAt: at(5) }), // p9's id is the larger
      requested('deploy@p8', { mode: 'oldest_first', createdAt: at(5) }),
    ],
    released('deploy@p0'),
    { reports: ['AssignResource deploy@p8'], holder: 'deploy@p8', queue: ['deploy@p9'] },
  ],
  [
    'newest_first: two jobs of one pipeline keep their arrival order',
    [
      requested('deploy@p0', { mode: 'newest_first' }),
      requested('migrate@p4', { mode: 'newest_first' }),
      requested('deploy@p4', { mode: 'newest_first' }),
      requested('deploy@p1', { mode: 'newest_first' }),
    ],
    released('deploy@p0'),
    { reports: ['AssignResource migrate@p4'], holder: 'migrate@p4', queue: ['deploy@p4', 'deploy@p1'] },
  ],
  [
    'the process_mode of the latest request wins',
    [requested('deploy@p0'), requested('deploy@p1'), requested('deploy@p3', { mode: 'newest_first' })],
    released('deploy@p0'),
    { reports: ['AssignResource deploy@p3'], holder: 'deploy@p3', queue: ['deploy@p1'], mode: 'newest_first' },
  ],
  [
    'the last release frees the group: no state left',
    [requested('deploy@p1')],
    released('deploy@p1'),
    { reports: [], holder: null },
  ],
  [
    'a release by a job that neither holds nor waits changes nothing',
    [requested('deploy@p1'), requested('deploy@p2')],
    released('deploy@p3'),
    { reports: [], holder: 'deploy@p1', queue: ['deploy@p2'] },
  ],
  [
    'a release by a waiting job (canceled while waiting_for_resource) removes it from the queue',
    [requested('deploy@p1'), requested('deploy@p2'), requested('deploy@p3')],
    released('deploy@p2'),
    { reports: [], holder: 'deploy@p1', queue: ['deploy@p3'] },
  ],
  [
    'a job canceled while waiting never gets the resource',
    [requested('deploy@p1'), requested('deploy@p2'), requested('deploy@p3'), released('deploy@p2')],
    released('deploy@p1'),
    { reports: ['AssignResource deploy@p3'], holder: 'deploy@p3', queue: [] },
  ],
  ['a release on a group with no state changes nothing', [], released('deploy@p1'), { reports: [], holder: null }],
  [
    'a retried job (a new attempt) asks again after its first attempt released: it waits behind the others',
    [requested('deploy@p1'), requested('deploy@p2'), released('deploy@p1')],
    requested('deploy-retry@p1'),
    { reports: [], holder: 'deploy@p2', queue: ['deploy-retry@p1'] },
  ],
];

describe('coordination: resource groups', () => {
  for (const [name, history, record, expected] of rows) {
    it(name, () => {
      given(...history)
        .when(record)
        .then(expected);
    });
  }

  it('over a long run every job of the group is granted exactly once, one at a time, in each mode', () => {
    for (const mode of ['unordered', 'oldest_first', 'newest_first'] as const) {
      const jobs = Array.from({ length: 12 }, (_, i) => `deploy@p${(i * 7) % 12}`);
      const history: CoordinationEvent[] = jobs.map((j) => requested(j, { mode }));
      const granted = [jobs[0]!];
      for (let n = 1; n < jobs.length; n++) {
        const release = released(granted.at(-1)!);
        const out = given(...history).when(release).outcome;
        history.push(release);
        expect(out.reports, `${mode}: one grant per release`).to.have.length(1);
        const report = out.reports[0]!;
        if (report.type !== 'AssignResource' || out.state?.kind !== 'resource') throw new Error('expected a grant');
        expect(out.state.holder.job_id, 'the one granted holds the resource').to.equal(report.job);
        granted.push(jobs.find((j) => idOf(j) === report.job)!);
      }
      expect(new Set(granted).size, mode).to.equal(jobs.length);
    }
  });

  it('nextIndex: nobody waiting → -1', () => {
    expect(nextIndex([], 'oldest_first')).to.equal(-1);
  });
});
