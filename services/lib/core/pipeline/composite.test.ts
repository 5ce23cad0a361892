import { expect } from 'chai';
import { compositeStatus, type CompositeInput, type CompositeResult } from './composite.js';
import { isCompleted, JOB_STATUSES, type JobStatus } from './status.js';

type Composite = (jobs: readonly CompositeInput[], options?: { dag?: boolean }) => CompositeResult;

/** 'failed!' is a failed job with allow_failure: true. */
const parse = (spec: string): CompositeInput[] =>
  spec
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => {
      const status = s.replace('!', '');
      if (!(JOB_STATUSES as readonly string[]).includes(status)) throw new Error(`not a job status: ${s}`);
      return { status: status as JobStatus, allow_failure: s.endsWith('!') };
    });
const show = (jobs: readonly CompositeInput[]) =>
  jobs.map((j) => `${j.status}${j.allow_failure ? '!' : ''}`).join(' ') || '(none)';

// Expected by reading GitLab's rules by hand (lib/gitlab/ci/status/composite.rb and its composite_spec), not by
// running the code. `+w`: warnings. allow_failure only changes failed and canceled (success_with_warnings) and
// manual (ignored); the first matching rule decides, so e.g. `preparing created` is preparing: GitLab checks
// any_of?(:preparing) before any_of?(:created).
const TABLE: [jobs: string, expected: string][] = [
  ['', 'success'],
  ['skipped', 'skipped'],
  ['skipped!', 'skipped'],
  ['manual!', 'skipped'],
  ['skipped manual!', 'skipped'],
  ['success', 'success'],
  ['success!', 'success'],
  ['success skipped', 'success'],
  ['success manual!', 'success'],
  ['failed!', 'success+w'],
  ['canceled!', 'success+w'],
  ['skipped failed!', 'success+w'],
  ['created', 'created'],
  ['created!', 'created'],
  ['created manual!', 'created'],
  ['created failed!', 'created+w'],
  ['canceled', 'canceled'],
  ['canceled success skipped', 'canceled'],
  ['canceled failed!', 'canceled+w'],
  ['canceled manual!', 'canceled'],
  ['success failed! canceled', 'canceled+w'],
  ['pending', 'pending'],
  ['pending!', 'pending'],
  ['pending created', 'pending'],
  ['pending skipped failed!', 'pending+w'],
  ['manual! pending', 'pending'],
  ['skipped created', 'pending'],
  ['pending success', 'running'],
  ['running', 'running'],
  ['running!', 'running'],
  ['running created', 'running'],
  ['running manual', 'running'],
  ['pending manual', 'running'],
  ['manual! running', 'running'],
  ['created success', 'running'],
  ['created failed', 'running'],
  ['created canceled', 'running'],
  ['manual', 'manual'],
  ['manual success', 'manual'],
  ['manual failed', 'manual'],
  ['manual created', 'manual'],
  ['skipped manual', 'manual'],
  ['failed', 'failed'],
  ['failed success', 'failed'],
  ['failed canceled', 'failed'],
  ['failed skipped manual!', 'failed'],
  ['failed canceled!', 'failed+w'],
  // waiting_for_resource: after running/pending, before everything else.
  ['waiting_for_resource', 'waiting_for_resource'],
  ['waiting_for_resource!', 'waiting_for_resource'],
  ['waiting_for_resource failed!', 'waiting_for_resource+w'],
  ['waiting_for_resource success', 'waiting_for_resource'],
  ['waiting_for_resource failed', 'waiting_for_resource'],
  ['waiting_for_resource created', 'waiting_for_resource'],
  ['waiting_for_resource manual', 'waiting_for_resource'],
  ['waiting_for_resource scheduled', 'waiting_for_resource'],
  ['waiting_for_resource preparing', 'waiting_for_resource'],
  ['waiting_for_resource canceling', 'waiting_for_resource'],
  ['waiting_for_resource pending', 'running'],
  ['waiting_for_resource running', 'running'],
  // preparing: alone (or with allowed-to-fail jobs) it is preparing; otherwise after manual and scheduled.
  ['preparing', 'preparing'],
  ['preparing!', 'preparing'],
  ['preparing failed!', 'preparing+w'],
  ['preparing manual!', 'preparing'],
  ['preparing success', 'preparing'],
  ['preparing skipped', 'preparing'],
  ['preparing failed', 'preparing'],
  ['preparing created', 'preparing'],
  ['preparing created skipped', 'preparing'],
  ['preparing canceling', 'preparing'],
  ['preparing manual', 'manual'],
  ['preparing scheduled', 'scheduled'],
  ['preparing pending', 'running'],
  // canceling: last before failed; a job being canceled keeps finished jobs from deciding.
  ['canceling', 'canceling'],
  ['canceling!', 'canceling'],
  ['canceling success', 'canceling'],
  ['canceling failed', 'canceling'],
  ['canceling canceled', 'canceling'],
  ['canceling skipped', 'canceling'],
  ['canceling failed!', 'canceling+w'],
  ['canceling manual!', 'canceling'],
  ['canceling running', 'running'],
  ['canceling pending', 'running'],
  ['canceling created', 'running'],
  ['canceling manual', 'manual'],
  ['canceling scheduled', 'scheduled'],
  // scheduled: after manual, before preparing and created.
  ['scheduled', 'scheduled'],
  ['scheduled!', 'scheduled'],
  ['scheduled success', 'scheduled'],
  ['scheduled failed', 'scheduled'],
  ['scheduled canceled!', 'scheduled+w'],
  ['scheduled skipped', 'scheduled'],
  ['scheduled manual!', 'scheduled'],
  ['scheduled created', 'scheduled'],
  ['manual scheduled', 'manual'],
  ['scheduled running', 'running'],
  ['scheduled pending', 'running'],
];

const DAG_TABLE: [jobs: string, expected: string][] = [
  ['', 'success'],
  ['success', 'success'],
  ['failed!', 'success+w'],
  ['success failed!', 'success+w'],
  ['success failed', 'failed'],
  ['failed', 'failed'],
  ['failed canceled', 'failed'],
  ['canceled', 'canceled'],
  ['canceled failed!', 'canceled+w'],
  ['skipped', 'skipped'],
  ['manual!', 'skipped'],
  ['running skipped', 'skipped'],
  ['success manual!', 'skipped'],
  ['canceling skipped', 'skipped'],
  ['scheduled manual!', 'skipped'],
  ['success running', 'pending'],
  ['success created', 'pending'],
  ['manual', 'pending'],
  ['pending', 'pending'],
  ['scheduled', 'pending'],
  ['success canceling', 'pending'],
  ['canceling', 'pending'],
  ['waiting_for_resource', 'pending'],
  ['preparing', 'pending'],
];

const render = (r: CompositeResult) => `${r.status}${r.warnings ? '+w' : ''}`;

function tableViolations(fn: Composite): string[] {
  return [
    ...TABLE.filter(([jobs, exp]) => render(fn(parse(jobs))) !== exp).map(
      ([jobs, exp]) => `${jobs || '(none)'}: ${render(fn(parse(jobs)))} ≠ ${exp}`,
    ),
    ...DAG_TABLE.filter(([jobs, exp]) => render(fn(parse(jobs), { dag: true })) !== exp).map(
      ([jobs, exp]) => `dag ${jobs}: ≠ ${exp}`,
    ),
  ];
}

/**
 * Every multiset of 1..4 (status, allow_failure) pairs over the 24 pairs of the 12 statuses:
 * C(24,1) + C(25,2) + C(26,3) + C(27,4) = 24 + 300 + 2600 + 17550 = 20474.
 */
function allMultisets(): CompositeInput[][] {
  const atoms = JOB_STATUSES.flatMap((status) => [false, true].map((allow_failure) => ({ status, allow_failure })));
  const out: CompositeInput[][] = [];
  const grow = (prefix: CompositeInput[], from: number) => {
    if (prefix.length > 0) out.push(prefix);
    if (prefix.length === 4) return;
    for (let i = from; i < atoms.length; i++) grow([...prefix, atoms[i]!], i);
  };
  grow([], 0);
  return out;
}
const MULTISETS = allMultisets();

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

type Jobs = readonly CompositeInput[];
const has = (jobs: Jobs, ...statuses: JobStatus[]) => jobs.some((j) => statuses.includes(j.status));
/** Allowed to fail: a failed or canceled job with allow_failure, or an optional manual job. */
const allowed = (j: CompositeInput) => j.allow_failure && ['failed', 'canceled', 'manual'].includes(j.status);
/** A failed, canceled or manual job that is not allowed to fail (allow_failure matters for no other status). */
const blocking = (jobs: Jobs, status: 'failed' | 'canceled' | 'manual') =>
  jobs.some((j) => j.status === status && !j.allow_failure);
const every = (jobs: Jobs, ...statuses: JobStatus[]) => jobs.every((j) => statuses.includes(j.status) || allowed(j));
/** Statuses that keep a set of jobs from finishing (GitLab's ALIVE_STATUSES). */
const ALIVE: JobStatus[] = ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'canceling'];
const iff = (a: boolean, b: boolean) => a === b;

/**
 * Properties of GitLab's composite stated independently of the rule list: what a composite status promises
 * about the jobs behind it. Each must hold on every multiset. They pin every status but not pending against
 * running (that split, e.g. `skipped created` → pending, is left to the table).
 */
const PROPERTIES: [name: string, holds: (jobs: Jobs, r: CompositeResult, fn: Composite) => boolean][] = [
  ['order does not matter', (jobs, r, fn) => permutations(jobs).every((p) => render(fn(p)) === render(r))],
  ['duplicates do not matter', (jobs, r, fn) => render(fn([...jobs, jobs[0]!])) === render(r)],
  [
    'warnings iff a failed/canceled job was allowed to fail',
    (jobs, r) => r.warnings === jobs.some((j) => j.allow_failure && (j.status === 'failed' || j.status === 'canceled')),
  ],
  [
    'complete iff every job is complete or an optional manual',
    (jobs, r) =>
      iff(
        isCompleted(r.status),
        jobs.every((j) => isCompleted(j.status) || allowed(j)),
      ),
  ],
  ['any running → running', (jobs, r) => !has(jobs, 'running') || r.status === 'running'],
  [
    'any pending → pending or running',
    (jobs, r) => !has(jobs, 'pending') || r.status === 'pending' || r.status === 'running',
  ],
  [
    'running → some job running, pending or created',
    (jobs, r) => r.status !== 'running' || has(jobs, 'running', 'pending', 'created'),
  ],
  [
    'pending → every job pending, created, skipped or allowed to fail',
    (jobs, r) => r.status !== 'pending' || every(jobs, 'pending', 'created', 'skipped'),
  ],
  [
    'created iff some job created and every job created or allowed to fail',
    (jobs, r) => iff(r.status === 'created', has(jobs, 'created') && every(jobs, 'created')),
  ],
  [
    'skipped iff every job skipped or an optional manual',
    (jobs, r) =>
      iff(
        r.status === 'skipped',
        jobs.every((j) => j.status === 'skipped' || (j.allow_failure && j.status === 'manual')),
      ),
  ],
  [
    'success iff every job succeeded, was skipped or allowed to fail, and one succeeded or failed allowed',
    (jobs, r) =>
      iff(
        r.status === 'success',
        every(jobs, 'success', 'skipped') &&
          jobs.some((j) => j.status === 'success' || (j.allow_failure && ['failed', 'canceled'].includes(j.status))),
      ),
  ],
  [
    'canceled iff a blocking canceled job and every job succeeded, was skipped, canceled or allowed to fail',
    (jobs, r) =>
      iff(r.status === 'canceled', blocking(jobs, 'canceled') && every(jobs, 'success', 'skipped', 'canceled')),
  ],
  [
    'waiting_for_resource iff a job waits for a resource and none is running or pending',
    (jobs, r) =>
      iff(r.status === 'waiting_for_resource', has(jobs, 'waiting_for_resource') && !has(jobs, 'running', 'pending')),
  ],
  [
    'manual iff a blocking manual job and none running, pending or waiting for a resource',
    (jobs, r) =>
      iff(r.status === 'manual', blocking(jobs, 'manual') && !has(jobs, 'running', 'pending', 'waiting_for_resource')),
  ],
  [
    'scheduled iff a scheduled job and none running, pending, waiting for a resource or blocking manual',
    (jobs, r) =>
      iff(
        r.status === 'scheduled',
        has(jobs, 'scheduled') && !has(jobs, 'running', 'pending', 'waiting_for_resource') && !blocking(jobs, 'manual'),
      ),
  ],
  [
    'preparing iff a preparing job and none running, pending, waiting for a resource, scheduled or blocking manual',
    (jobs, r) =>
      iff(
        r.status === 'preparing',
        has(jobs, 'preparing') &&
          !has(jobs, 'running', 'pending', 'waiting_for_resource', 'scheduled') &&
          !blocking(jobs, 'manual'),
      ),
  ],
  [
    'canceling iff a canceling job and no other alive, scheduled or blocking manual job',
    (jobs, r) =>
      iff(
        r.status === 'canceling',
        has(jobs, 'canceling') &&
          !has(jobs, ...ALIVE.filter((s) => s !== 'canceling'), 'scheduled') &&
          !blocking(jobs, 'manual'),
      ),
  ],
  [
    'failed iff a blocking failed job and nothing alive, scheduled or blocking manual',
    (jobs, r) =>
      iff(
        r.status === 'failed',
        blocking(jobs, 'failed') && !has(jobs, ...ALIVE, 'scheduled') && !blocking(jobs, 'manual'),
      ),
  ],
  [
    'allow_failure only matters for failed, canceled, manual',
    (jobs, r, fn) =>
      render(
        fn(
          jobs.map((j) =>
            ['failed', 'canceled', 'manual'].includes(j.status) ? j : { ...j, allow_failure: !j.allow_failure },
          ),
        ),
      ) === render(r),
  ],
  [
    'failed! and canceled! are interchangeable',
    (jobs, r, fn) =>
      render(
        fn(jobs.map((j) => (j.allow_failure && j.status === 'failed' ? { ...j, status: 'canceled' as const } : j))),
      ) === render(r),
  ],
  [
    'dag: a need that did not run → skipped; else incomplete → pending',
    (jobs, _r, fn) => {
      const d = fn(jobs, { dag: true }).status;
      if (jobs.some((j) => j.status === 'skipped' || (j.allow_failure && j.status === 'manual')))
        return d === 'skipped';
      if (jobs.some((j) => !isCompleted(j.status))) return d === 'pending';
      return d === fn(jobs).status;
    },
  ],
];

/** The violations of `fn` on the enumeration, stopping after `limit` of them. */
function propertyViolations(fn: Composite, limit = Infinity): string[] {
  const out: string[] = [];
  for (const jobs of MULTISETS) {
    const r = fn(jobs);
    for (const [name, holds] of PROPERTIES) {
      if (!holds(jobs, r, fn)) out.push(`${name}: ${show(jobs)} → ${render(r)}`);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

describe('compositeStatus (GitLab Composite)', () => {
  for (const [jobs, expected] of TABLE) {
    it(`${jobs || '(none)'} → ${expected}`, () => expect(render(compositeStatus(parse(jobs)))).to.equal(expected));
  }
  for (const [jobs, expected] of DAG_TABLE) {
    it(`dag: ${jobs || '(none)'} → ${expected}`, () =>
      expect(render(compositeStatus(parse(jobs), { dag: true }))).to.equal(expected));
  }

  it(`satisfies each of the ${PROPERTIES.length} properties on every one of the 20474 multisets`, () => {
    expect(propertyViolations(compositeStatus)).to.deep.equal([]);
  });

  it('covers every result status (all 12) in the enumeration', () => {
    const seen = new Set(MULTISETS.map((jobs) => compositeStatus(jobs).status));
    expect([...seen].sort()).to.deep.equal([...JOB_STATUSES].sort());
  });

  describe('the table and the properties can fail: each wrong composite is caught', () => {
    /** `fn`, with its result for some sets replaced. */
    const patched =
      (when: (jobs: Jobs, r: CompositeResult) => boolean, status: JobStatus): Composite =>
      (jobs, o) => {
        const r = compositeStatus(jobs, o);
        return when(jobs, r) ? { ...r, status } : r;
      };
    // Each mutant must be caught by the table and, separately, by the properties; `tableOnly` marks the one
    // the enumeration cannot see (it has no empty set).
    const mutants: [name: string, fn: Composite, tableOnly?: 'tableOnly'][] = [
      [
        'allow_failure ignored',
        (jobs, o) =>
          compositeStatus(
            jobs.map((j) => ({ ...j, allow_failure: false })),
            o,
          ),
      ],
      ['manual checked before running', patched((jobs) => blocking(jobs, 'manual'), 'manual')],
      ['created alone reported as pending', patched((_, r) => r.status === 'created', 'pending')],
      [
        'no predecessors counted as skipped',
        (jobs, o) => (jobs.length === 0 ? { status: 'skipped', warnings: false } : compositeStatus(jobs, o)),
        'tableOnly',
      ],
      ['dag rules not applied', (jobs) => compositeStatus(jobs)],
      [
        'warnings from any failure',
        (jobs, o) => ({ ...compositeStatus(jobs, o), warnings: jobs.some((j) => j.status === 'failed') }),
      ],
      [
        'scheduled checked before manual',
        patched((jobs, r) => r.status === 'manual' && has(jobs, 'scheduled'), 'scheduled'),
      ],
      [
        'canceling treated as running',
        (jobs, o) =>
          compositeStatus(
            jobs.map((j) => (j.status === 'canceling' ? { ...j, status: 'running' as const } : j)),
            o,
          ),
      ],
      [
        'canceling counted as finished (failed)',
        (jobs, o) =>
          compositeStatus(
            jobs.map((j) => (j.status === 'canceling' ? { ...j, status: 'failed' as const } : j)),
            o,
          ),
      ],
      [
        'preparing alone reported as pending',
        patched((jobs, r) => r.status === 'preparing' && every(jobs, 'preparing'), 'pending'),
      ],
      [
        'created checked before preparing',
        patched((jobs, r) => r.status === 'preparing' && has(jobs, 'created'), 'running'),
      ],
      [
        'waiting_for_resource after manual',
        patched((jobs, r) => r.status === 'waiting_for_resource' && blocking(jobs, 'manual'), 'manual'),
      ],
      [
        'allow_failure makes a scheduled job optional, like a manual one',
        (jobs, o) =>
          compositeStatus(
            jobs.map((j) => (j.allow_failure && j.status === 'scheduled' ? { ...j, status: 'manual' as const } : j)),
            o,
          ),
      ],
    ];
    for (const [name, fn, tableOnly] of mutants) {
      it(`catches: ${name} (table)`, () => expect(tableViolations(fn)).to.not.be.empty);
      if (!tableOnly) it(`catches: ${name} (properties)`, () => expect(propertyViolations(fn, 1)).to.not.be.empty);
    }
    it('the real composite has no violations', () => {
      expect(tableViolations(compositeStatus)).to.deep.equal([]);
    });
  });
});
