// POST /v1/reports:bulk — NDJSON in, NDJSON out: one verdict per non-blank input line, in order, named
// by its line number in the body. Each line goes through the checks of its single route; an invalid
// line gets its own 4xx and writes nothing; valid lines are written to Kafka together. Blank lines are
// skipped; a body without any other line is a 400.
// In phases, so that a body of thousands of lines costs a few queries, not thousands: (1) every line
// parsed, validated and authorised in memory; (2) the ids of every create claimed at once; (3) the
// owners of every other pipeline named read at once; (4) each line prepared in order (submit.ts
// prepare: owner, key, record — cache hits but for Idempotency-Keys); (5) one write.
import type { Request, RequestHandler, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { badRequest, HttpProblem } from '../../lib/platform/http/problem.js';
import { TokenRegistry, type ProducerToken } from '../../lib/platform/http/tokens.js';
import { createAjv, toFieldErrors, type FieldError } from '../../lib/platform/schemas/ajv.js';
import { withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents } from '../../lib/platform/telemetry/metrics.js';
import { bulkJobOps, bulkLineHead, type BulkOp } from './api-schemas.js';
import { checkDefinition } from './definition-check.js';
import { requestHash } from './idempotency.js';
import {
  commandRecord,
  createPipelineRecord,
  definitionJobNames,
  jobReportRecord,
  pipelineIdFor,
  type ApiCreatePipeline,
  type JobCommand,
  type PipelineCommand,
  type PlayVariable,
} from './intake-records.js';
import type { PlayedValues } from './played-values.js';
import { parseJobRef } from './params.js';
import { excerptFor, validators, type IngestDeps } from './deps.js';
import { prepare, reportIdOf, writeRecords, type Prepared, type SubmitRequest } from './submit.js';

/** Content types of the bulk body: NDJSON, under the names it goes by (JSON Lines is the same format). */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

const head = createAjv().compile(bulkLineHead);

type LineVerdict = {
  line: number;
  status: number;
  report_id?: string;
  pipeline_id?: string;
  title?: string;
  detail?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
};

/** The non-blank lines of an NDJSON body with their 1-based line numbers. */
export function ndjsonLines(text: string): { n: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ n: i + 1, text: t }))
    .filter((l) => l.text.trim() !== '');
}

const problemVerdict = (n: number, err: unknown): LineVerdict => {
  if (!(err instanceof HttpProblem)) throw err;
  const { type: _type, status, ...rest } = err.problem;
  return { line: n, status, ...rest };
};

/** The intake record type of each command op. */
const PIPELINE_COMMANDS: Partial<Record<BulkOp, PipelineCommand>> = {
  cancel: 'CancelPipeline',
  retry_pipeline: 'RetryPipeline',
};
const JOB_COMMANDS: Partial<Record<BulkOp, JobCommand>> = {
  retry: 'RetryJob',
  play: 'PlayJob',
  cancel_job: 'CancelJob',
  unschedule: 'UnscheduleJob',
};
const namesJob = (op: BulkOp): boolean => (bulkJobOps as readonly BulkOp[]).includes(op);

export function bulkHandler(deps: IngestDeps, played: PlayedValues): RequestHandler {
  return async (req: Request, res: Response) => {
    const token = res.locals.token as ProducerToken;
    const lines = ndjsonLines(typeof req.body === 'string' ? req.body : '');
    if (lines.length === 0)
      throw badRequest('the body must hold at least one NDJSON line', [
        { pointer: '', message: 'holds no NDJSON line' },
      ]);
    if (lines.length > deps.config.bulkMaxLines) {
      throw new HttpProblem({
        title: 'Content Too Large',
        status: 413,
        detail: `at most ${deps.config.bulkMaxLines} lines per request, got ${lines.length}`,
      });
    }
    const verdicts = new Map<number, LineVerdict>();
    // (1) In memory.
    const candidates: { n: number; request: SubmitRequest }[] = [];
    for (const { n, text } of lines) {
      try {
        candidates.push({ n, request: parseLine(deps, played, token, n, text) });
      } catch (err) {
        verdicts.set(n, problemVerdict(n, err));
      }
    }
    // (2) and (3): one claim of every create's id (those taken are told apart line by line), one read of every other
    // owner.
    const creates = candidates.filter((c) => c.request.creates !== undefined);
    const claimed = await deps.directory.claimMany(
      creates.map((c) => ({
        pipelineId: c.request.pipelineId,
        projectId: c.request.projectId,
        jobNames: c.request.creates!.jobNames,
        reportId: c.request.reportId!,
      })),
    );
    await deps.directory.preload(
      candidates.filter((c) => !claimed.has(c.request.pipelineId)).map((c) => c.request.pipelineId),
    );
    const preclaimedBy = new Map<string, number>();
    for (const c of creates)
      if (claimed.has(c.request.pipelineId) && !preclaimedBy.has(c.request.pipelineId))
        preclaimedBy.set(c.request.pipelineId, c.n);
    // (4) In order.
    const ready: (Prepared & { line: number })[] = [];
    for (const { n, request } of candidates) {
      const preclaimed = preclaimedBy.get(request.pipelineId) === n;
      try {
        const p = await prepare(
          deps,
          preclaimed ? { ...request, creates: { ...request.creates!, preclaimed } } : request,
        );
        if ('replay' in p) verdicts.set(n, { line: n, ...p.replay.body, status: p.replay.status });
        else {
          ready.push({ ...p.ready, line: n });
          verdicts.set(n, {
            line: n,
            status: 202,
            report_id: p.ready.reportId,
            pipeline_id: p.ready.record.pipeline_id,
          });
        }
      } catch (err) {
        verdicts.set(n, problemVerdict(n, err));
      }
    }
    // (5) One write.
    if (ready.length > 0) {
      await withSendSpan({ topic: deps.codec.topic, count: ready.length }, () => writeRecords(deps, token.name, ready));
      countEvents(
        'ingest',
        deps.codec.topic,
        ready.map((p) => p.record.type),
      );
      await Promise.all(
        ready
          .filter((p) => p.key)
          .map((p) =>
            deps.idempotency.complete(p.projectId, p.key!, 202, {
              report_id: p.reportId,
              pipeline_id: p.record.pipeline_id,
            }),
          ),
      );
    }
    res
      .status(200)
      .type('application/x-ndjson')
      .send(lines.map(({ n }) => JSON.stringify(verdicts.get(n))).join('\n') + '\n');
  };
}

/** One line → the request its single route would make (validated and authorised), or a 4xx. */
function parseLine(
  deps: IngestDeps,
  played: PlayedValues,
  token: ProducerToken,
  n: number,
  text: string,
): SubmitRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest(`line ${n} is not valid JSON: ${(err as Error).message}`, [
      { pointer: '', message: 'is not valid JSON' },
    ]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !head(parsed)) {
    throw badRequest(
      `line ${n} is not a bulk operation`,
      toFieldErrors(head.errors).length ? toFieldErrors(head.errors) : [{ pointer: '', message: 'must be an object' }],
    );
  }
  const {
    op,
    pipeline_id,
    job: rawJob,
    ...rest
  } = parsed as { op: BulkOp; pipeline_id?: string; job?: string } & Record<string, unknown>;
  const job = rawJob === undefined ? undefined : parseJobRef(rawJob, '/job');
  const body = op === 'create_pipeline' && pipeline_id ? { ...rest, pipeline_id } : rest;
  const validate =
    op === 'create_pipeline'
      ? validators.create
      : op === 'report'
        ? validators.report
        : op === 'play'
          ? validators.play
          : validators.command;
  if (!validate(body)) throw badRequest(`line ${n} has invalid fields`, toFieldErrors(validate.errors));
  const definition =
    op === 'create_pipeline'
      ? checkDefinition((body as unknown as ApiCreatePipeline).definition, (body as { project_id: string }).project_id)
      : undefined;
  const b = body as { project_id: string; idempotency_key?: string; occurred_at?: string };
  TokenRegistry.authorize(token, b.project_id);
  const key = b.idempotency_key ?? null;
  const pipelineId = (pipeline_id ?? (key ? pipelineIdFor(b.project_id, key) : uuidv7())).toLowerCase();
  const request: SubmitRequest = {
    token,
    projectId: b.project_id,
    pipelineId,
    job: namesJob(op) ? job : undefined,
    creates: op === 'create_pipeline' ? { jobNames: definitionJobNames(definition!) } : undefined,
    requestHash: key ? requestHash(`bulk ${op} ${pipeline_id ?? ''} ${job ?? ''}`, body) : '', // compared only for a key
    idempotencyKey: key,
    correlationId: null,
    occurredAt: b.occurred_at,
    waitMs: 0,
    build: async (c) => {
      if (op === 'create_pipeline') return createPipelineRecord(body as unknown as ApiCreatePipeline, c, definition);
      if (op === 'report') {
        const r = body as unknown as { status: string; log_tail?: string; masked_values?: string[] };
        const masked = [...(r.masked_values ?? []), ...played.of(b.project_id, pipelineId)];
        const { log, excerpt } =
          r.status === 'failed'
            ? await excerptFor(deps, b.project_id, pipelineId, job!, r.log_tail, masked)
            : { log: null, excerpt: null };
        return jobReportRecord(body as never, job!, log, excerpt, c);
      }
      const pipelineCommand = PIPELINE_COMMANDS[op];
      if (pipelineCommand) return commandRecord(pipelineCommand, c);
      const variables = (body as { variables?: PlayVariable[] }).variables ?? [];
      // Past every check of the line: its values are masked in the pipeline's logs from now on (later lines too).
      played.remember(
        b.project_id,
        pipelineId,
        variables.map((v) => v.value),
      );
      return commandRecord(JOB_COMMANDS[op]!, c, job!, variables);
    },
  };
  return { ...request, reportId: reportIdOf(request) };
}
