// One accepted request → one intake record on ci.intake.v1, with idempotency and ?wait= verdicts.
// Order matters: authorise, claim the key, register the waiter, write, record the answer.
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent } from '../core/events/generated.js';
import type { BatchingWriter } from '../platform/kafka/batching-writer.js';
import { QueueFullError } from '../platform/kafka/batching-writer.js';
import { HttpProblem, unavailable } from '../platform/http/problem.js';
import type { Logger } from '../platform/log.js';
import type { EventCodec } from '../platform/registry/codec.js';
import { withSendSpan } from '../platform/telemetry/kafka-context.js';
import { metrics } from '../platform/telemetry/metrics.js';
import type { IdempotencyStore } from './idempotency.js';
import { reportIdFor, type RecordContext } from './intake-records.js';
import { TokenRegistry, type ProducerToken } from '../platform/http/tokens.js';
import type { VerdictWaiters } from './verdicts.js';

export interface SubmitDeps {
  codec: EventCodec<IntakeEvent>;
  writer: BatchingWriter;
  idempotency: IdempotencyStore;
  waiters: VerdictWaiters;
  log: Logger;
}

export interface SubmitRequest {
  token: ProducerToken;
  projectId: string;
  pipelineId: string;
  /** Route + body hash, compared for a repeated Idempotency-Key. */
  requestHash: string;
  idempotencyKey: string | null;
  correlationId: string | null;
  occurredAt: string | undefined;
  waitMs: number;
  build: (ctx: RecordContext) => Promise<IntakeEvent> | IntakeEvent;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  problem?: boolean;
}

export async function submit(deps: SubmitDeps, r: SubmitRequest): Promise<Answer> {
  TokenRegistry.authorize(r.token, r.projectId);
  if (r.waitMs > 0 && deps.waiters.full) {
    throw new HttpProblem({ title: 'Too Many Requests', status: 429, detail: 'too many requests are waiting for verdicts; retry, or omit ?wait=' }, { 'Retry-After': '1' });
  }
  if (r.idempotencyKey) {
    const claim = await deps.idempotency.claim(r.projectId, r.idempotencyKey, r.requestHash);
    if (claim.state === 'replay') return { status: claim.status, body: claim.body as Record<string, unknown>, problem: claim.status >= 400 };
    if (claim.state === 'conflict') throw new HttpProblem({ title: 'Conflict', status: 409, detail: `Idempotency-Key "${r.idempotencyKey}" was already used with a different request` });
    if (claim.state === 'in_flight') throw new HttpProblem({ title: 'Conflict', status: 409, detail: `a request with Idempotency-Key "${r.idempotencyKey}" is still in flight` }, { 'Retry-After': '1' });
  }
  const reportId = r.idempotencyKey ? reportIdFor(r.projectId, r.idempotencyKey) : uuidv7();
  const ctx: RecordContext = {
    reportId,
    pipelineId: r.pipelineId,
    projectId: r.projectId,
    now: new Date().toISOString(),
    producer: r.token.name,
    correlationId: r.correlationId ?? reportId,
    idempotencyKey: r.idempotencyKey,
    occurredAt: r.occurredAt,
  };
  let verdict: ReturnType<VerdictWaiters['register']> | undefined;
  try {
    const record = await r.build(ctx);
    // The record carries the traceparent of this PRODUCER span (child of the HTTP request's span).
    await withSendSpan({ topic: deps.codec.topic, key: record.pipeline_id, count: 1 }, async () => {
      const message = await deps.codec.toMessage(record, r.token.name);
      if (r.waitMs > 0) verdict = deps.waiters.register(reportId, r.waitMs);
      await deps.writer.write([message]);
    });
    metrics.events.inc({ service: 'ingest', topic: deps.codec.topic, type: record.type });
  } catch (err) {
    if (verdict) deps.waiters.cancel(reportId);
    if (r.idempotencyKey) await deps.idempotency.release(r.projectId, r.idempotencyKey).catch(() => undefined);
    if (err instanceof QueueFullError) throw unavailable(`ingest is overloaded: ${err.message}`);
    throw err;
  }
  const accepted = { report_id: reportId, pipeline_id: r.pipelineId };
  let answer: Answer = { status: 202, body: accepted };
  if (verdict) {
    const v = await verdict;
    if (v.verdict === 'rejected') {
      answer = { status: 422, problem: true, body: { type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: v.message, code: v.code, details: v.details, ...accepted } };
    } else if (v.verdict === 'accepted') answer = { status: 200, body: { ...accepted, verdict: 'accepted', events: v.events } };
    else answer = { status: 202, body: { ...accepted, verdict: 'pending' } };
  }
  if (r.idempotencyKey) await deps.idempotency.complete(r.projectId, r.idempotencyKey, answer.status, answer.body);
  return answer;
}
