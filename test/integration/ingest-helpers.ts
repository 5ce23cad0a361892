// Helpers of the ingest-*.test.ts suites: what ingest has written (Kafka end offsets of ci.intake.v1
// and the row counts of every table ingest writes), and a raw HTTP client that sends paths and headers
// exactly as given (fetch normalises both).
import { expect } from 'chai';
import { request } from 'node:http';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { consumeUntil } from '../support/kafka.js';

/** Every table ingest writes. */
export const INGEST_TABLES = [
  'ingest_idempotency',
  'job_logs',
  'job_log_chunks',
  'ingest_pipelines',
  'ingest_job_attempts',
] as const;

export interface Written {
  intake: string;
  rows: Record<string, number>;
}

export async function written(admin: Admin, pool: pg.Pool): Promise<Written> {
  const offsets = await admin.fetchTopicOffsets(TOPICS.intake);
  const rows: Record<string, number> = {};
  for (const t of INGEST_TABLES)
    rows[t] = Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t}`)).rows[0]!.n); // t: a constant above
  return { intake: offsets.map((o) => `${o.partition}:${o.high}`).join(','), rows };
}

/** Runs `fn` and asserts that nothing was written to ci.intake.v1 nor to any ingest table meanwhile. */
export async function nothingWritten<T>(admin: Admin, pool: pg.Pool, fn: () => Promise<T>): Promise<T> {
  const before = await written(admin, pool);
  const out = await fn();
  expect(await written(admin, pool), 'nothing written').to.deep.equal(before);
  return out;
}

export interface RawAnswer {
  status: number;
  type: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  body: any;
}

/** One HTTP request through node:http: the path and headers reach the server as written. */
export function raw(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* NDJSON or text */
        }
        resolve({
          status: res.statusCode!,
          type: String(res.headers['content-type'] ?? ''),
          headers: res.headers,
          text,
          body,
        });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** The pointers of a problem's errors. */
export const pointers = (body: { errors?: { pointer: string }[] }): string[] =>
  (body.errors ?? []).map((e) => e.pointer);

export const PROBLEM = /^application\/problem\+json/;

/** The canonical events of one pipeline, read from the beginning of ci.pipeline.events.v1 until `done`. */
export async function pipelineEventsOf(
  kafka: Kafka,
  pipelineId: string,
  done: (events: PipelineEvent[]) => boolean,
): Promise<PipelineEvent[]> {
  const codec = await EventCodec.forTopic<PipelineEvent>(loadConfig().schemaRegistryUrl, TOPICS.pipelineEvents);
  const mine: PipelineEvent[] = [];
  await consumeUntil(kafka, TOPICS.pipelineEvents, () => done(mine), {
    timeoutMs: 60_000,
    onMessage: async (m) => {
      if (m.key?.toString() === pipelineId) mine.push((await codec.decode(m.value)).event);
    },
  });
  return mine;
}
