// Every event the decider emits validates against its JSON schema (closed objects, all required fields).
// The check is installed into spec.ts when mocha loads this file, before any test runs, so every event
// decided by every scenario of this folder is validated as it is emitted; the tests below also validate
// a full pipeline on their own (so the file passes when run alone) and show the check can fail.
import { expect } from 'chai';
import type { ValidateFunction } from 'ajv';
import { createAjv, toFieldErrors } from '../../platform/schemas/ajv.js';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, NOW, Reports } from './fixtures.js';
import { addEventCheck, checkedEvents, run } from './spec.js';
import { STATE_VERSION } from './state.js';

const ajv = createAjv();
const catalog = loadCatalog();
const validators = new Map<string, ValidateFunction>(
  catalog.map((e) => [`${e.topic}/${e.type}`, ajv.compile(e.schema)]),
);

function schemaErrors(topic: string, value: { type: string }): string[] {
  const validate = validators.get(`${topic}/${value.type}`);
  if (!validate) return [`no schema for ${topic}/${value.type}`];
  return validate(value) ? [] : toFieldErrors(validate.errors).map((e) => `${e.pointer} ${e.message}`);
}

export function assertValidEvent(event: PipelineEvent): void {
  const errors = schemaErrors('ci.pipeline.events.v1', event);
  if (errors.length > 0)
    throw new Error(
      `${event.type} (seq ${event.seq}) does not match its schema: ${errors.join('; ')}\n${JSON.stringify(event)}`,
    );
}

addEventCheck(assertValidEvent);

function fullPipeline() {
  const r = new Reports();
  const def = definition(
    ['build', 'test', 'deploy'],
    [
      job('compile', 'build'),
      job('unit', 'test', { needs: ['compile'] }),
      job('flaky', 'test', { retry: { max: 2, when: ['runner_system_failure'] } }),
      job('audit', 'test', { allow_failure: true }),
      job('ship', 'deploy', { when: 'manual' }),
      job('cleanup', 'deploy', { when: 'on_failure' }),
    ],
  );
  const reports = [
    r.create(def),
    ...r.runs('compile'),
    ...r.runs('unit'),
    r.job('flaky', 'running'),
    r.job('flaky', 'failed', {
      failure_reason: 'runner_system_failure',
      exit_code: null,
      log: { ref: 'pg:job_logs/1', bytes: 10, sha256: 'a'.repeat(64) },
      log_excerpt: 'lost runner',
    }),
    ...r.runs('audit', 'failed', { failure_reason: 'oom_killed' }),
    ...r.runs('flaky'),
    r.play('ship'),
    r.job('ship', 'running'),
    r.job('ship', 'canceled'),
    r.retry('ship'),
    r.job('ship', 'running'),
    r.job('ship', 'success'),
  ];
  return { reports, ...run(reports) };
}

describe('emitted events validate against the JSON schemas', () => {
  it('validates every event of a full pipeline (all job event types, retry, manual, warnings)', () => {
    const { events } = fullPipeline();
    for (const event of events) expect(schemaErrors('ci.pipeline.events.v1', event), event.type).to.deep.equal([]);
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'PipelineCreated',
      'JobCreated',
      'JobEnqueued',
      'JobStarted',
      'JobSucceeded',
      'JobFailed',
      'JobCanceled',
      'JobSkipped',
      'JobManualActionRequired',
      'JobRetried',
      'PipelineStatusChanged',
      'PipelineFinished',
    ]) {
      expect(types, type).to.include(type);
    }
  });

  it('the fixtures produce valid intake reports', () => {
    for (const report of fullPipeline().reports)
      expect(schemaErrors('ci.intake.v1', report), report.type).to.deep.equal([]);
  });

  it('the state is a valid PipelineSnapshot payload', () => {
    const { state } = fullPipeline();
    const snapshot = {
      type: 'PipelineSnapshot',
      pipeline_id: state.pipeline_id,
      project_id: state.project_id,
      seq: state.seq,
      recorded_at: NOW,
      state_version: STATE_VERSION,
      state,
    };
    expect(schemaErrors('ci.pipeline.state.v1', snapshot)).to.deep.equal([]);
  });

  it('the check can fail: an extra field and a missing one are named by pointer', () => {
    const event = fullPipeline().events.find((e) => e.type === 'JobStarted')!;
    const { queued_ms: _dropped, ...missing } = event as PipelineEvent & { queued_ms: number };
    expect(() => assertValidEvent({ ...event, runner: 'x' } as PipelineEvent)).to.throw(/\/runner is not allowed/);
    expect(() => assertValidEvent(missing as PipelineEvent)).to.throw(/\/queued_ms is required/);
  });

  it('is installed for every scenario decided through spec.ts', () => {
    expect(checkedEvents()).to.be.greaterThan(0);
  });
});
