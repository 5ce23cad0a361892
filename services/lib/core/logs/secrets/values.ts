// The producer's masked CI variables: every occurrence of a value, and of its base64 and URL-encoded forms.

import { MASK, type RedactResult } from './mask.js';

/** GitLab does not mask variables shorter than this. */
export const MIN_MASKED_VALUE_LENGTH = 8;

/** The forms of a masked value that are replaced, longest first; none for a value under 8 characters. */
export function maskedValueForms(value: string): string[] {
  if (value.length < MIN_MASKED_VALUE_LENGTH || value.includes(MASK) || MASK.includes(value)) return [];
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const b64url = b64.replace(/\+/g, '-').replace(/\//g, '_');
  const forms = new Set([
    value,
    encodeURIComponent(value),
    b64,
    b64.replace(/=+$/, ''),
    b64url,
    b64url.replace(/=+$/, ''),
  ]);
  return [...forms]
    .filter((f) => f.length >= MIN_MASKED_VALUE_LENGTH)
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** Replaces every form of every value, longer forms first; a multi-line value keeps its newlines. */
export function maskValues(text: string, values: readonly string[]): RedactResult {
  const forms = [...new Set(values.flatMap(maskedValueForms))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  let out = text;
  let count = 0;
  for (const form of forms) {
    if (!out.includes(form)) continue;
    const pieces = out.split(form);
    count += pieces.length - 1;
    // A multi-line value keeps its newlines so that line numbers stay valid.
    const newlines = form.split('\n').length - 1;
    out = pieces.join(MASK + '\n'.repeat(newlines));
  }
  return { text: out, count };
}
