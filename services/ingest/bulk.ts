// POST /v1/reports:bulk — NDJSON in, NDJSON out: one verdict per non-blank input line, in order, named
// by its line number in the body. Each line goes through the same checks as its single route
// (submit.ts prepare: project, owner, key, record); valid lines are written to Kafka together; an
// invalid line gets its own 4xx and writes nothing. Blank lines are skipped; a body without any other
// line is a 400.
import type { Request, RequestHandler, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { badRequest, HttpProblem } from '../platform/http/problem.js';
import { createAjv, toFieldErrors, type FieldError } from '../platform/schemas/ajv.js';
import { withSendSpan } from '../platform/telemetry/kafka-context.js';
import { countEvents } from '../platform/telemetry/metrics.js';
import { bulkLineHead, type BulkOp } from './api-schemas.js';
import { checkDefinition } from './definition-check.js';
import { requestHash } from './idempotency.js';
import { commandRecord, createPipelineRecord, jobReportRecord, pipelineIdFor, type ApiCreatePipeline } from './intake-records.js';
import { parseJobRef } from './params.js';
import { excerptFor, validators, type IngestDeps } from './routes.js';
import { prepare, writeRecords, type Prepared } from './submit.js';
import type { ProducerToken } from '../platform/http/tokens.js';

/** Content types of the bulk body: NDJSON, under the names it goes by (JSON Lines is the same format). */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

const head = createAjv().compile(bulkLineHead);

type LineVerdict = { line: number; status: number; report_id?: string; pipeline_id?: string; title?: string; detail?: string; errors?: FieldError[]; [extra: string]: unknown };

/** The non-blank lines of an NDJSON body with their 1-based line numbers. */
export function ndjsonLines(text: string): { n: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ n: i + 1, text: t }))
    .filter((l) => l.text.trim() !== '');
}

export function bulkHandler(deps: IngestDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    const token = res.locals.token as ProducerToken;
    const lines = ndjsonLines(typeof req.body === 'string' ? req.body : '');
    if (lines.length === 0) throw badRequest('the body must hold at least one NDJSON line', [{ pointer: '', message: 'holds no NDJSON line' }]);
    if (lines.length > deps.config.bulkMaxLines) {
      throw new HttpProblem({ title: 'Content Too Large', status: 413, detail: `at most ${deps.config.bulkMaxLines} lines per request, got ${lines.length}` });
    }
    const verdicts: LineVerdict[] = [];
    const ready: (Prepared & { line: number; pipelineId: string })[] = [];
    for (const { n, text } of lines) {
      try {
        const p = await prepareLine(deps, token, n, text);
        if ('replay' in p) verdicts.push({ line: n, ...p.replay.body, status: p.replay.status });
        else {
          ready.push({ ...p.ready, line: n, pipelineId: p.ready.record.pipeline_id });
          verdicts.push({ line: n, status: 202, report_id: p.ready.reportId, pipeline_id: p.ready.record.pipeline_id });
        }
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        const { type: _type, status, ...rest } = err.problem;
        verdicts.push({ line: n, status, ...rest });
      }
    }
    if (ready.length > 0) {
      await withSendSpan({ topic: deps.codec.topic, count: ready.length }, () => writeRecords(deps, token.name, ready));
      countEvents('ingest', deps.codec.topic, ready.map((p) => p.record.type));
      await Promise.all(ready.filter((p) => p.key).map((p) => deps.idempotency.complete(p.projectId, p.key!, 202, { report_id: p.reportId, pipeline_id: p.pipelineId })));
    }
    res.status(200).type('application/x-ndjson').send(verdicts.map((v) => JSON.stringify(v)).join('\n') + '\n');
  };
}

async function prepareLine(deps: IngestDeps, token: ProducerToken, n: number, text: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest(`line ${n} is not valid JSON: ${(err as Error).message}`, [{ pointer: '', message: 'is not valid JSON' }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !head(parsed)) {
    throw badRequest(`line ${n} is not a bulk operation`, toFieldErrors(head.errors).length ? toFieldErrors(head.errors) : [{ pointer: '', message: 'must be an object' }]);
  }
  const { op, pipeline_id, job: rawJob, ...rest } = parsed as { op: BulkOp; pipeline_id?: string; job?: string } & Record<string, unknown>;
  const job = rawJob === undefined ? undefined : parseJobRef(rawJob, '/job');
  const body = op === 'create_pipeline' && pipeline_id ? { ...rest, pipeline_id } : rest;
  const validate = op === 'create_pipeline' ? validators.create : op === 'report' ? validators.report : validators.command;
  if (!validate(body)) throw badRequest(`line ${n} has invalid fields`, toFieldErrors(validate.errors));
  if (op === 'create_pipeline') checkDefinition((body as unknown as ApiCreatePipeline).definition);
  const b = body as { project_id: string; idempotency_key?: string; occurred_at?: string };
  const pipelineId = (pipeline_id ?? (b.idempotency_key ? pipelineIdFor(b.project_id, b.idempotency_key) : uuidv7())).toLowerCase();
  return prepare(deps, {
    token,
    projectId: b.project_id,
    pipelineId,
    creates: op === 'create_pipeline' ? { jobNames: (body as unknown as ApiCreatePipeline).definition.jobs.map((j) => j.name) } : undefined,
    requestHash: requestHash(`bulk ${op} ${pipeline_id ?? ''} ${job ?? ''}`, body),
    idempotencyKey: b.idempotency_key ?? null,
    correlationId: null,
    occurredAt: b.occurred_at,
    waitMs: 0,
    build: async (c) => {
      if (op === 'create_pipeline') return createPipelineRecord(body as unknown as ApiCreatePipeline, c);
      if (op === 'report') {
        const r = body as unknown as { status: string; log_tail?: string; masked_values?: string[] };
        const { log, excerpt } = r.status === 'failed' ? await excerptFor(deps, b.project_id, pipelineId, job!, r.log_tail, r.masked_values) : { log: null, excerpt: null };
        return jobReportRecord(body as never, job!, log, excerpt, c);
      }
      if (op === 'cancel') return commandRecord('CancelPipeline', c);
      return commandRecord(op === 'retry' ? 'RetryJob' : 'PlayJob', c, job!);
    },
  });
}
