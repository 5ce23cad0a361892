// Labelled failure logs for offline experiments: JSONL (optionally gzip-compressed) in the format of the
// LogChunks dev split, one failed build per line. Every line is validated; a bad one is reported with its
// line number.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createAjv, toFieldErrors } from '../../lib/platform/schemas/ajv.js';
import { RUBRIC_CATEGORIES, type RubricCategory } from '../../lib/core/remediation/category/categories.js';
import { CATEGORIES } from '../../lib/core/remediation/proposal.js';

export interface LabelledLog {
  repo: string;
  build_id: string;
  /** The whole build log, lines separated by `\n`. */
  log: string;
  /** The labelled lines explaining the failure, 1-based, inclusive. */
  chunk_start_line: number;
  chunk_end_line: number;
  /**
   * Root-cause category, when labelled: a rubric id (docs/FAILURE-CATEGORIES.md). A file may also carry
   * today's event ids; `network` is read as `infrastructure`.
   */
  category?: RubricCategory;
  /** Whether a retry of the same job on the same commit passed, when known. */
  retry_passed?: boolean;
}

const RECORD_SCHEMA = {
  type: 'object',
  required: ['repo', 'build_id', 'log', 'chunk_start_line', 'chunk_end_line'],
  properties: {
    repo: { type: 'string', minLength: 1 },
    build_id: { type: ['string', 'integer'] },
    log: { type: 'string' },
    chunk_start_line: { type: 'integer', minimum: 1 },
    chunk_end_line: { type: 'integer', minimum: 1 },
    category: { enum: [...new Set<string>([...CATEGORIES, ...RUBRIC_CATEGORIES])] },
    retry_passed: { type: 'boolean' },
  },
};

const validate = createAjv().compile(RECORD_SCHEMA);

/** One line of a dataset file as a record, or an Error saying what is wrong with it. */
export function parseRecord(text: string): LabelledLog | Error {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (err) {
    return new Error(`not JSON (${(err as Error).message})`);
  }
  if (!validate(row)) {
    return new Error(
      toFieldErrors(validate.errors)
        .map((e) => `${e.pointer || '/'} ${e.message}`)
        .join('; '),
    );
  }
  const r = row as Omit<LabelledLog, 'build_id'> & { build_id: string | number };
  if (r.chunk_end_line < r.chunk_start_line) return new Error('/chunk_end_line is before /chunk_start_line');
  const record: LabelledLog = {
    repo: r.repo,
    build_id: String(r.build_id),
    log: r.log,
    chunk_start_line: r.chunk_start_line,
    chunk_end_line: r.chunk_end_line,
  };
  const category = r.category as string | undefined;
  if (category !== undefined)
    record.category = category === 'network' ? 'infrastructure' : (category as RubricCategory);
  if (r.retry_passed !== undefined) record.retry_passed = r.retry_passed;
  return record;
}

/** A dataset file that cannot be read: the message names the file and line. */
class DatasetError extends Error {}

/** Whether a file starts with the gzip magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path);
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The text of a file, gunzipped if it is gzip-compressed. */
async function openText(path: string): Promise<Readable> {
  const gz = await isGzip(path);
  const file = createReadStream(path);
  if (!gz) return file;
  const gunzip = createGunzip();
  file.on('error', (err) => gunzip.destroy(err));
  return file.pipe(gunzip);
}

/**
 * Reads a JSONL or JSONL.gz dataset (gzip is recognised by its magic bytes), skipping blank lines; at most
 * `limit` records. Throws `<path>:<line>: <what is wrong>` at the first bad line.
 */
export async function readDataset(path: string, limit = Infinity): Promise<LabelledLog[]> {
  const records: LabelledLog[] = [];
  const input = await openText(path);
  let lineNo = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (records.length >= limit) break;
      if (text.trim() === '') continue;
      const record = parseRecord(text);
      if (record instanceof Error) throw new DatasetError(`${path}:${lineNo}: ${record.message}`);
      records.push(record);
    }
  } catch (err) {
    throw err instanceof DatasetError
      ? err
      : new DatasetError(`${path}: after line ${lineNo}: ${(err as Error).message}`);
  } finally {
    input.destroy();
  }
  return records;
}
