// Processing after a report (GitLab's AtomicProcessingService): a DAG job's needs decide it with GitLab's DAG
// composite, a need settled in the same pass moves its dependents at once, and a retry re-opens only the
// skipped jobs that depend on the retried one (GitLab's ResetSkippedJobsService).
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';

describe('processing: a DAG job and its needs', () => {
  it('a need that was skipped skips the job at once, even while another need is still pending', () => {
    const def = definition(
      ['build', 'deploy'],
      [
        job('compile', 'build'),
        job('collect-failures', 'build', { when: 'on_failure' }),
        job('publish', 'deploy', { needs: ['compile', 'collect-failures'] }),
      ],
    );
    given()
      .when(new Reports().create(def))
      .then([
        { type: 'PipelineCreated' },
        { type: 'JobCreated', name: 'compile' },
        { type: 'JobCreated', name: 'collect-failures' },
        { type: 'JobCreated', name: 'publish' },
        { type: 'JobEnqueued', name: 'compile' },
        { type: 'JobSkipped', name: 'collect-failures', reason: 'predecessors_not_qualified' },
        { type: 'JobSkipped', name: 'publish', reason: 'predecessors_not_qualified' },
        { type: 'PipelineStatusChanged', from: 'created', to: 'pending' },
      ]);
  });

  it('a need in the same stage, listed after its dependent, settled in the same pass: the dependent moves too', () => {
    const def = definition(
      ['test'],
      [
        job('report', 'test', { needs: ['collect-failures'] }),
        job('collect-failures', 'test', { when: 'on_failure' }),
        job('unit', 'test'),
      ],
    );
    given()
      .when(new Reports().create(def))
      .then([
        { type: 'PipelineCreated' },
        { type: 'JobCreated', name: 'report' },
        { type: 'JobCreated', name: 'collect-failures' },
        { type: 'JobCreated', name: 'unit' },
        { type: 'JobSkipped', name: 'collect-failures' },
        { type: 'JobEnqueued', name: 'unit' },
        { type: 'JobSkipped', name: 'report' },
        { type: 'PipelineStatusChanged', from: 'created', to: 'pending' },
      ]);
  });
});

describe('processing: what a retry re-opens', () => {
  const def = definition(
    ['build', 'test'],
    [
      job('compile', 'build'),
      job('cleanup', 'build', { when: 'on_failure' }),
      job('tests', 'test'),
      job('notify', 'test', { when: 'on_failure' }),
    ],
  );

  it('skipped jobs of the same or an earlier stage do not depend on the retried job: they stay skipped', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile'), ...r.runs('tests', 'failed')]);
    given(events, ctx)
      .when(r.retry('tests'))
      .then([
        { type: 'JobRetried', name: 'tests', attempt: 1, new_attempt: 2 },
        { type: 'JobCreated', name: 'tests', attempt: 2 },
        { type: 'JobEnqueued', name: 'tests', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'failed', to: 'running' },
      ]);
  });
});
