// One accepted request → one intake record on ci.intake.v1, with idempotency and ?wait= verdicts.
// Order matters, so that every 4xx writes nothing: authorise the project, check the pipeline's owner
// (404) or, for a create, that its id is free (409), bound the waiters (429), claim the key (replay or
// 409), claim the pipeline id (create), build and check the record — then write, wait, record the
// answer. A failure after a claim undoes the claim. prepare() is shared with the bulk route.
import kafkajs from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import type { BatchingWriter } from '../../lib/platform/kafka/batching-writer.js';
import { QueueFullError } from '../../lib/platform/kafka/batching-writer.js';
import { badRequest, HttpProblem, unavailable } from '../../lib/platform/http/problem.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { metrics } from '../../lib/platform/telemetry/metrics.js';
import { pipelineExists, refuseTaken, requireJob, requireOwner } from './access.js';
import { isUuid } from './params.js';
import type { PipelineDirectory } from './directory.js';
import type { IdempotencyStore } from './idempotency.js';
import { reportIdFor, type RecordContext } from './intake-records.js';
import { recordErrors } from './record-check.js';
import { TokenRegistry, type ProducerToken } from '../../lib/platform/http/tokens.js';
import type { VerdictWaiters } from './verdicts.js';

export interface SubmitDeps {
  codec: EventCodec<IntakeEvent>;
  writer: BatchingWriter;
  idempotency: IdempotencyStore;
  waiters: VerdictWaiters;
  directory: PipelineDirectory;
  log: Logger;
  /** How long a request holds its Idempotency-Key beyond its ?wait (INGEST_IDEMPOTENCY_LEASE_MS). */
  leaseMs: number;
}

export interface SubmitRequest {
  token: ProducerToken;
  projectId: string;
  pipelineId: string;
  /** The job the request names (reports, retry, play). */
  job?: string | undefined;
  /**
   * Set for a create: the pipeline id is claimed for the project with these job names (`preclaimed`:
   * the bulk route claimed it already, with the report id this request derives).
   */
  creates?: { jobNames: string[]; preclaimed?: boolean } | undefined;
  /** Route + body hash, compared for a repeated Idempotency-Key. */
  requestHash: string;
  /** The report id, when the caller fixed it already (reportIdOf). */
  reportId?: string;
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

/** A record ready to be written, with the claims its request holds. */
export interface Prepared {
  record: IntakeEvent;
  reportId: string;
  projectId: string;
  key: string | null;
  /** This request claimed the pipeline id (a create): undone if its record certainly was not written. */
  claimedPipeline: boolean;
}

/** The report id of a request: derived from its Idempotency-Key (a retry is the same report), else new. */
export const reportIdOf = (r: Pick<SubmitRequest, 'projectId' | 'idempotencyKey' | 'reportId'>): string =>
  r.reportId ?? (r.idempotencyKey ? reportIdFor(r.projectId, r.idempotencyKey) : uuidv7());

/** Every check and claim before the write; a replayed Idempotency-Key answers with the first answer. */
export async function prepare(deps: SubmitDeps, r: SubmitRequest): Promise<{ replay: Answer } | { ready: Prepared }> {
  const reportId = reportIdOf(r);
  let claimedPipeline = r.creates?.preclaimed === true;
  let keyClaimed = false;
  const undoClaims = () =>
    undo(
      deps,
      [
        {
          reportId,
          projectId: r.projectId,
          key: keyClaimed ? r.idempotencyKey : null,
          claimedPipeline,
          pipelineId: r.pipelineId,
        },
      ],
      true,
    );
  try {
    TokenRegistry.authorize(r.token, r.projectId);
    if (r.creates) await refuseTaken(deps.directory, r.pipelineId, r.projectId, reportId);
    else {
      await requireOwner(deps.directory, r.pipelineId, r.projectId);
      // A job name must be one of the definition (known since the create, never changes); an attempt id
      // the directory has not learnt yet is left to the decider (unknown_job), so lag never refuses one.
      if (r.job !== undefined && !isUuid(r.job)) await requireJob(deps.directory, r.pipelineId, r.job);
    }
    if (r.waitMs > 0 && deps.waiters.full) {
      throw new HttpProblem(
        {
          title: 'Too Many Requests',
          status: 429,
          detail: 'too many requests are waiting for verdicts; retry, or omit ?wait=',
        },
        { 'Retry-After': '1' },
      );
    }
    if (r.idempotencyKey) {
      const claim = await deps.idempotency.claim(r.projectId, r.idempotencyKey, r.requestHash, r.waitMs + deps.leaseMs);
      if (claim.state === 'replay') {
        await undoClaims();
        return {
          replay: { status: claim.status, body: claim.body as Record<string, unknown>, problem: claim.status >= 400 },
        };
      }
      if (claim.state === 'conflict')
        throw new HttpProblem({
          title: 'Conflict',
          status: 409,
          detail: `Idempotency-Key "${r.idempotencyKey}" was already used with a different request`,
        });
      if (claim.state === 'in_flight')
        throw new HttpProblem(
          {
            title: 'Conflict',
            status: 409,
            detail: `a request with Idempotency-Key "${r.idempotencyKey}" is still in flight`,
          },
          { 'Retry-After': '1' },
        );
      keyClaimed = true;
    }
    if (r.creates && !claimedPipeline) {
      const claim = await deps.directory.claim(r.pipelineId, r.projectId, r.creates.jobNames, reportId);
      if (claim === 'exists') throw pipelineExists(r.pipelineId);
      claimedPipeline = claim === 'claimed';
    }
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
    const record = await r.build(ctx);
    const errors = recordErrors(record);
    if (errors.length > 0)
      throw badRequest('the request cannot be recorded: a field does not fit what Verity stores', errors);
    return { ready: { record, reportId, projectId: r.projectId, key: r.idempotencyKey, claimedPipeline } };
  } catch (err) {
    await undoClaims();
    throw err;
  }
}

/**
 * Undoes the claims of requests whose records were not written: their keys are released (a retry may
 * proceed; its report id is the same, so a record that did get written is dropped as a duplicate), and,
 * when the record certainly was not written, their pipeline id claims too.
 */
async function undo(
  deps: SubmitDeps,
  claims: { reportId: string; projectId: string; key: string | null; claimedPipeline: boolean; pipelineId: string }[],
  certain: boolean,
): Promise<void> {
  await Promise.all(
    claims.map(async (c) => {
      if (c.key)
        await deps.idempotency
          .release(c.projectId, c.key)
          .catch((err: unknown) => deps.log.warn({ err }, 'idempotency claim not released'));
      if (certain && c.claimedPipeline)
        await deps.directory
          .release(c.pipelineId, c.reportId)
          .catch((err: unknown) => deps.log.warn({ err }, 'pipeline claim not released'));
    }),
  );
}

/** Writes prepared records in one batch; on failure undoes their claims and answers 503 when nothing was written. */
export async function writeRecords(
  deps: SubmitDeps,
  producer: string,
  prepared: Prepared[],
  onEncoded: () => void = () => undefined,
): Promise<void> {
  const claims = prepared.map((p) => ({ ...p, pipelineId: p.record.pipeline_id }));
  let messages;
  try {
    messages = await Promise.all(prepared.map((p) => deps.codec.toMessage(p.record, producer)));
  } catch (err) {
    await undo(deps, claims, true);
    throw err;
  }
  try {
    onEncoded();
    await deps.writer.write(messages);
  } catch (err) {
    const certain = err instanceof QueueFullError;
    await undo(deps, claims, certain);
    if (certain) throw unavailable(`ingest is overloaded: ${err.message}`);
    if (err instanceof kafkajs.KafkaJSError) {
      deps.log.warn({ err }, 'intake records may not have been written');
      throw unavailable(`Kafka did not confirm the write (${err.message}); retry with the same Idempotency-Key`);
    }
    throw err;
  }
}

export async function submit(deps: SubmitDeps, r: SubmitRequest): Promise<Answer> {
  const prepared = await prepare(deps, r);
  if ('replay' in prepared) return prepared.replay;
  const p = prepared.ready;
  let verdict: ReturnType<VerdictWaiters['register']> | undefined;
  try {
    // The record carries the traceparent of this PRODUCER span (child of the HTTP request's span).
    await withSendSpan({ topic: deps.codec.topic, key: p.record.pipeline_id, count: 1 }, () =>
      writeRecords(deps, r.token.name, [p], () => {
        if (r.waitMs > 0) verdict = deps.waiters.register(p.reportId, r.waitMs);
      }),
    );
    metrics.events.inc({ service: 'ingest', topic: deps.codec.topic, type: p.record.type });
  } catch (err) {
    if (verdict) deps.waiters.cancel(p.reportId);
    throw err;
  }
  const accepted = { report_id: p.reportId, pipeline_id: r.pipelineId };
  let answer: Answer = { status: 202, body: accepted };
  if (verdict) {
    const v = await verdict;
    if (v.verdict === 'rejected') {
      answer = {
        status: 422,
        problem: true,
        body: {
          type: 'about:blank',
          title: 'Unprocessable Content',
          status: 422,
          detail: v.message,
          code: v.code,
          details: v.details,
          ...accepted,
        },
      };
    } else if (v.verdict === 'accepted')
      answer = { status: 200, body: { ...accepted, verdict: 'accepted', events: v.events } };
    else answer = { status: 202, body: { ...accepted, verdict: 'pending' } };
  }
  if (r.idempotencyKey) await deps.idempotency.complete(r.projectId, r.idempotencyKey, answer.status, answer.body);
  return answer;
}
