import { expect } from 'chai';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import {
  commandRecord,
  createPipelineRecord,
  jobReportRecord,
  pipelineIdFor,
  reportIdFor,
  type RecordContext,
} from './intake-records.js';

const ctx: RecordContext = {
  reportId: '0193a1b2-c3d4-7e5f-8a9b-000000000001',
  pipelineId: '0193a1b2-c3d4-7e5f-8a9b-000000000002',
  projectId: 'group/project',
  now: '2026-11-28T10:00:00.000Z',
  producer: 'runner-fleet',
  correlationId: '0193a1b2-c3d4-7e5f-8a9b-000000000001',
  idempotencyKey: null,
};
const ajv = createAjv();
const validate = (r: { type: string }) => {
  const entry = loadCatalog().find((e) => e.topic === 'ci.intake.v1' && e.type === r.type)!;
  const v = ajv.compile(entry.schema);
  return v(r) ? [] : v.errors;
};

describe('ingest: API bodies → intake records', () => {
  it('fills GitLab defaults: on_success, allow_failure false (true for manual), stage order, no retry', () => {
    const r = createPipelineRecord(
      {
        project_id: 'group/project',
        ref: 'main',
        sha: 'abcdef0',
        definition: {
          stages: ['s'],
          jobs: [
            { name: 'a', stage: 's' },
            { name: 'm', stage: 's', when: 'manual' },
            { name: 'r', stage: 's', retry: 2 },
          ],
        },
      },
      ctx,
    );
    expect(r.source).to.equal('api');
    expect(r.definition.jobs[0]).to.deep.equal({
      name: 'a',
      stage: 's',
      needs: null,
      when: 'on_success',
      allow_failure: false,
      retry: { max: 0, when: ['always'] },
    });
    expect(r.definition.jobs[1]).to.include({ when: 'manual', allow_failure: true });
    expect(r.definition.jobs[2]!.retry).to.deep.equal({ max: 2, when: ['always'] });
    expect(validate(r)).to.deep.equal([]);
  });

  it('keeps explicit values, and occurred_at from the producer when given', () => {
    const r = createPipelineRecord(
      {
        project_id: 'p',
        ref: 'main',
        sha: 'abcdef0',
        source: 'schedule',
        definition: {
          stages: ['s'],
          jobs: [
            {
              name: 'm',
              stage: 's',
              when: 'manual',
              allow_failure: false,
              needs: [],
              retry: { max: 1, when: ['runner_system_failure'] },
            },
          ],
        },
      },
      { ...ctx, occurredAt: '2026-11-28T09:59:00.000Z' },
    );
    expect(r.definition.jobs[0]).to.deep.equal({
      name: 'm',
      stage: 's',
      needs: [],
      when: 'manual',
      allow_failure: false,
      retry: { max: 1, when: ['runner_system_failure'] },
    });
    expect(r).to.include({ source: 'schedule', occurred_at: '2026-11-28T09:59:00.000Z', received_at: ctx.now });
  });

  it('job reports and commands validate against their intake schemas', () => {
    expect(
      validate(
        jobReportRecord(
          { status: 'failed', failure_reason: 'script_failure', exit_code: 2 },
          'rspec',
          null,
          'boom',
          ctx,
        ),
      ),
    ).to.deep.equal([]);
    expect(validate(jobReportRecord({ status: 'running', runner_id: 'r1' }, 'rspec', null, null, ctx))).to.deep.equal(
      [],
    );
    expect(validate(commandRecord('CancelPipeline', ctx))).to.deep.equal([]);
    expect(validate(commandRecord('RetryJob', ctx, 'rspec'))).to.deep.equal([]);
  });

  it('derives a stable RFC 9562 UUIDv8 report id from (project, idempotency key)', () => {
    const a = reportIdFor('p', 'key-1');
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reportIdFor('p', 'key-1')).to.equal(a);
    expect(reportIdFor('q', 'key-1')).to.not.equal(a);
    expect(reportIdFor('p', 'key-2')).to.not.equal(a);
  });

  it('derives the pipeline id of a keyed create without pipeline_id from (project, key), distinct from its report id', () => {
    const a = pipelineIdFor('p', 'key-1');
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pipelineIdFor('p', 'key-1')).to.equal(a);
    expect(a).to.not.equal(reportIdFor('p', 'key-1'));
    expect(pipelineIdFor('q', 'key-1')).to.not.equal(a);
  });
});
