// Secret redaction for CI job logs before they are stored in events or sent to a model. Every secret is
// replaced by `[MASKED]`, GitLab's word for a masked variable. Pure and linear-time: every pattern starts
// at a token boundary, uses disjoint or bounded quantifiers and never crosses a newline; the line-based
// rules split each line once. The line count never changes, and redacting twice changes nothing more
// (and counts 0 the second time). The rules, by family, live in ./secrets/ (docs/secret-masking.md).

import { maskAssignments } from './secrets/assignments.js';
import { maskCommandLines } from './secrets/cli.js';
import type { RedactResult } from './secrets/mask.js';
import { maskPrivateKeyBlocks } from './secrets/pem.js';
import { maskTables } from './secrets/tables.js';
import { maskTokens } from './secrets/tokens.js';
import { maskValues } from './secrets/values.js';

export { MASK, type RedactResult } from './secrets/mask.js';
export { isSecretKey } from './secrets/keys.js';
export { maskedValueForms } from './secrets/values.js';

export interface RedactOptions {
  /** Values of the producer's masked CI variables; values shorter than 8 characters are ignored, as GitLab does. */
  maskedValues?: readonly string[];
}

export interface RuleFamily {
  name: string;
  mask: (text: string) => RedactResult;
}

/** The rule families after the masked values, in the order they run (each sees the text masked by the ones before). */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  { name: 'private-key-blocks', mask: maskPrivateKeyBlocks },
  { name: 'tables', mask: maskTables },
  { name: 'tokens', mask: maskTokens },
  { name: 'command-lines', mask: maskCommandLines },
  { name: 'assignments', mask: maskAssignments },
];

/** Runs `families` in order over `text`. */
export function runFamilies(text: string, families: readonly RuleFamily[]): RedactResult {
  let out = text;
  let count = 0;
  for (const f of families) {
    const r = f.mask(out);
    out = r.text;
    count += r.count;
  }
  return { text: out, count };
}

/**
 * Replaces secrets in `text` by `[MASKED]`:
 * - every occurrence of a producer-given masked value (≥ 8 characters), and of its base64 (padded and
 *   unpadded, standard and URL-safe alphabet) and URL-encoded forms;
 * - private key blocks (PEM, OpenSSH, PGP): each body line becomes `[MASKED]`, BEGIN/END and the line count stay;
 * - credential columns and rows of text tables (AWS CLI `--output table`);
 * - tokens known by their shape (GitLab, GitHub, AWS, Slack, Stripe, Google, npm, SendGrid, Twilio, OpenAI,
 *   Anthropic, Vault, Hugging Face, DigitalOcean, PyPI, JWTs), `Authorization:`/`Bearer` values, credentials
 *   in URLs;
 * - credentials on command lines (`--password p`, `-storepass p`, `login -p p`, `mysql -pP`, `curl -u u:p`,
 *   `echo p | … --password-stdin`);
 * - values of assignments and XML elements whose name names a credential (`password=`, `"auth": "…"`,
 *   `aws_secret_access_key VALUE`, `.netrc` `password p`, `<password>…</password>`), unless the value is a
 *   placeholder (`$VAR`, `true`, `***`, `[secure]`, …).
 * Idempotent; linear in the text's length; never changes the number of lines.
 */
export function redactSecrets(text: string, opts: RedactOptions = {}): RedactResult {
  const masked = maskValues(text, opts.maskedValues ?? []);
  const r = runFamilies(masked.text, RULE_FAMILIES);
  return { text: r.text, count: masked.count + r.count };
}
