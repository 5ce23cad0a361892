// One Kafka record as `verity topics tail` prints it: a JSON object a line. The value is the decoded
// event; a value that is not an event (a dead letter's raw bytes, a record the codec refuses) is shown
// as base64 and, when the bytes are valid UTF-8, as text.
import type { IHeaders, KafkaMessage } from 'kafkajs';

export interface RawValue {
  base64: string;
  /** The bytes as text, or null when they are not valid UTF-8. */
  utf8: string | null;
}

export interface RecordLine {
  topic: string;
  partition: number;
  /** A string: offsets are 64-bit. */
  offset: string;
  key: string | null;
  /** The record's timestamp, ISO 8601. */
  timestamp: string;
  headers: Record<string, string | string[]>;
  value: unknown;
  /** Why the value could not be decoded (it is then a RawValue). */
  error?: string;
}

const text = (b: Buffer | string): string => (typeof b === 'string' ? b : b.toString('utf8'));

export function rawValue(bytes: Buffer | null): RawValue | null {
  if (bytes === null) return null;
  const utf8 = bytes.toString('utf8');
  return { base64: bytes.toString('base64'), utf8: Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : null };
}

export function headersOf(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(text) : text(v);
  }
  return out;
}

/** The line of one record; `value` is what was decoded (or the RawValue, with `error` when decoding failed). */
export function recordLine(
  topic: string,
  partition: number,
  m: KafkaMessage,
  value: unknown,
  error?: string,
): RecordLine {
  const line: RecordLine = {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : text(m.key),
    timestamp: new Date(Number(m.timestamp)).toISOString(),
    headers: headersOf(m.headers),
    value,
  };
  if (error !== undefined) line.error = error;
  return line;
}
