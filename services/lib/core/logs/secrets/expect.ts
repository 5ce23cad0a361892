// Test helpers shared by the rule families' tests: fake values built at run time (so that no scanner takes a
// test file for a leak), and the check that a case is caught by one family (or token rule) and by no other,
// so that the case fails if that family or rule is removed.

import { expect } from 'chai';
import { redactSecrets, RULE_FAMILIES, runFamilies } from '../redact.js';

const SEED = 'aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z';
/** A fake value of `n` characters from `charset` (deterministic, varied by `salt`). */
export function fake(n: number, charset = SEED, salt = 0): string {
  let out = '';
  for (let i = 0; i < n; i++) out += charset[(i * 7 + salt * 13 + ((i * i) % 11)) % charset.length];
  return out;
}
export const HEX = '0123456789abcdef';
export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export interface FamilyCase {
  name: string;
  input: string;
  /** Substrings that must be gone. */
  secrets: string[];
  /** The exact masked text, when the test pins it. */
  output?: string;
}

/** Asserts that redactSecrets masks every secret, and that without `family` none is masked. */
export function expectCaughtBy(family: string, c: FamilyCase): void {
  if (!RULE_FAMILIES.some((f) => f.name === family)) throw new Error(`no family ${family}`);
  const r = redactSecrets(c.input);
  for (const s of c.secrets) expect(r.text, `${s} is masked`).not.to.include(s);
  if (c.output !== undefined) expect(r.text).to.equal(c.output);
  expect(r.count).to.be.greaterThan(0);
  expect(r.text.split('\n').length, 'line count').to.equal(c.input.split('\n').length);
  expect(redactSecrets(r.text).count, 'idempotent').to.equal(0);
  const without = runFamilies(
    c.input,
    RULE_FAMILIES.filter((f) => f.name !== family),
  ).text;
  for (const s of c.secrets) expect(without, `without ${family}, ${s} stays`).to.include(s);
}

/** Asserts that redactSecrets leaves `input` as it is. */
export function expectLeftAlone(input: string): void {
  expect(redactSecrets(input)).to.deep.equal({ text: input, count: 0 });
}
