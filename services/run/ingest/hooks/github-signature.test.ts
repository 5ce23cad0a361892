import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { verifyGithubSignature } from './github-signature.js';

// GitHub's test values (docs "Validating webhook deliveries", section "Testing the webhook payload validation").
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = Buffer.from('Hello, World!');
const SIGNATURE = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const HEADER = `sha256=${SIGNATURE}`;

describe('GitHub webhook signature (X-Hub-Signature-256)', () => {
  it("matches GitHub's documented test vector", () => {
    expect(verifyGithubSignature(PAYLOAD, HEADER, [SECRET])).to.equal(0);
  });

  it('refuses a wrong secret', () => {
    expect(verifyGithubSignature(PAYLOAD, HEADER, ["It's a Secret to Nobody"])).to.equal(-1);
  });

  it('refuses a changed body (the raw bytes are signed)', () => {
    expect(verifyGithubSignature(Buffer.from('Hello, World! '), HEADER, [SECRET])).to.equal(-1);
    expect(verifyGithubSignature(Buffer.from('Hello, World!\n'), HEADER, [SECRET])).to.equal(-1);
  });

  it('signs bytes, not text: a UTF-8 body is checked as sent', () => {
    const body = Buffer.from('{"name":"tëst ✓"}', 'utf8');
    const header = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(verifyGithubSignature(body, header, [SECRET])).to.equal(0);
    expect(verifyGithubSignature(Buffer.from('{"name":"tëst ✓"}', 'latin1'), header, [SECRET])).to.equal(-1);
  });

  const malformed: [what: string, header: string | undefined][] = [
    ['a missing header', undefined],
    ['an empty header', ''],
    ['the SHA-1 header form', `sha1=${SIGNATURE.slice(0, 40)}`],
    ['a wrong prefix', `sha512=${SIGNATURE}`],
    ['no prefix', SIGNATURE],
    ['an upper-case prefix', `SHA256=${SIGNATURE}`],
    ['truncated hex', `sha256=${SIGNATURE.slice(0, 63)}`],
    ['half the digest', `sha256=${SIGNATURE.slice(0, 32)}`],
    ['extra hex', `sha256=${SIGNATURE}00`],
    ['a non-hex digit', `sha256=${SIGNATURE.slice(0, 63)}g`],
    ['surrounding white space', ` ${HEADER} `],
    ['two signatures', `${HEADER},${HEADER}`],
  ];
  for (const [what, header] of malformed)
    it(`answers -1 without throwing for ${what}`, () => {
      expect(verifyGithubSignature(PAYLOAD, header, [SECRET])).to.equal(-1);
    });

  it('accepts upper-case hex digits', () => {
    expect(verifyGithubSignature(PAYLOAD, `sha256=${SIGNATURE.toUpperCase()}`, [SECRET])).to.equal(0);
  });

  it('names which of several secrets matched (rotation)', () => {
    expect(verifyGithubSignature(PAYLOAD, HEADER, ['old', 'older', SECRET])).to.equal(2);
    expect(verifyGithubSignature(PAYLOAD, HEADER, [SECRET, 'new'])).to.equal(0);
    expect(verifyGithubSignature(PAYLOAD, HEADER, ['a', 'b'])).to.equal(-1);
  });

  it('the first of two equal secrets wins', () => {
    expect(verifyGithubSignature(PAYLOAD, HEADER, ['x', SECRET, SECRET])).to.equal(1);
  });

  it('no secrets: nothing matches', () => {
    expect(verifyGithubSignature(PAYLOAD, HEADER, [])).to.equal(-1);
  });

  it('an empty secret never matches, even a body signed with the empty key', () => {
    const header = `sha256=${createHmac('sha256', '').update(PAYLOAD).digest('hex')}`;
    expect(verifyGithubSignature(PAYLOAD, header, [''])).to.equal(-1);
    expect(verifyGithubSignature(PAYLOAD, header, ['', SECRET])).to.equal(-1);
  });

  it('an empty body is signed too', () => {
    const empty = Buffer.alloc(0);
    const header = `sha256=${createHmac('sha256', SECRET).update(empty).digest('hex')}`;
    expect(verifyGithubSignature(empty, header, [SECRET])).to.equal(0);
  });
});
