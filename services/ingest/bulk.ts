// POST /v1/reports:bulk — NDJSON in, NDJSON out: one verdict per input line, in order. Valid lines
// are written to Kafka together; an invalid line gets its own 400/403 and changes nothing.
import type { Request, RequestHandler, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent } from '../core/events/generated.js';
import { QueueFullError } from '../platform/kafka/batching-writer.js';
import { badRequest, HttpProblem, unavailable } from '../platform/http/problem.js';
import { createAjv, toFieldErrors, type FieldError } from '../platform/schemas/ajv.js';
import { bulkLineHead, type BulkOp } from './api-schemas.js';
import { requestHash } from './idempotency.js';
import { commandRecord, createPipelineRecord, jobReportRecord, reportIdFor, type RecordContext } from './intake-records.js';
import { excerptFor, validators, type IngestDeps } from './routes.js';
import { TokenRegistry } from '../platform/http/tokens.js';
import { withSendSpan } from '../platform/telemetry/kafka-context.js';
import { countEvents } from '../platform/telemetry/metrics.js';

const head = createAjv().compile(bulkLineHead);

type LineVerdict = { line: number; status: number; report_id?: string; pipeline_id?: string; title?: string; detail?: string; errors?: FieldError[]; body?: unknown };

interface Prepared {
  line: number;
  record: IntakeEvent;
  key: string | null;
  projectId: string;
}

export function bulkHandler(deps: IngestDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    const token = deps.tokens.authenticate(req.get('Authorization'));
    const text = typeof req.body === 'string' ? req.body : '';
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length === 0) throw badRequest('the body must hold at least one NDJSON line', [{ pointer: '', message: 'is empty' }]);
    if (lines.length > deps.config.bulkMaxLines) {
      throw new HttpProblem({ title: 'Content Too Large', status: 413, detail: `at most ${deps.config.bulkMaxLines} lines per request, got ${lines.length}` });
    }
    const verdicts: LineVerdict[] = [];
    const prepared: Prepared[] = [];
    const now = new Date().toISOString();
    for (let i = 0; i < lines.length; i++) {
      const n = i + 1;
      try {
        let parsed: unknown;
        try {
          parsed = JSON.parse(lines[i]!);
        } catch (err) {
          throw badRequest(`line ${n} is not valid JSON: ${(err as Error).message}`, [{ pointer: '', message: 'is not valid JSON' }]);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !head(parsed)) {
          throw badRequest(`line ${n} is not a bulk operation`, toFieldErrors(head.errors).length ? toFieldErrors(head.errors) : [{ pointer: '', message: 'must be an object' }]);
        }
        const { op, pipeline_id, job, ...rest } = parsed as { op: BulkOp; pipeline_id?: string; job?: string } & Record<string, unknown>;
        const body = op === 'create_pipeline' && pipeline_id ? { ...rest, pipeline_id } : rest;
        const validate = op === 'create_pipeline' ? validators.create : op === 'report' ? validators.report : validators.command;
        if (!validate(body)) throw badRequest(`line ${n} has invalid fields`, toFieldErrors(validate.errors));
        const b = body as { project_id: string; idempotency_key?: string; occurred_at?: string; pipeline_id?: string };
        TokenRegistry.authorize(token, b.project_id);
        const key = b.idempotency_key ?? null;
        if (key) {
          const claim = await deps.idempotency.claim(b.project_id, key, requestHash(`bulk ${op} ${pipeline_id ?? ''} ${job ?? ''}`, body));
          if (claim.state === 'replay') {
            verdicts.push({ line: n, ...(claim.body as object), status: claim.status });
            continue;
          }
          if (claim.state !== 'new') throw new HttpProblem({ title: 'Conflict', status: 409, detail: `Idempotency-Key "${key}" ${claim.state === 'conflict' ? 'was used with a different request' : 'is in flight'}` });
        }
        const pipelineId = (pipeline_id ?? uuidv7()).toLowerCase();
        const reportId = key ? reportIdFor(b.project_id, key) : uuidv7();
        const c: RecordContext = { reportId, pipelineId, projectId: b.project_id, now, producer: token.name, correlationId: reportId, idempotencyKey: key, occurredAt: b.occurred_at };
        let record: IntakeEvent;
        if (op === 'create_pipeline') record = createPipelineRecord(body as never, c);
        else if (op === 'report') {
          const r = body as unknown as { status: string; log_tail?: string; masked_values?: string[] };
          const { log, excerpt } = r.status === 'failed' ? await excerptFor(deps, pipelineId, job!, r.log_tail, r.masked_values) : { log: null, excerpt: null };
          record = jobReportRecord(body as never, job!, log, excerpt, c);
        } else if (op === 'cancel') record = commandRecord('CancelPipeline', c);
        else record = commandRecord(op === 'retry' ? 'RetryJob' : 'PlayJob', c, job!);
        prepared.push({ line: n, record, key, projectId: b.project_id });
        verdicts.push({ line: n, status: 202, report_id: reportId, pipeline_id: pipelineId });
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        const { title, status, detail, errors } = err.problem;
        verdicts.push({ line: n, status, title, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) });
      }
    }
    if (prepared.length > 0) {
      try {
        await withSendSpan({ topic: deps.codec.topic, count: prepared.length }, async () => {
          const messages = await Promise.all(prepared.map((p) => deps.codec.toMessage(p.record, token.name)));
          await deps.writer.write(messages);
        });
        countEvents('ingest', deps.codec.topic, prepared.map((p) => p.record.type));
      } catch (err) {
        await Promise.all(prepared.filter((p) => p.key).map((p) => deps.idempotency.release(p.projectId, p.key!).catch(() => undefined)));
        if (err instanceof QueueFullError) throw unavailable(`ingest is overloaded: ${err.message}`);
        throw err;
      }
      await Promise.all(
        prepared
          .filter((p) => p.key)
          .map((p) => {
            const v = verdicts.find((x) => x.line === p.line)!;
            return deps.idempotency.complete(p.projectId, p.key!, 202, { report_id: v.report_id, pipeline_id: v.pipeline_id });
          }),
      );
    }
    res.status(200).type('application/x-ndjson').send(verdicts.map((v) => JSON.stringify(v)).join('\n') + '\n');
  };
}
