// Verity → CDEvents: each canonical event type's CDEvent (type, outcome, errors), or none; the CloudEvent's
// attributes and the CDEvent context as the sink sees them after HTTP (binary and structured mode).
import { expect } from 'chai';
import { HTTP, type CloudEvent } from 'cloudevents';
import { exampleEvents } from '../../lib/core/events/examples.js';
import { pipelineEventTypes, type PipelineEvent } from '../../lib/core/events/generated.js';
import { CDEVENTS_SPEC_VERSION, toCdevent, type Cdevent } from './to-cdevents.js';

const OPTS = { sourcePrefix: '/verity' };
const example = <T extends PipelineEvent['type']>(type: T, patch: Record<string, unknown> = {}) =>
  ({ ...exampleEvents.find((e) => e.type === type)!, ...patch }) as PipelineEvent;

const T = (kind: string) => `dev.cdevents.${kind}.0.2.0`;
/** [event, CDEvent type or null, outcome, errors] */
const TABLE: [string, PipelineEvent, string | null, string?, string?][] = [
  ['PipelineCreated', example('PipelineCreated'), T('pipelinerun.queued')],
  [
    'PipelineStatusChanged pending → running',
    example('PipelineStatusChanged', { from: 'pending', to: 'running' }),
    T('pipelinerun.started'),
  ],
  [
    'PipelineStatusChanged failed → running (a retry)',
    example('PipelineStatusChanged', { from: 'failed', to: 'running' }),
    T('pipelinerun.started'),
  ],
  [
    'PipelineStatusChanged created → pending',
    example('PipelineStatusChanged', { from: 'created', to: 'pending' }),
    null,
  ],
  [
    'PipelineStatusChanged running → success',
    example('PipelineStatusChanged', { from: 'running', to: 'success' }),
    null,
  ],
  [
    'PipelineFinished success',
    example('PipelineFinished', { status: 'success' }),
    T('pipelinerun.finished'),
    'success',
  ],
  [
    'PipelineFinished failed',
    example('PipelineFinished', { status: 'failed' }),
    T('pipelinerun.finished'),
    'failure',
    'pipeline failed',
  ],
  [
    'PipelineFinished canceled',
    example('PipelineFinished', { status: 'canceled' }),
    T('pipelinerun.finished'),
    'cancel',
    'pipeline canceled',
  ],
  [
    'PipelineFinished skipped',
    example('PipelineFinished', { status: 'skipped' }),
    T('pipelinerun.finished'),
    'cancel',
    'pipeline skipped: no job ran',
  ],
  ['JobStarted', example('JobStarted'), T('taskrun.started')],
  ['JobSucceeded', example('JobSucceeded'), T('taskrun.finished'), 'success'],
  [
    'JobFailed',
    example('JobFailed', { failure_reason: 'script_failure' }),
    T('taskrun.finished'),
    'failure',
    'script_failure',
  ],
  ['JobCanceled', example('JobCanceled'), T('taskrun.finished'), 'cancel'],
];
const MAPPED = new Set(TABLE.map(([name]) => name.split(' ')[0]));
// Every other canonical type maps to nothing (a type without an example: another's fields, its own type).
for (const type of pipelineEventTypes) {
  const e = exampleEvents.find((x) => x.type === type) ?? ({ ...example('JobCreated'), type } as PipelineEvent);
  if (!MAPPED.has(type)) TABLE.push([type, e, null]);
}

describe('Verity → CDEvents: the mapping table', () => {
  for (const [name, event, type, outcome, errors] of TABLE) {
    it(`${name} → ${type ?? 'none'}${outcome ? ` (${outcome})` : ''}`, () => {
      const ce = toCdevent(event, OPTS);
      if (type === null) {
        expect(ce).to.equal(null);
        return;
      }
      expect(ce!.type).to.equal(type);
      expect(ce!.data!.context.type).to.equal(type);
      expect(ce!.data!.subject.content.outcome).to.equal(outcome);
      expect(ce!.data!.subject.content.errors).to.equal(errors);
    });
  }

  it('every canonical type is in the table', () => {
    const covered = new Set(TABLE.map(([, e]) => e.type));
    expect(pipelineEventTypes.filter((t) => !covered.has(t))).to.deep.equal([]);
  });
});

describe('Verity → CDEvents: ids, source, times and the HTTP round trip', () => {
  const job = example('JobFailed', { project_id: 'group/my project' }) as Extract<PipelineEvent, { type: 'JobFailed' }>;
  const ce = toCdevent(job, { sourcePrefix: '/verity/' })!;

  it('the CloudEvent id and context.id are the event_id; source /verity/<project>; time = occurred_at', () => {
    expect(ce).to.include({ id: job.event_id, specversion: '1.0', source: '/verity/group/my%20project' });
    expect(ce.time).to.equal(job.occurred_at);
    expect(ce.data!.context).to.deep.equal({
      version: CDEVENTS_SPEC_VERSION,
      id: job.event_id,
      source: '/verity/group/my%20project',
      type: 'dev.cdevents.taskrun.finished.0.2.0',
      timestamp: job.occurred_at,
    });
  });

  it('a taskRun is the job attempt (job_id) of its pipelineRun (pipeline_id), named as the job', () => {
    expect(ce.data!.subject).to.deep.include({ id: job.job_id, type: 'taskRun' });
    expect(ce.data!.subject.content).to.deep.include({
      taskName: job.name,
      pipelineRun: { id: job.pipeline_id, source: '/verity/group/my%20project' },
    });
    expect(ce.data!.customData).to.include({ attempt: job.attempt, exit_code: job.exit_code, seq: job.seq });
  });

  it('a pipelineRun is the pipeline (pipeline_id); its queued event names the ref and carries ref and sha', () => {
    const created = example('PipelineCreated') as Extract<PipelineEvent, { type: 'PipelineCreated' }>;
    const q = toCdevent(created, OPTS)!;
    expect(q.data!.subject).to.deep.include({ id: created.pipeline_id, type: 'pipelineRun' });
    expect(q.data!.subject.content).to.deep.equal({ pipelineName: created.ref });
    expect(q.data!.customData).to.include({ ref: created.ref, sha: created.sha, source: created.source });
  });

  for (const [mode, serialize] of [
    ['binary', HTTP.binary],
    ['structured', HTTP.structured],
  ] as const) {
    it(`${mode} mode: the sink reads back the same CloudEvent and CDEvent`, () => {
      const message = serialize(ce);
      const back = HTTP.toEvent(message) as CloudEvent<Cdevent>;
      expect(back.validate()).to.equal(true);
      expect(back).to.include({ id: ce.id, type: ce.type, source: ce.source, specversion: '1.0' });
      const data = typeof back.data === 'string' ? (JSON.parse(back.data) as Cdevent) : back.data;
      expect(data).to.deep.equal(JSON.parse(JSON.stringify(ce.data)));
    });
  }
});
