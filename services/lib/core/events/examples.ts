// One valid example of every canonical event, typed with the generated types (the compiler checks them)
// and validated against the JSON schemas by examples.test.ts: if the schemas and the types drift apart,
// one of the two checks fails. Also used by integration tests as realistic payloads.
import type { PipelineEvent } from './generated.js';

const pipeline_id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const job_id = '0193a1b2-c3d4-7e5f-8a9b-1c1d2e3f4a5b';
const env = (seq: number) => ({
  event_id: `0193a1b2-c3d4-7e5f-8a9b-${String(seq).padStart(12, '0')}`,
  occurred_at: '2026-11-28T10:00:00.000Z',
  recorded_at: '2026-11-28T10:00:00.012Z',
  pipeline_id,
  project_id: 'gitlab-org/gitlab',
  seq,
  causation_id: '0193a1b2-c3d4-7e5f-8a9b-ffffffffffff',
  correlation_id: '0193a1b2-c3d4-7e5f-8a9b-eeeeeeeeeeee',
});
const job = { job_id, name: 'rspec 1/4', attempt: 1 };

export const exampleEvents: PipelineEvent[] = [
  {
    ...env(1),
    type: 'PipelineCreated',
    ref: 'main',
    sha: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
    source: 'push',
    definition: {
      stages: ['build', 'test'],
      jobs: [
        {
          name: 'compile',
          stage: 'build',
          needs: null,
          when: 'on_success',
          allow_failure: false,
          retry: { max: 0, when: ['always'] },
        },
        {
          name: 'rspec 1/4',
          stage: 'test',
          needs: ['compile'],
          when: 'on_success',
          allow_failure: false,
          retry: { max: 2, when: ['runner_system_failure', 'stuck_or_timeout_failure'] },
        },
      ],
    },
  },
  { ...env(2), ...job, type: 'JobCreated', stage: 'test', when: 'on_success', allow_failure: false },
  { ...env(3), ...job, type: 'JobEnqueued' },
  { ...env(4), ...job, type: 'JobStarted', runner_id: 'runner-42', queued_ms: 1500 },
  {
    ...env(5),
    ...job,
    type: 'JobFailed',
    failure_reason: 'script_failure',
    failure_reason_raw: null,
    exit_code: 1,
    allow_failure: false,
    duration_ms: 93000,
    log: { ref: `pg:job_logs/${job_id}`, bytes: 1048576, sha256: 'a'.repeat(64) },
    log_excerpt:
      'Failures:\n  1) User validates email\n     Failure/Error: expect(user).to be_valid\n' + 'x'.repeat(3900),
  },
  {
    ...env(6),
    ...job,
    type: 'JobRetried',
    new_job_id: '0193a1b2-c3d4-7e5f-8a9b-2c1d2e3f4a5b',
    new_attempt: 2,
    automatic: false,
  },
  { ...env(7), ...job, type: 'JobSucceeded', duration_ms: 88000 },
  { ...env(8), ...job, type: 'JobCanceled', duration_ms: null },
  { ...env(9), ...job, type: 'JobSkipped', reason: 'predecessors_not_qualified' },
  { ...env(10), ...job, type: 'JobManualActionRequired' },
  { ...env(13), ...job, type: 'JobReopened' },
  { ...env(14), ...job, type: 'JobScheduled', scheduled_at: '2026-11-28T11:00:00.000Z' },
  { ...env(15), ...job, type: 'JobUnscheduled' },
  { ...env(16), ...job, type: 'JobCanceling' },
  { ...env(17), ...job, type: 'JobWaitingForResource', resource_group: 'production', process_mode: 'oldest_first' },
  {
    ...env(18),
    ...job,
    type: 'DownstreamPipelineTriggered',
    downstream_pipeline_id: '0193a1b2-c3d4-7e5f-8a9b-3c1d2e3f4a5b',
    downstream_project_id: 'gitlab-org/gitlab-runner',
    strategy: 'depend',
  },
  {
    ...env(11),
    type: 'PipelineStatusChanged',
    from: 'pending',
    to: 'running',
    warnings: false,
    job_statuses: { running: 1, created: 3 },
  },
  { ...env(12), type: 'PipelineFinished', status: 'success', warnings: true, duration_ms: 320000 },
];
