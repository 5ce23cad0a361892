import { expect } from 'chai';
import { compositeStatus, type CompositeInput, type CompositeResult } from './composite.js';
import { isCompleted, JOB_STATUSES, type JobStatus } from './status.js';

type Composite = (jobs: readonly CompositeInput[], options?: { dag?: boolean }) => CompositeResult;

/** 'failed!' is a failed job with allow_failure: true. */
const parse = (spec: string): CompositeInput[] =>
  spec
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => ({ status: s.replace('!', '') as JobStatus, allow_failure: s.endsWith('!') }));
const show = (jobs: readonly CompositeInput[]) =>
  jobs.map((j) => `${j.status}${j.allow_failure ? '!' : ''}`).join(' ') || '(none)';

// Expected by reading GitLab's rules by hand (and its composite_spec), not by running the code. `+w`: warnings.
const TABLE: [jobs: string, expected: string][] = [
  ['', 'success'],
  ['skipped', 'skipped'],
  ['manual!', 'skipped'],
  ['skipped manual!', 'skipped'],
  ['success', 'success'],
  ['success skipped', 'success'],
  ['success manual!', 'success'],
  ['failed!', 'success+w'],
  ['canceled!', 'success+w'],
  ['skipped failed!', 'success+w'],
  ['created', 'created'],
  ['created manual!', 'created'],
  ['created failed!', 'created+w'],
  ['canceled', 'canceled'],
  ['canceled success skipped', 'canceled'],
  ['canceled failed!', 'canceled+w'],
  ['canceled manual!', 'canceled'],
  ['success failed! canceled', 'canceled+w'],
  ['pending', 'pending'],
  ['pending created', 'pending'],
  ['pending skipped failed!', 'pending+w'],
  ['manual! pending', 'pending'],
  ['skipped created', 'pending'],
  ['pending success', 'running'],
  ['running', 'running'],
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
];

const DAG_TABLE: [jobs: string, expected: string][] = [
  ['', 'success'],
  ['success', 'success'],
  ['failed!', 'success+w'],
  ['success failed', 'failed'],
  ['failed', 'failed'],
  ['canceled', 'canceled'],
  ['skipped', 'skipped'],
  ['manual!', 'skipped'],
  ['running skipped', 'skipped'],
  ['success manual!', 'skipped'],
  ['success running', 'pending'],
  ['success created', 'pending'],
  ['manual', 'pending'],
  ['pending', 'pending'],
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

/** Every multiset of 1..3 (status, allow_failure) pairs: 16 + 136 + 816 = 968. */
function allMultisets(): CompositeInput[][] {
  const atoms = JOB_STATUSES.flatMap((status) => [false, true].map((allow_failure) => ({ status, allow_failure })));
  const out: CompositeInput[][] = [];
  const grow = (prefix: CompositeInput[], from: number) => {
    if (prefix.length > 0) out.push(prefix);
    if (prefix.length === 3) return;
    for (let i = from; i < atoms.length; i++) grow([...prefix, atoms[i]!], i);
  };
  grow([], 0);
  return out;
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const blocking = (j: CompositeInput, ...statuses: JobStatus[]) => !j.allow_failure && statuses.includes(j.status);
const has = (jobs: CompositeInput[], ...statuses: JobStatus[]) => jobs.some((j) => statuses.includes(j.status));

/** Properties of GitLab's composite stated independently of the rule list. */
const PROPERTIES: [name: string, holds: (jobs: CompositeInput[], r: CompositeResult, fn: Composite) => boolean][] = [
  ['order does not matter', (jobs, r, fn) => permutations(jobs).every((p) => render(fn(p)) === render(r))],
  ['duplicates do not matter', (jobs, r, fn) => render(fn([...jobs, jobs[0]!])) === render(r)],
  [
    'warnings iff a failed/canceled job was allowed to fail',
    (jobs, r) => r.warnings === jobs.some((j) => j.allow_failure && (j.status === 'failed' || j.status === 'canceled')),
  ],
  ['any running → running', (jobs, r) => !has(jobs, 'running') || r.status === 'running'],
  [
    'any pending → pending or running',
    (jobs, r) => !has(jobs, 'pending') || r.status === 'pending' || r.status === 'running',
  ],
  [
    'never created while anything but created/allowed-to-fail jobs',
    (jobs, r) =>
      r.status !== 'created' ||
      jobs.every(
        (j) => j.status === 'created' || (j.allow_failure && ['failed', 'canceled', 'manual'].includes(j.status)),
      ),
  ],
  ['all complete → complete', (jobs, r) => !jobs.every((j) => isCompleted(j.status)) || isCompleted(r.status)],
  [
    'blocking manual, nothing active → manual',
    (jobs, r) =>
      !(jobs.some((j) => blocking(j, 'manual')) && !has(jobs, 'created', 'pending', 'running')) ||
      r.status === 'manual',
  ],
  [
    'blocking failure, nothing active or manual → failed',
    (jobs, r) =>
      !(
        jobs.some((j) => blocking(j, 'failed')) &&
        !has(jobs, 'created', 'pending', 'running') &&
        !jobs.some((j) => blocking(j, 'manual'))
      ) || r.status === 'failed',
  ],
  [
    'success → no blocking failure, nothing active or blocking',
    (jobs, r) =>
      r.status !== 'success' ||
      !jobs.some((j) => blocking(j, 'failed', 'canceled', 'manual', 'created', 'pending', 'running')),
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

function propertyViolations(fn: Composite): string[] {
  const out: string[] = [];
  for (const jobs of allMultisets()) {
    const r = fn(jobs);
    for (const [name, holds] of PROPERTIES) if (!holds(jobs, r, fn)) out.push(`${name}: ${show(jobs)} → ${render(r)}`);
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

  it('enumerates 968 multisets of up to three statuses, with and without allow_failure', () => {
    expect(allMultisets()).to.have.length(968);
  });

  it('satisfies every property on every multiset', () => {
    expect(propertyViolations(compositeStatus)).to.deep.equal([]);
  });

  it('covers every result status in the enumeration', () => {
    const seen = new Set(allMultisets().map((jobs) => compositeStatus(jobs).status));
    expect([...seen].sort()).to.deep.equal([...JOB_STATUSES].sort());
  });

  describe('the table and the properties can fail: each wrong composite is caught', () => {
    const mutants: [name: string, fn: Composite][] = [
      [
        'allow_failure ignored',
        (jobs, o) =>
          compositeStatus(
            jobs.map((j) => ({ ...j, allow_failure: false })),
            o,
          ),
      ],
      [
        'manual checked before running',
        (jobs, o) => {
          const r = compositeStatus(jobs, o);
          return jobs.some((j) => j.status === 'manual' && !j.allow_failure) ? { ...r, status: 'manual' } : r;
        },
      ],
      [
        'created alone reported as pending',
        (jobs, o) => {
          const r = compositeStatus(jobs, o);
          return r.status === 'created' ? { ...r, status: 'pending' } : r;
        },
      ],
      [
        'no predecessors counted as skipped',
        (jobs, o) => (jobs.length === 0 ? { status: 'skipped', warnings: false } : compositeStatus(jobs, o)),
      ],
      ['dag rules not applied', (jobs) => compositeStatus(jobs)],
      [
        'warnings from any failure',
        (jobs, o) => ({ ...compositeStatus(jobs, o), warnings: jobs.some((j) => j.status === 'failed') }),
      ],
    ];
    for (const [name, fn] of mutants) {
      it(`catches: ${name}`, () => {
        expect(tableViolations(fn).length + propertyViolations(fn).length).to.be.greaterThan(0);
      });
    }
    it('the real composite has no violations', () => {
      expect(tableViolations(compositeStatus)).to.deep.equal([]);
    });
  });
});
