// Properties of redaction over arbitrary text (fast-check): a masked value of 8 characters or more never
// survives, in any surrounding text, regex metacharacters and newlines included, nor do its base64 and
// URL-encoded forms; the line count never changes; redacting twice changes nothing more.
import { expect } from 'chai';
import fc from 'fast-check';
import { MASK, maskedValueForms, redactSecrets } from './redact.js';

// Regex metacharacters, the mask's own characters, quotes, separators and multi-byte text.
const UNITS = [...'abcXYZ019.*+?^$()[]{}|\\/-_=:@ \'"&%#!~<>', 'é', '日', '😀', 'MASKED'];
const text = fc.string({ unit: fc.constantFrom(...UNITS, '\n'), maxLength: 60 });
const value = fc
  .string({ unit: fc.constantFrom(...UNITS), minLength: 8, maxLength: 40 })
  .filter((v) => v.length >= 8 && !v.includes(MASK) && !MASK.includes(v));

/** Start indices of `needle` in `hay`, overlapping occurrences included. */
function occurrences(hay: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/**
 * The occurrences of `form` in `text` that are not made partly of a `[MASKED]`. A value that begins with
 * the end of the mask (`]…`, `D]…`) or ends with its start can re-form across a mask and the text beside
 * it (`]abcdefg` in `]abcdefgabcdefg` → `[MASKED]abcdefg`): those show nothing of the secret that the text
 * did not, and masking them again would not end, so they do not count as surviving.
 */
function survivors(text: string, form: string): number[] {
  const masks = occurrences(text, MASK);
  return occurrences(text, form).filter((i) => !masks.some((m) => m < i + form.length && i < m + MASK.length));
}

describe('redactSecrets: properties over arbitrary text', () => {
  it('a value re-formed across a mask is made of the mask (the one case the property below leaves out)', () => {
    const r = redactSecrets(']abcdefgabcdefg', { maskedValues: [']abcdefg'] });
    expect(r).to.deep.equal({ text: `${MASK}abcdefg`, count: 1 });
    expect(survivors(r.text, ']abcdefg')).to.deep.equal([]);
  });

  it('never leaves a masked value of 8 or more characters, or its encoded forms, in any surrounding text', () => {
    fc.assert(
      fc.property(text, value, text, fc.nat(3), (before, secret, after, copies) => {
        const input = before + Array.from({ length: copies + 1 }, () => secret).join(after) + after;
        const r = redactSecrets(input, { maskedValues: [secret] });
        for (const form of maskedValueForms(secret))
          expect(survivors(r.text, form), `${JSON.stringify(form)} in ${JSON.stringify(r.text)}`).to.deep.equal([]);
        expect(r.count).to.be.at.least(copies + 1);
        expect(r.text.split('\n')).to.have.length(input.split('\n').length);
      }),
    );
  });

  it('finds the value in its base64 and URL-encoded forms too', () => {
    fc.assert(
      fc.property(text, value, (around, secret) => {
        const b64 = Buffer.from(secret, 'utf8').toString('base64');
        const input = `${around} ${b64} ${encodeURIComponent(secret)} ${around}`;
        const r = redactSecrets(input, { maskedValues: [secret] });
        expect(survivors(r.text, secret)).to.deep.equal([]);
        expect(survivors(r.text, b64.replace(/=+$/, ''))).to.deep.equal([]);
      }),
    );
  });

  it('is idempotent: redacting the redacted text masks nothing more', () => {
    fc.assert(
      fc.property(text, value, text, (before, secret, after) => {
        const once = redactSecrets(before + secret + after, { maskedValues: [secret] });
        expect(redactSecrets(once.text, { maskedValues: [secret] })).to.deep.equal({ text: once.text, count: 0 });
      }),
    );
  });
});
