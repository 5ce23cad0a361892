// Test support: given/when/then for the coordinator's decisions, in the style of ../pipeline/spec.ts.
//   given(requested('deploy@p1'), requested('deploy@p2')).when(released('deploy@p1'))
//     .then({ reports: ['AssignResource deploy@p2'], holder: 'deploy@p2', queue: [] })
// Jobs are named `<job>@<pipeline>` and pipelines `p<N>`: ids are UUIDs derived from the labels, and pipeline
// pN was created N seconds after 10:00 unless told otherwise. Every decision made here is also checked for the
// invariants: coordinate never mutates its input, a state restored from its JSON snapshot decides the same,
// the same record decided again once folded in changes nothing and reports nothing (idempotence), a free group
// has no state, a ref's open set is ordered and bounded.
import assert from 'node:assert/strict';
import type {
  CoordinationEvent,
  RefPipelineClosed,
  RefPipelineOpened,
  ResourceReleased,
  ResourceRequested,
} from '../events/generated.js';
import { coordinate, type CoordinateOptions } from './coordinate.js';
import { refKey, resourceKey } from './keys.js';
import { comparePipelineAge } from './order.js';
import type { CoordinationReport, CoordinationState, Outcome, ProcessMode } from './state.js';

export const PROJECT = 'group/app';
export const GROUP = 'production';
export const REF = 'feature/login';

const labels = new Map<string, string>();
const byId = new Map<string, string>();
/** A stable UUID for a label: pipeline pN → …-8a9b-<N> (so ids order like N), anything else by first use. */
export function idOf(label: string): string {
  let id = labels.get(label);
  if (!id) {
    const n = /^p(\d+)$/.exec(label)?.[1];
    id =
      n !== undefined
        ? `0193a1b2-c3d4-7e5f-8a9b-${Number(n).toString(16).padStart(12, '0')}`
        : `0193a1b2-c3d4-7e5f-aa9b-${(labels.size + 1).toString(16).padStart(12, '0')}`;
    labels.set(label, id);
    byId.set(id, label);
  }
  return id;
}
const labelOf = (id: string) => byId.get(id) ?? id;

/** 10:00 plus `s` seconds on a fixed day. */
export const at = (s: number): string => new Date(Date.UTC(2026, 10, 28, 10, 0, s)).toISOString();
const createdAtOf = (pipeline: string) => at(Number(/^p(\d+)$/.exec(pipeline)?.[1] ?? 0));

let records = 0;
const envelope = (pipeline: string, key: string) => ({
  record_id: `0193a1b2-c3d4-7e5f-9a9b-${(++records).toString(16).padStart(12, '0')}`,
  key,
  project_id: PROJECT,
  pipeline_id: idOf(pipeline),
  recorded_at: at(100 + records),
  correlation_id: idOf(`correlation of ${pipeline}`),
});

export function requested(
  job: string,
  opts: { mode?: ProcessMode; createdAt?: string; group?: string } = {},
): ResourceRequested {
  const [name, pipeline] = job.split('@') as [string, string];
  const group = opts.group ?? GROUP;
  return {
    type: 'ResourceRequested',
    ...envelope(pipeline, resourceKey(PROJECT, group)),
    resource_group: group,
    process_mode: opts.mode ?? 'unordered',
    pipeline_created_at: opts.createdAt ?? createdAtOf(pipeline),
    job_id: idOf(job),
    job_name: name,
    requested_at: at(60 + records),
  };
}

export function released(job: string, group = GROUP): ResourceReleased {
  const pipeline = job.split('@')[1]!;
  return {
    type: 'ResourceReleased',
    ...envelope(pipeline, resourceKey(PROJECT, group)),
    resource_group: group,
    job_id: idOf(job),
  };
}

export function opened(
  pipeline: string,
  sha: string,
  opts: { createdAt?: string; reopened?: boolean } = {},
): RefPipelineOpened {
  return {
    type: 'RefPipelineOpened',
    ...envelope(pipeline, refKey(PROJECT, REF)),
    ref: REF,
    sha,
    created_at: opts.createdAt ?? createdAtOf(pipeline),
    reopened: opts.reopened ?? false,
  };
}

export function closed(pipeline: string): RefPipelineClosed {
  return { type: 'RefPipelineClosed', ...envelope(pipeline, refKey(PROJECT, REF)), ref: REF };
}

/** A report as the tables write it: `AssignResource deploy@p2`, `AutoCancel p1 by p3`. */
export function describeReport(r: CoordinationReport): string {
  return r.type === 'AssignResource'
    ? `AssignResource ${labelOf(r.job)}`
    : `AutoCancel ${labelOf(r.pipeline_id)} by ${labelOf(r.by_pipeline_id)}`;
}

export interface Expected {
  reports: string[];
  /** Resource group: the holder's label (null: free, no state). */
  holder?: string | null;
  queue?: string[];
  mode?: ProcessMode;
  /** Ref: the open pipelines' labels, oldest first. */
  open?: string[];
  dropped?: string[];
}

/** The state after folding `history` (reports ignored), checked on the way. */
export function foldRecords(
  history: readonly CoordinationEvent[],
  opts: CoordinateOptions = {},
  state: CoordinationState | null = null,
): CoordinationState | null {
  return history.reduce<CoordinationState | null>((s, r) => decideChecked(s, r, opts).state, state);
}

function decideChecked(state: CoordinationState | null, record: CoordinationEvent, opts: CoordinateOptions): Outcome {
  const before = JSON.stringify(state);
  const outcome = coordinate(state, record, opts);
  assert.equal(JSON.stringify(state), before, 'coordinate must not mutate the state');
  assert.deepEqual(
    coordinate(JSON.parse(before) as CoordinationState | null, record, opts),
    outcome,
    'a restored state decides the same',
  );
  const again = coordinate(outcome.state, record, opts);
  assert.deepEqual([again.state, again.reports], [outcome.state, []], `${record.type} decided twice changes nothing`);
  const s = outcome.state;
  if (s?.kind === 'resource') {
    assert.ok(!s.queue.some((w) => w.job_id === s.holder.job_id), 'the holder does not wait');
    assert.equal(new Set(s.queue.map((w) => w.job_id)).size, s.queue.length, 'a job waits once');
  }
  if (s?.kind === 'ref') {
    assert.ok(s.open.length > 0, 'an empty ref has no state');
    for (let i = 1; i < s.open.length; i++) {
      const [a, b] = [s.open[i - 1]!, s.open[i]!];
      assert.ok(comparePipelineAge(a.created_at, a.pipeline_id, b.created_at, b.pipeline_id) < 0, 'open set ordered');
    }
  }
  return outcome;
}

export function given(...history: CoordinationEvent[]) {
  return {
    when(record: CoordinationEvent, opts: CoordinateOptions = {}) {
      const state = foldRecords(history, opts);
      const outcome = decideChecked(state, record, opts);
      return {
        outcome,
        then(expected: Expected): Outcome {
          assert.deepEqual(outcome.reports.map(describeReport), expected.reports, 'reports');
          const s = outcome.state;
          if (expected.holder !== undefined) {
            assert.equal(
              s === null ? null : s.kind === 'resource' ? labelOf(s.holder.job_id) : 'not a group',
              expected.holder,
              'holder',
            );
          }
          if (expected.queue !== undefined)
            assert.deepEqual(
              s?.kind === 'resource' ? s.queue.map((w) => labelOf(w.job_id)) : [],
              expected.queue,
              'queue',
            );
          if (expected.mode !== undefined)
            assert.equal(s?.kind === 'resource' ? s.process_mode : undefined, expected.mode, 'process_mode');
          if (expected.open !== undefined)
            assert.deepEqual(s?.kind === 'ref' ? s.open.map((p) => labelOf(p.pipeline_id)) : [], expected.open, 'open');
          if (expected.dropped !== undefined)
            assert.deepEqual(
              outcome.dropped.map((p) => labelOf(p.pipeline_id)),
              expected.dropped,
              'dropped',
            );
          return outcome;
        },
      };
    },
  };
}
