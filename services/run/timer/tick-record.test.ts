import { expect } from 'chai';
import type { Tick } from '../../lib/core/events/generated.js';
import { latestByType, loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { tickRecord } from './tick-record.js';

describe('timer: the Tick record', () => {
  const now = '2026-03-01T10:00:00.000Z';
  const id = '0195c7e0-0000-7000-8000-000000000001';
  const tick = tickRecord({ pipelineId: '0195c7e0-0000-7000-8000-0000000000aa', projectId: 'group/app' }, now, id);

  it('is the envelope with the timer clock as occurred_at and received_at, producer timer, no idempotency key', () => {
    expect(tick).to.deep.equal({
      type: 'Tick',
      report_id: id,
      pipeline_id: '0195c7e0-0000-7000-8000-0000000000aa',
      project_id: 'group/app',
      occurred_at: now,
      received_at: now,
      idempotency_key: null,
      producer: 'timer',
      correlation_id: id,
    } satisfies Tick);
  });

  it('is valid against the committed Tick schema', () => {
    const schema = latestByType(loadCatalog(), 'ci.intake.v1').get('Tick')!.schema;
    const validate = createAjv().compile(schema);
    expect(validate(tick), JSON.stringify(validate.errors)).to.equal(true);
  });
});
