import { expect } from 'chai';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import {
  definition,
  job,
  PIPELINE_ID,
  PROJECT_ID,
  Reports,
  testContext,
  testId,
} from '../../lib/core/pipeline/fixtures.js';
import { run } from '../../lib/core/pipeline/spec.js';
import { directoryRows } from './directory.js';

describe('ingest: pipeline directory rows from canonical events', () => {
  // A pipeline whose job fails, is auto-retried (JobRetried + JobCreated of attempt 2), and a manual job.
  const r = new Reports();
  const def = definition(
    ['test', 'ship'],
    [
      job('unit', 'test', { retry: { max: 1, when: ['always'] } }),
      job('deploy', 'ship', { when: 'manual', allow_failure: true }),
    ],
  );
  const { events } = run([r.create(def), ...r.runs('unit', 'failed'), ...r.runs('unit')]);

  it("PipelineCreated → the owner, the job names of the definition and the create's report id", () => {
    expect(directoryRows(events).owners).to.deep.equal([
      { pipelineId: PIPELINE_ID, projectId: PROJECT_ID, jobNames: ['unit', 'deploy'], reportId: testId('0b', 1) },
    ]);
  });

  it("every attempt id: JobCreated's job_id (attempt 1 of each job, and the retry's attempt 2) once each", () => {
    const created = events.filter((e) => e.type === 'JobCreated').map((e) => (e as { job_id: string }).job_id);
    const retried = events.find((e) => e.type === 'JobRetried') as { new_job_id: string } | undefined;
    expect(created).to.have.length(3);
    expect(created).to.include(retried!.new_job_id);
    const attempts = directoryRows(events).attempts;
    expect(attempts.map((a) => a.jobId).sort()).to.deep.equal([...created].sort());
    expect(attempts.every((a) => a.pipelineId === PIPELINE_ID)).to.equal(true);
  });

  it('JobRetried alone (its JobCreated in a later batch) already yields the new attempt', () => {
    const retried = events.filter((e) => e.type === 'JobRetried');
    const rows = directoryRows(retried);
    expect(rows.owners).to.deep.equal([]);
    expect(rows.attempts.map((a) => a.jobId)).to.include((retried[0] as { new_job_id: string }).new_job_id);
  });

  it('events of several pipelines, repeated: one row per pipeline and per attempt', () => {
    const other = new Reports('0193a1b2-c3d4-7e5f-8a9b-000000000002', 'acme/other');
    const ctx = Object.assign(testContext(), { jobIds: 100, eventIds: 100 }); // attempt ids distinct from the first pipeline's
    const more = run([other.create(definition(['s'], [job('a', 's'), job('a2', 's')]))], [], ctx).events;
    const rows = directoryRows([...events, ...more, ...events]);
    expect(rows.owners.map((o) => [o.pipelineId, o.projectId, o.jobNames])).to.deep.equal([
      [PIPELINE_ID, PROJECT_ID, ['unit', 'deploy']],
      ['0193a1b2-c3d4-7e5f-8a9b-000000000002', 'acme/other', ['a', 'a2']],
    ]);
    expect(rows.attempts).to.have.length(5);
  });

  it('no events → no rows', () => expect(directoryRows([])).to.deep.equal({ owners: [], attempts: [] }));

  it('leaves out what Postgres cannot hold (events from before ingest refused U+0000): the owner, or one job name', () => {
    const created = events.find((e) => e.type === 'PipelineCreated')!;
    const badProject = { ...created, project_id: 'p\u0000' };
    expect(directoryRows([badProject]).owners).to.deep.equal([]);
    const def = (created as Extract<PipelineEvent, { type: 'PipelineCreated' }>).definition;
    const badName = {
      ...created,
      definition: { ...def, jobs: [...def.jobs, { ...def.jobs[0]!, name: 'x\u0000' }] },
    } as PipelineEvent;
    expect(directoryRows([badName]).owners[0]!.jobNames).to.deep.equal(['unit', 'deploy']);
  });
});
