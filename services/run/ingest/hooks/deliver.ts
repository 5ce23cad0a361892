// One authenticated webhook or CDEvents delivery → ObservePipeline records on ci.intake.v1, through the
// same writer, record check and idempotency store as the report API. The delivery id (X-Gitlab-Event-UUID,
// X-GitHub-Delivery, the CloudEvent's source and id; else a hash of the body) is the idempotency key: a
// redelivery is answered with the first answer and writes nothing, and its records carry the same report
// ids, so even one that slips past the store is a duplicate_report at the decider. Observed pipelines are
// created by whichever delivery comes first, so there is no owner check: the connection names the project,
// and the ids are namespaced by the CI instance (services/lib/core/observed/ids.ts).
import { createHash } from 'node:crypto';
import type { ObservePipeline } from '../../../lib/core/events/generated.js';
import type { Observation } from '../../../lib/core/observed/ids.js';
import type { Connection } from '../../../lib/platform/connections/connection.js';
import { badRequest, HttpProblem } from '../../../lib/platform/http/problem.js';
import { withSendSpan } from '../../../lib/platform/telemetry/kafka-context.js';
import { metrics } from '../../../lib/platform/telemetry/metrics.js';
import { reportIdFor } from '../intake-records.js';
import { recordErrors } from '../record-check.js';
import { writeRecords, type Answer, type Prepared, type SubmitDeps } from '../submit.js';
import type { AdapterResult } from './adapter.js';

export interface Delivery {
  connection: Connection;
  /** The CI's id of this delivery, when it sent one. */
  deliveryId: string | undefined;
  rawBody: Buffer;
  result: AdapterResult;
}

/** The delivery's idempotency key: its id, else the hash of its body (a redelivery has the same body). */
function deliveryKey(d: Delivery): string {
  const id = d.deliveryId?.trim().slice(0, 200);
  return `hook:${d.connection.system}:${id || createHash('sha256').update(d.rawBody).digest('hex')}`;
}

/** 202 with what was written or why nothing was; 400 naming the field. Nothing is written but on 202 accepted. */
export async function deliver(deps: SubmitDeps, d: Delivery): Promise<Answer> {
  const system = d.connection.system;
  if (d.result.kind === 'ignored') {
    metrics.deliveries.inc({ system, outcome: 'ignored' });
    return { status: 202, body: { ignored: true, reason: d.result.reason } };
  }
  if (d.result.kind === 'invalid') {
    metrics.deliveries.inc({ system, outcome: 'invalid' });
    throw badRequest(`the ${system} payload cannot be read: ${d.result.message}`, [
      { pointer: d.result.pointer, message: d.result.message },
    ]);
  }
  const project = d.connection.project;
  const key = deliveryKey(d);
  const hash = createHash('sha256').update(d.rawBody).digest('hex');
  const claim = await deps.idempotency.claim(project, key, hash, deps.leaseMs);
  if (claim.state === 'replay') {
    metrics.deliveries.inc({ system, outcome: 'replayed' });
    return { status: claim.status, body: claim.body as Record<string, unknown> };
  }
  if (claim.state !== 'new') {
    throw new HttpProblem(
      { title: 'Conflict', status: 409, detail: `delivery ${key} is in flight or was sent with another body` },
      { 'Retry-After': '1' },
    );
  }
  try {
    const prepared = d.result.observations.map((o, i) => prepare(d, o, reportIdFor(project, `${key}:${i}`)));
    const first = prepared[0]?.record.pipeline_id ?? '';
    await withSendSpan({ topic: deps.codec.topic, key: first, count: prepared.length }, () =>
      writeRecords(deps, `${system}:${d.connection.name}`, prepared),
    );
    return await answered(deps, d, key, prepared);
  } catch (err) {
    // Not written (or not known to be): the CI's retry of this delivery may proceed, with the same report ids.
    await deps.idempotency.release(project, key).catch(() => undefined);
    throw err;
  }
}

async function answered(deps: SubmitDeps, d: Delivery, key: string, prepared: Prepared[]): Promise<Answer> {
  const system = d.connection.system;
  metrics.events.inc({ service: 'ingest', topic: deps.codec.topic, type: 'ObservePipeline' }, prepared.length);
  metrics.deliveries.inc({ system, outcome: 'accepted' });
  const body = {
    accepted: prepared.length,
    report_ids: prepared.map((p) => p.reportId),
    pipeline_ids: [...new Set(prepared.map((p) => p.record.pipeline_id))],
  };
  await deps.idempotency.complete(d.connection.project, key, 202, body);
  return { status: 202, body };
}

function prepare(d: Delivery, o: Observation, reportId: string): Prepared {
  const now = new Date().toISOString();
  const record: ObservePipeline = {
    type: 'ObservePipeline',
    report_id: reportId,
    project_id: d.connection.project,
    occurred_at: latest(o) ?? now,
    received_at: now,
    idempotency_key: d.deliveryId?.slice(0, 255) || null,
    producer: `${d.connection.system}:${d.connection.name}`.slice(0, 255),
    correlation_id: reportId,
    ...o,
  };
  const errors = recordErrors(record);
  if (errors.length > 0)
    throw badRequest('the delivery cannot be recorded: a field does not fit what Verity stores', errors);
  return { record, reportId, projectId: d.connection.project, key: null, claimedPipeline: false };
}

/** When the delivery's news happened: the latest time it gives for the pipeline or a job. */
function latest(o: Observation): string | undefined {
  const times = [o.pipeline?.observed_at, ...o.jobs.map((j) => j.observed_at)].filter((t): t is string => !!t);
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}
