// Failure signature: a hash of a failure's top error lines with everything that varies from run to run
// masked (numbers, hashes, UUIDs, timestamps, durations, IP addresses, temporary directories, home and
// workspace directories), so two runs of the same failure share a signature and different failures do
// not. Used to find earlier failures like this one. Pure.

import { createHash } from 'node:crypto';
import { scoreLine } from '../logs/markers.js';
import { findEvidence } from './evidence.js';
import type { EvidenceRange } from './proposal.js';

/**
 * Error lines of the top evidence range that make the signature. Measured on the LogChunks dev split
 * (load-tests/log-excerpt/evidence.ts): more lines, or lines of more ranges, tell more failures apart
 * but make runs of the same failure agree less often.
 */
const SIGNATURE_LINES = 2;
/** Characters of one error line that count (a huge line is usually a dump, not a message). */
const MAX_LINE = 500;

// Order matters: the longer, more specific patterns first, numbers last.
const MASKS: readonly [RegExp, string][] = [
  // Temporary directories: /tmp/x, macOS /var/folders/ab/cd/T/x, Windows …\AppData\Local\Temp\x.
  [
    /(?:\/private)?\/var\/folders\/[^\s/]+\/[^\s/]+\/T\/[^\s/'"`:)]*|\/tmp\/[^\s/'"`:)]+|[A-Za-z]:\\Users\\[^\s\\]+\\AppData\\Local\\Temp\\[^\s\\'"`:)]*/g,
    '<tmp>',
  ],
  // Home and CI workspace directories: Travis, GitHub Actions, GitLab, Jenkins, macOS and Windows homes.
  [
    /\/(?:home|Users)\/[^\s/]+\/build\/[^\s/]+\/[^\s/]+|\/home\/runner\/work\/[^\s/]+\/[^\s/]+|\/builds\/[^\s/]+\/[^\s/]+|\/var\/lib\/jenkins\/workspace\/[^\s/]+|\/(?:home|Users)\/[^\s/]+|[A-Za-z]:\\Users\\[^\s\\]+/g,
    '~',
  ],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // Timestamps and dates: ISO 8601, `2019/08/01 15:12:45`, `[02:22:53]`, `31 07 2019 20:21:24.471`.
  [/\b\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}\b/gi, '<ip>'],
  // Hex: hashes, object ids and addresses with at least one digit (so words like `deadbeef` stay).
  [/\b(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)[0-9a-f]{7,})\b/gi, '<hex>'],
  [/\b\d+(?:\.\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\b/gi, '<duration>'],
  [/\d+/g, 'N'],
];

/** A line with everything that varies between runs of the same failure masked, lower case, spaces collapsed. */
export function normaliseLine(line: string): string {
  let text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  for (const [re, mask] of MASKS) text = text.replace(re, mask);
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The SIGNATURE_LINES lines of a range that read most like errors (markers.ts; strongest, then first), in
 * log order; its last non-blank line if none does.
 */
function errorLinesOf(lines: readonly string[], range: EvidenceRange): string[] {
  const scored: { i: number; score: number }[] = [];
  let lastNonBlank: string | undefined;
  for (let i = Math.max(1, range.start_line); i <= Math.min(lines.length, range.end_line); i++) {
    const text = lines[i - 1]!;
    if (text.trim() !== '') lastNonBlank = text;
    const score = scoreLine(text)?.score ?? 0;
    if (score > 0) scored.push({ i, score });
  }
  if (scored.length === 0) return lastNonBlank === undefined ? [] : [lastNonBlank];
  const top = scored.sort((a, b) => b.score - a.score || a.i - b.i).slice(0, SIGNATURE_LINES);
  return top.sort((a, b) => a.i - b.i).map(({ i }) => lines[i - 1]!);
}

/**
 * Signature of a failure: the first 16 bytes (32 hex digits) of the SHA-256 of the normalised error
 * lines of its top evidence range (`evidence[0]`, or findEvidence's when not given). Line 1 is `lines[0]`.
 */
export function failureSignature(lines: readonly string[], evidence?: readonly EvidenceRange[]): string {
  const top =
    evidence === undefined
      ? findEvidence(lines, { max: 1 }).map((e) => ({ start_line: e.start, end_line: e.end, reason: e.reason }))[0]
      : evidence[0];
  const errorLines = top === undefined ? [] : errorLinesOf(lines, top).map(normaliseLine);
  return createHash('sha256').update(errorLines.join('\n')).digest().subarray(0, 16).toString('hex');
}
