// How the operations page shows a dead letter without handing out what it holds: its dlq-* headers (why it
// died, where from; dead-letter.ts writes them) and a short text-only preview of key and value, masked by
// the log redaction rules (secrets → [MASKED]) and clipped. A value in the schema registry's wire format
// (magic byte 0, schema id, Avro) or any other binary gets no preview, only its size and kind. Pure.
import { redactSecrets } from '../../lib/core/logs/redact.js';

export const PREVIEW_CHARS = 160;
export const ERROR_CHARS = 500;
export const KEY_CHARS = 120;

export type ValueKind = 'none' | 'avro' | 'text' | 'binary';

export interface ValuePreview {
  bytes: number;
  kind: ValueKind;
  /** The registry's schema id of a wire-format value. */
  schema_id: number | null;
  /** Masked, clipped, one line; null for none, avro and binary. */
  preview: string | null;
}

/** Text as one short line: control characters (newlines too) as spaces, masked, clipped with an ellipsis. */
export function safeLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  // Masked before clipping, so that a secret cut in half cannot slip past its rule.
  const masked = redactSecrets(line).text;
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/**
 * Bytes that are UTF-8 text without control characters (tabs and newlines aside), or undefined. `cut`: the
 * bytes are the head of more, so a character cut at the end is not an error.
 */
function textOf(bytes: Buffer, cut = false): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what makes bytes binary
  const controls = text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  return controls > 0 ? undefined : text;
}

export function previewValue(value: Buffer | null | undefined): ValuePreview {
  if (!value || value.length === 0) return { bytes: value?.length ?? 0, kind: 'none', schema_id: null, preview: null };
  if (value[0] === 0 && value.length >= 5)
    return { bytes: value.length, kind: 'avro', schema_id: value.readInt32BE(1), preview: null };
  // Only the head is looked at: a preview never needs more, and a large value is not decoded whole.
  const head = value.subarray(0, PREVIEW_CHARS * 4);
  const text = textOf(head, head.length < value.length);
  if (text === undefined) return { bytes: value.length, kind: 'binary', schema_id: null, preview: null };
  return { bytes: value.length, kind: 'text', schema_id: null, preview: safeLine(text, PREVIEW_CHARS) };
}

/** A record key as text (masked, clipped), or null when it has none or it is not text. */
export function keyText(key: Buffer | null | undefined): string | null {
  if (!key || key.length === 0) return null;
  const head = key.subarray(0, KEY_CHARS * 4);
  const text = textOf(head, head.length < key.length);
  return text === undefined ? null : safeLine(text, KEY_CHARS);
}

type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const header = (headers: Headers | undefined, name: string): string | null => {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? null : one.toString();
};

/** What dead-letter.ts wrote about the record; each null when absent (a record put there by hand). */
export interface DeadLetterHeaders {
  reason: string | null;
  error_class: string | null;
  error: string | null;
  consumer_group: string | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: number | null;
  recorded_at: string | null;
  event_type: string | null;
  redriven_from: string | null;
}

const intOrNull = (s: string | null) => (s !== null && /^\d{1,15}$/.test(s) ? Number(s) : null);
const short = (s: string | null, max = KEY_CHARS) => (s === null ? null : safeLine(s, max));

export function deadLetterHeaders(headers: Headers | undefined): DeadLetterHeaders {
  const recorded = header(headers, 'dlq-recorded-at');
  return {
    reason: short(header(headers, 'dlq-reason')),
    error_class: short(header(headers, 'dlq-error-class')),
    // The error message may quote the record: masked like the preview.
    error: short(header(headers, 'dlq-error'), ERROR_CHARS),
    consumer_group: short(header(headers, 'dlq-consumer-group')),
    source_topic: short(header(headers, 'dlq-source-topic')),
    source_partition: intOrNull(header(headers, 'dlq-source-partition')),
    source_offset: intOrNull(header(headers, 'dlq-source-offset')),
    recorded_at: recorded !== null && !Number.isNaN(Date.parse(recorded)) ? new Date(recorded).toISOString() : null,
    event_type: short(header(headers, 'event-type')),
    redriven_from: short(header(headers, 'dlq-redriven-from')),
  };
}
