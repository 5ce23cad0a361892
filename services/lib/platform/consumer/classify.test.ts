import { expect } from 'chai';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { EventDecodeError, EventValidationError } from '../registry/codec.js';
import { classifyError, type ErrorClass } from './classify.js';
import { PoisonError, RepositionError, StallError, TransientError } from './errors.js';

const {
  KafkaJSProtocolError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSNonRetriableError,
  KafkaJSRequestTimeoutError,
} = kafkajs;

function pgError(code: string, message = 'server error'): Error {
  const e = new pg.DatabaseError(message, message.length, 'error');
  e.code = code;
  e.severity = 'ERROR';
  return e;
}
const sysError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:54329`), { code });
// kafkajs' types declare fewer constructor arguments than its classes take (errors.js): build them as it does.
const kafkaProtocol = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 1, retriable, message: type } as unknown as Error);

const table: [string, unknown, ErrorClass, string][] = [
  ['undecodable record', new EventDecodeError('not wire format'), 'poison', 'EventDecodeError'],
  [
    'schema violation',
    new EventValidationError('bad', [{ pointer: '/exit_code', message: 'must be <= 2147483647' }]),
    'poison',
    'EventValidationError',
  ],
  ['explicit poison', new PoisonError('no'), 'poison', 'PoisonError'],
  ['pg 22003 numeric out of range', pgError('22003'), 'poison', 'pg 22003'],
  ['pg 22021 invalid byte sequence (U+0000)', pgError('22021'), 'poison', 'pg 22021'],
  ['pg 22P05 untranslatable character (jsonb \\u0000)', pgError('22P05'), 'poison', 'pg 22P05'],
  ['pg 23505 unique violation', pgError('23505'), 'poison', 'pg 23505'],
  ['pg 40001 serialization failure', pgError('40001'), 'transient', 'pg 40001'],
  ['pg 40P01 deadlock', pgError('40P01'), 'transient', 'pg 40P01'],
  ['pg 57P01 admin shutdown', pgError('57P01'), 'transient', 'pg 57P01'],
  ['pg 53300 too many connections', pgError('53300'), 'transient', 'pg 53300'],
  ['pg 08006 connection failure', pgError('08006'), 'transient', 'pg 08006'],
  ['pg 42P01 relation dropped under us', pgError('42P01'), 'transient', 'pg 42P01'],
  ['pg 57014 statement timeout: split the batch', pgError('57014'), 'suspect', 'pg 57014'],
  ['connection refused', sysError('ECONNREFUSED'), 'transient', 'ECONNREFUSED'],
  ['connection reset', sysError('ECONNRESET'), 'transient', 'ECONNRESET'],
  ['pg pool: connection terminated', new Error('Connection terminated unexpectedly'), 'transient', 'pg connection'],
  ['pg pool: connect timeout', new Error('timeout exceeded when trying to connect'), 'transient', 'pg connection'],
  [
    'fetch failed with a refused cause',
    new TypeError('fetch failed', { cause: sysError('ECONNREFUSED') }),
    'transient',
    'ECONNREFUSED',
  ],
  [
    'AbortSignal.timeout',
    Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    'transient',
    'TimeoutError',
  ],
  ['broker not available', kafkaProtocol('BROKER_NOT_AVAILABLE', true), 'transient', 'kafka BROKER_NOT_AVAILABLE'],
  ['producer fenced', kafkaProtocol('PRODUCER_FENCED', false), 'transient', 'kafka PRODUCER_FENCED'],
  [
    'kafka connection error',
    new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'),
    'transient',
    'KafkaJSConnectionError',
  ],
  [
    'kafka request timeout',
    new KafkaJSRequestTimeoutError('Request timed out'),
    'transient',
    'KafkaJSRequestTimeoutError',
  ],
  [
    'retries exceeded around a timeout',
    new KafkaJSNumberOfRetriesExceeded(new KafkaJSRequestTimeoutError('Request timed out'), {
      retryCount: 5,
      retryTime: 100,
    }),
    'transient',
    'KafkaJSRequestTimeoutError',
  ],
  ['message too large: the record', kafkaProtocol('MESSAGE_TOO_LARGE', false), 'poison', 'kafka MESSAGE_TOO_LARGE'],
  [
    "non-retriable wrapper around a too-large record (as kafkajs' retrier builds it)",
    new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(
      kafkaProtocol('MESSAGE_TOO_LARGE', false),
      { cause: kafkaProtocol('MESSAGE_TOO_LARGE', false) },
    ),
    'poison',
    'kafka MESSAGE_TOO_LARGE',
  ],
  ['explicit transient', new TransientError('registry 503'), 'transient', 'TransientError'],
  ['checkpoint moved', new RepositionError('moved'), 'reposition', 'RepositionError'],
  ['seq gap', new StallError('gap'), 'stall', 'StallError'],
  ['a bug on some data', new TypeError("Cannot read properties of undefined (reading 'x')"), 'suspect', 'TypeError'],
  ['a thrown string', 'boom', 'suspect', 'Error'],
];

describe('consumer: error classification', () => {
  for (const [what, err, cls, reason] of table) {
    it(`${what} → ${cls} (${reason})`, () => {
      expect(classifyError(err)).to.deep.equal({ class: cls, reason });
    });
  }

  it('a cause chain that loops ends', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b: Error & { cause?: unknown } = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyError(a).class).to.equal('suspect');
  });
});
