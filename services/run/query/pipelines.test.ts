import { expect } from 'chai';
import { assembleDetail } from './pipelines.js';
import type { JobFields } from './present.js';

describe('query: pipeline detail (stages, DAG)', () => {
  const job = (name: string, stage: string, over: Partial<JobFields> = {}): JobFields => ({
    jobId: `${name}-id`,
    pipelineId: 'p',
    projectId: 'g/p',
    name,
    stage,
    attempt: 1,
    status: 'success',
    retried: false,
    allowFailure: false,
    when: 'on_success',
    needs: null,
    runnerId: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    queuedMs: null,
    durationMs: null,
    failureReason: null,
    failureReasonRaw: null,
    exitCode: null,
    logRef: null,
    lastSeq: 1,
    scheduledAt: null,
    variableKeys: null,
    downstreamPipelineId: null,
    resourceGroup: null,
    autoCanceledBy: null,
    externalId: null,
    externalUrl: null,
    userName: null,
    steps: null,
    logFetchError: null,
    ...over,
  });

  it('stage status is the composite of its latest jobs; stages follow the definition, empty ones are left out', () => {
    const { stages, jobs } = assembleDetail(
      ['build', 'test', 'lint', 'deploy'],
      [
        job('unit', 'test', { status: 'running' }),
        job('compile', 'build'),
        job('style', 'build', { status: 'failed', allowFailure: true }),
        job('e2e', 'test', { status: 'pending' }),
        job('prod', 'deploy', { status: 'manual', when: 'manual', allowFailure: true }),
        job('smoke', 'deploy', { status: 'created' }),
      ],
    );
    expect(stages).to.deep.equal([
      { name: 'build', status: 'success', warnings: true },
      { name: 'test', status: 'running', warnings: false },
      { name: 'deploy', status: 'created', warnings: false },
    ]);
    expect(jobs.map((j) => j.name)).to.deep.equal(['compile', 'style', 'e2e', 'unit', 'prod', 'smoke']);
  });

  it('a stage the definition does not list comes last rather than disappearing', () => {
    expect(assembleDetail(['a'], [job('x', 'b'), job('y', 'a')]).stages.map((s) => s.name)).to.deep.equal(['a', 'b']);
  });

  it('one DAG edge per needs entry; jobs with needs null (stage order) have none', () => {
    const { dag } = assembleDetail(
      ['build', 'test'],
      [
        job('compile', 'build'),
        job('lint', 'build'),
        job('docs', 'test', { needs: ['compile'] }),
        job('pkg', 'test', { needs: ['compile', 'lint'] }),
        job('solo', 'test', { needs: [] }),
      ],
    );
    expect(dag).to.deep.equal([
      { from: 'compile', to: 'docs' },
      { from: 'compile', to: 'pkg' },
      { from: 'lint', to: 'pkg' },
    ]);
  });
});
