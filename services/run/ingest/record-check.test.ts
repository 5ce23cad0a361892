// Issue 11, finding 1: neither the API bodies nor the intake record the decider gets can carry an
// integer its column cannot hold, U+0000 or a lone surrogate.
import { expect } from 'chai';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { commandBody, createPipelineBody, jobReportBody } from './api-schemas.js';
import { commandRecord, createPipelineRecord, jobReportRecord, type RecordContext } from './intake-records.js';
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
const api = {
  create: ajv.compile(createPipelineBody),
  report: ajv.compile(jobReportBody),
  command: ajv.compile(commandBody),
};
const create = {
  project_id: 'group/project',
  ref: 'main',
  sha: 'abcdef0',
  definition: { stages: ['s'], jobs: [{ name: 'a', stage: 's', needs: [] as string[] }] },
};
const report = {
  project_id: 'group/project',
  status: 'failed' as const,
  failure_reason: 'script_failure',
  exit_code: 1,
  runner_id: 'r1',
};

/** Sets `value` at the pointer of a deep copy. */
function at<T>(doc: T, pointer: string, value: unknown): T {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const parts = pointer.split('/').slice(1);
  let node: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts.at(-1)!] = value;
  return copy as T;
}

type Case = [kind: 'create' | 'report', pointer: string, bad: unknown];
const BAD_TEXT = ['x\u0000', 'x\uD800', '\uDC00'];
const cases: Case[] = [
  ...BAD_TEXT.flatMap((v): Case[] => [
    ['create', '/project_id', v],
    ['create', '/ref', v],
    ['create', '/definition/stages/0', v],
    ['create', '/definition/jobs/0/name', v],
    ['create', '/definition/jobs/0/stage', v],
    ['report', '/failure_reason', v],
    ['report', '/runner_id', v],
  ]),
  ['report', '/exit_code', 2147483648],
  ['report', '/exit_code', -2147483649],
  ['report', '/exit_code', Number.MAX_SAFE_INTEGER],
];

/** The record ingest would build from a body the API schema let through. */
const recordOf = (kind: 'create' | 'report', body: typeof create | typeof report): IntakeEvent =>
  kind === 'create'
    ? createPipelineRecord(body as typeof create, { ...ctx, projectId: (body as typeof create).project_id })
    : jobReportRecord(body as typeof report, 'a', null, null, ctx);

describe('ingest: no request and no intake record carries what Postgres cannot store', () => {
  it('the valid bodies, at the boundaries, make records that pass the tightened intake schemas', () => {
    expect(api.create(create)).to.equal(true);
    expect(recordErrors(recordOf('create', at(create, '/ref', 'feature/😀-ü')))).to.deep.equal([]);
    for (const code of [2147483647, -2147483648, 0]) {
      const body = at(report, '/exit_code', code);
      expect(api.report(body), String(code)).to.equal(true);
      expect(recordErrors(recordOf('report', body))).to.deep.equal([]);
    }
    expect(recordErrors(commandRecord('RetryJob', ctx, 'a'))).to.deep.equal([]);
    expect(api.command({ project_id: 'p', idempotency_key: 'k😀' })).to.equal(true);
  });

  for (const [kind, pointer, bad] of cases) {
    it(`${kind} ${pointer} = ${JSON.stringify(bad)}: refused by the API schema, and by the record check if it got through`, () => {
      const body = at(kind === 'create' ? create : report, pointer, bad);
      const validate = api[kind];
      expect(validate(body)).to.equal(false);
      expect(validate.errors!.map((e) => e.instancePath)).to.include(pointer);
      expect(recordErrors(recordOf(kind, body as never)).map((e) => e.pointer)).to.include(pointer);
    });
  }

  it('the idempotency key (body field) and the job of a record are held to the same rules', () => {
    expect(api.command({ project_id: 'p', idempotency_key: 'k\u0000' })).to.equal(false);
    expect(
      recordErrors(commandRecord('RetryJob', { ...ctx, idempotencyKey: 'k\u0000' }, 'a')).map((e) => e.pointer),
    ).to.include('/idempotency_key');
    expect(recordErrors(commandRecord('PlayJob', ctx, 'j\u0000')).map((e) => e.pointer)).to.include('/job');
    expect(recordErrors(commandRecord('PlayJob', ctx, 'j'.repeat(256))).map((e) => e.pointer)).to.include('/job');
  });
});
