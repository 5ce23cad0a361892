// Every error a consumer meets is classified once, here, into what the runner does with it:
//   poison     the record can never be processed: dead-letter it, the partition goes on;
//   transient  nothing is wrong with the records (a dependency is down, a lock, a timeout): retry with
//              capped backoff, never dead-letter;
//   suspect    unknown: retried, then the batch is split; what still fails on one record is poison;
//   reposition the sink's position moved (another instance): re-read it and seek;
//   stall      the partition must stop until an operator acts (a seq gap): /readyz says why.
// Pure: it looks at error names, codes and causes only.
import { EventDecodeError, EventValidationError } from '../registry/codec.js';
import { PoisonError, RepositionError, StallError, TransientError } from './errors.js';

export type ErrorClass = 'poison' | 'transient' | 'suspect' | 'reposition' | 'stall';

export interface Classified {
  class: ErrorClass;
  /** A short, bounded label for logs, metrics and dead-letter headers (e.g. "pg 22003", "ECONNREFUSED"). */
  reason: string;
}

/** Postgres SQLSTATE classes and codes whose failure is the data's (22 data exception, 23 integrity constraint). */
const PG_POISON_CLASSES = new Set(['22', '23']);
/** Node and undici connection failures. */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** Kafka protocol errors that belong to the records sent, not to the cluster. */
const KAFKA_RECORD_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);
/** pg's own messages for a connection that failed or went away (no SQLSTATE). */
const PG_CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /Client was closed/i,
  /Cannot use a pool after calling end/i,
];

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  type?: unknown;
  severity?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and its causes, outermost first (bounded: causes can be cyclic). */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && out.length < 8 && !out.includes(e as ErrorLike)) {
    out.push(e as ErrorLike);
    const agg = (e as ErrorLike).errors; // AggregateError (e.g. a connect to several addresses)
    e = (e as ErrorLike).cause ?? (Array.isArray(agg) ? agg[0] : undefined);
  }
  return out;
}

/** A SQLSTATE of a Postgres server error (pg's DatabaseError carries `severity` and a 5-character code). */
function sqlState(e: ErrorLike): string | undefined {
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string'
    ? e.code
    : undefined;
}

function one(e: ErrorLike): Classified | undefined {
  if (e instanceof RepositionError) return { class: 'reposition', reason: e.constructor.name };
  if (e instanceof StallError) return { class: 'stall', reason: e.constructor.name };
  if (e instanceof PoisonError || e instanceof EventDecodeError || e instanceof EventValidationError)
    return { class: 'poison', reason: e.constructor.name };
  if (e instanceof TransientError) return { class: 'transient', reason: 'TransientError' };
  const state = sqlState(e);
  if (state) {
    const cls = state.slice(0, 2);
    if (PG_POISON_CLASSES.has(cls)) return { class: 'poison', reason: `pg ${state}` };
    // A cancelled statement (57014: statement_timeout) may be the size of the batch: split it.
    if (state === '57014') return { class: 'suspect', reason: `pg ${state}` };
    // 08 connection, 40001 serialization, 40P01 deadlock, 53 resources, 55P03 lock, 57P0x shutdown, and any
    // other server-side failure (42P01 a relation dropped under us, …): nothing record-specific; retry.
    return { class: 'transient', reason: `pg ${state}` };
  }
  if (typeof e.code === 'string' && NET_CODES.has(e.code)) return { class: 'transient', reason: e.code };
  const name = typeof e.name === 'string' ? e.name : '';
  if (name.startsWith('KafkaJS')) {
    const type = typeof e.type === 'string' ? e.type : '';
    if (KAFKA_RECORD_ERRORS.has(type)) return { class: 'poison', reason: `kafka ${type}` };
    if (!e.cause) return { class: 'transient', reason: type ? `kafka ${type}` : name };
    return undefined; // a wrapper (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError): its cause decides
  }
  if (name === 'TimeoutError' || name === 'AbortError') return { class: 'transient', reason: name };
  if (PG_CONNECTION_MESSAGES.some((re) => re.test(e.message ?? '')))
    return { class: 'transient', reason: 'pg connection' };
  return undefined;
}

export function classifyError(err: unknown): Classified {
  const links = chain(err);
  for (const e of links) {
    const c = one(e);
    if (c) return c;
  }
  const last = links.at(-1);
  // A KafkaJS wrapper whose causes said nothing more is still the cluster's failure.
  if (links.some((e) => typeof e.name === 'string' && e.name.startsWith('KafkaJS')))
    return { class: 'transient', reason: String(links[0]?.name) };
  return { class: 'suspect', reason: (last?.name || 'Error').slice(0, 64) };
}
