// The user's commands as intake records (cancel or retry a pipeline, cancel/retry/play/unschedule a job),
// the play body with its variables, and the values of play variables masked in the pipeline's logs.
import { expect } from 'chai';
import { redactSecrets } from '../../lib/core/logs/redact.js';
import { createAjv, toFieldErrors } from '../../lib/platform/schemas/ajv.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { commandBody, playBody } from './api-schemas.js';
import { commandRecord, type RecordContext } from './intake-records.js';
import { PlayedValues } from './played-values.js';
import { recordErrors } from './record-check.js';

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
/** Errors of `r` against its registered intake schema (the decider's reader), and against the tightened writer's. */
const errorsOf = (r: { type: string }) => {
  const entry = loadCatalog().find((e) => e.topic === 'ci.intake.v1' && e.type === r.type);
  if (!entry) return [`no schema for ${r.type}`];
  const v = ajv.compile(entry.schema);
  return [...(v(r) ? [] : (v.errors ?? [])), ...recordErrors(r as never)];
};

describe('ingest: command records', () => {
  it('pipeline commands (CancelPipeline, RetryPipeline) carry no job; each matches its intake schema', () => {
    for (const type of ['CancelPipeline', 'RetryPipeline'] as const) {
      const r = commandRecord(type, ctx);
      expect(r.type).to.equal(type);
      expect(r).to.not.have.property('job');
      expect(r).to.include({ report_id: ctx.reportId, pipeline_id: ctx.pipelineId, occurred_at: ctx.now });
      expect(errorsOf(r), type).to.deep.equal([]);
    }
  });

  it('job commands (CancelJob, RetryJob, PlayJob, UnscheduleJob) name the job; each matches its intake schema', () => {
    for (const type of ['CancelJob', 'RetryJob', 'PlayJob', 'UnscheduleJob'] as const) {
      const r = commandRecord(type, ctx, 'deploy');
      expect(r).to.include({ type, job: 'deploy' });
      expect(r).to.not.have.property('variables');
      expect(errorsOf(r), type).to.deep.equal([]);
    }
  });

  it('a play carries the keys of its variables, never their values, only when there are some', () => {
    const variables = [{ key: 'TARGET', value: 'eu-west-1' }];
    const r = commandRecord('PlayJob', ctx, 'deploy', variables);
    expect(r).to.deep.include({ type: 'PlayJob', variable_keys: ['TARGET'] });
    expect(r).to.not.have.property('variables');
    expect(JSON.stringify(r)).to.not.include('eu-west-1');
    expect(errorsOf(r)).to.deep.equal([]);
    expect(commandRecord('PlayJob', ctx, 'deploy', [])).to.not.have.property('variable_keys');
    // Only a play takes variables.
    expect(commandRecord('RetryJob', ctx, 'deploy', variables)).to.not.have.property('variable_keys');
  });
});

describe('ingest: the play body', () => {
  const play = ajv.compile(playBody);
  const command = ajv.compile(commandBody);
  const pointersOf = (body: unknown) => (play(body) ? [] : toFieldErrors(play.errors).map((e) => e.pointer));

  it('takes up to 50 variables of GitLab-shaped keys and values of up to 10,000 characters', () => {
    const variables = Array.from({ length: 50 }, (_, i) => ({ key: `_K${i}`, value: 'v'.repeat(10_000) }));
    expect(pointersOf({ project_id: 'p', variables })).to.deep.equal([]);
    expect(pointersOf({ project_id: 'p', variables: [] })).to.deep.equal([]);
    expect(pointersOf({ project_id: 'p' })).to.deep.equal([]);
  });

  it('names each bad value by its JSON pointer', () => {
    expect(pointersOf({ project_id: 'p', variables: [{ key: '1ABC', value: 'x' }] })).to.deep.equal([
      '/variables/0/key',
    ]);
    expect(
      pointersOf({
        project_id: 'p',
        variables: [
          { key: 'A', value: 'x' },
          { key: 'B-C', value: 'x' },
        ],
      }),
    ).to.deep.equal(['/variables/1/key']);
    expect(pointersOf({ project_id: 'p', variables: [{ key: 'A', value: 'v'.repeat(10_001) }] })).to.deep.equal([
      '/variables/0/value',
    ]);
    expect(pointersOf({ project_id: 'p', variables: [{ key: 'A', value: 'a\u0000b' }] })).to.deep.equal([
      '/variables/0/value',
    ]);
    expect(pointersOf({ project_id: 'p', variables: [{ key: 'A' }] })).to.deep.equal(['/variables/0/value']);
    expect(pointersOf({ project_id: 'p', variables: [{ key: 'A', value: 'x', masked: true }] })).to.deep.equal([
      '/variables/0/masked',
    ]);
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `K${i}`, value: 'x' }));
    expect(pointersOf({ project_id: 'p', variables: many })).to.deep.equal(['/variables']);
  });

  it('the other commands take no variables', () => {
    expect(command({ project_id: 'p', variables: [] })).to.equal(false);
  });
});

describe('ingest: values of play variables are masked in the pipeline’s logs', () => {
  it('masks what a play of the pipeline carried, in that project only', () => {
    const played = new PlayedValues();
    played.remember('group/a', 'p1', ['hunter2-very-secret', 'short']);
    const masked = played.of('group/a', 'p1');
    expect(redactSecrets('token is hunter2-very-secret here', { maskedValues: masked }).text).to.equal(
      'token is [MASKED] here',
    );
    expect(played.of('group/b', 'p1'), 'another project').to.deep.equal([]);
    expect(played.of('group/a', 'p2'), 'another pipeline').to.deep.equal([]);
  });

  it('keeps the newest 100 values of a pipeline, and forgets them after the ttl', () => {
    let now = 0;
    const played = new PlayedValues(10, 1000, () => now);
    played.remember(
      'g',
      'p',
      Array.from({ length: 60 }, (_, i) => `value-${i}`),
    );
    played.remember(
      'g',
      'p',
      Array.from({ length: 60 }, (_, i) => `later-${i}`),
    );
    const kept = played.of('g', 'p');
    expect(kept).to.have.length(100);
    expect(kept).to.include('later-59').and.not.include('value-0');
    now = 1001;
    expect(played.of('g', 'p')).to.deep.equal([]);
  });
});
