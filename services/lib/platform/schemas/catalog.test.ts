import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createAjv } from './ajv.js';
import { latestByType, loadCatalog, subjectFor } from './catalog.js';
import { GENERATED_PATH, generateTypes } from './generate-types.js';

const ENVELOPE = ['event_id', 'type', 'occurred_at', 'recorded_at', 'pipeline_id', 'project_id', 'seq', 'causation_id', 'correlation_id'];
/** Remediation events are not sequenced per pipeline (they are not the decider's) and not all have a cause event. */
const REMEDIATION_ENVELOPE = ['event_id', 'type', 'occurred_at', 'recorded_at', 'pipeline_id', 'project_id', 'correlation_id'];
/** Coordination records (the deciders' outbox) are keyed by coordination key, not sequenced per pipeline. */
const COORDINATION_ENVELOPE = ['record_id', 'type', 'key', 'project_id', 'pipeline_id', 'recorded_at', 'correlation_id'];
/** Every intake record, whoever sends it (ingest, the timer, the coordinator, a downstream pipeline's decider). */
const INTAKE_ENVELOPE = ['report_id', 'type', 'pipeline_id', 'project_id', 'occurred_at', 'received_at', 'idempotency_key', 'producer', 'correlation_id'];
const ENVELOPES: Record<string, string[]> = { 'ci.intake.v1': INTAKE_ENVELOPE, 'ci.pipeline.events.v1': ENVELOPE, 'ci.remediation.events.v1': REMEDIATION_ENVELOPE, 'ci.coordination.v1': COORDINATION_ENVELOPE };
const CANONICAL = [
  'PipelineCreated', 'JobCreated', 'JobEnqueued', 'JobStarted', 'JobSucceeded', 'JobFailed',
  'JobCanceled', 'JobSkipped', 'JobManualActionRequired', 'JobRetried', 'PipelineStatusChanged', 'PipelineFinished',
  'JobReopened', // skipped → created when a retry or play re-opens a job (issue 3)
  // GitLab's whole job model (issue 13): delayed jobs, canceling, resource groups, trigger jobs
  'JobScheduled', 'JobUnscheduled', 'JobCanceling', 'JobWaitingForResource', 'DownstreamPipelineTriggered',
  // observed pipelines (docs/OBSERVED.md)
  'PipelineObserved', 'JobObserved', 'JobDiverged', 'JobLogAttached',
];

describe('schemas/ catalog', () => {
  const catalog = loadCatalog();

  it('holds every canonical event of ARCHITECTURE.md for ci.pipeline.events.v1', () => {
    expect([...latestByType(catalog, 'ci.pipeline.events.v1').keys()].sort()).to.deep.equal([...CANONICAL].sort());
  });

  it('names subjects <topic>-<EventType>, with a version suffix only for breaking versions', () => {
    expect(subjectFor('ci.pipeline.events.v1', 'JobFailed', 1)).to.equal('ci.pipeline.events.v1-JobFailed');
    expect(subjectFor('ci.pipeline.events.v1', 'JobFailed', 2)).to.equal('ci.pipeline.events.v1-JobFailed.v2');
  });

  for (const entry of catalog) {
    describe(entry.path, () => {
      it('compiles with the strict Ajv set-up and declares draft-07 (the registry needs $schema)', () => {
        expect(entry.schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
        expect(() => createAjv().compile(entry.schema)).not.to.throw();
      });

      it('is a closed object, so the registry can judge added optional fields as compatible', () => {
        expect(entry.schema.additionalProperties).to.equal(false);
      });

      it('carries its topic\'s envelope, required and defined exactly as in the topic\'s other records', () => {
        const reference = catalog.find((e) => e.topic === entry.topic)!.schema;
        const envelope = ENVELOPES[entry.topic] ?? (reference.required as string[]).filter((f) => f in (reference.properties as object));
        const props = entry.schema.properties as Record<string, unknown>;
        expect(entry.schema.required).to.include.members(envelope);
        for (const f of envelope.filter((f) => f !== 'type')) expect(props[f], f).to.deep.equal((reference.properties as Record<string, unknown>)[f]);
      });
    });
  }

  it('generated TypeScript types are up to date with the schemas (npm run gen:types)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).to.equal(await generateTypes(catalog));
  });
});
