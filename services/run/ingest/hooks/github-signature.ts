// GitHub's webhook signature (issue 14): `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
// request body keyed with the webhook's secret (docs: "Validating webhook deliveries"). Checked on the bytes
// as received, BEFORE the JSON is parsed: nothing of an unauthenticated body is read.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=` and the 64 hex digits of a SHA-256 HMAC; anything else is not a signature. */
const SIGNATURE_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * The index in `secrets` of the secret whose HMAC-SHA256 of `rawBody` is the header's, or -1 (no header, a
 * malformed one, no secret matches). Several secrets let a connection rotate its secret without a gap. Each
 * comparison is constant-time (timingSafeEqual on two 32-byte digests) and every secret is tried, so the time
 * taken says nothing of which one matched. An empty secret never matches: it would let anyone sign.
 */
export function verifyGithubSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): number {
  if (typeof header !== 'string') return -1;
  const hex = SIGNATURE_HEADER.exec(header)?.[1];
  if (hex === undefined) return -1;
  const given = Buffer.from(hex, 'hex');
  let found = -1;
  secrets.forEach((secret, i) => {
    if (secret.length === 0) return;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given) && found === -1) found = i;
  });
  return found;
}
