import { expect } from 'chai';
import { MASK, redactSecrets } from '../redact.js';
import { maskedValueForms, MIN_MASKED_VALUE_LENGTH } from './values.js';

describe('masked values: the 8-character minimum (GitLab masks variables of 8 characters or more)', () => {
  it('the minimum is 8', () => expect(MIN_MASKED_VALUE_LENGTH).to.equal(8));

  it('masks a value of exactly 8 characters, and its base64 form', () => {
    const value = 'Zq7!kP2x';
    expect(value).to.have.length(8);
    expect(maskedValueForms(value)).to.include(value);
    const b64 = Buffer.from(value).toString('base64');
    const r = redactSecrets(`login ${value} then ${b64} done`, { maskedValues: [value] });
    expect(r).to.deep.equal({ text: `login ${MASK} then ${MASK} done`, count: 2 });
  });

  it('masks a value of 9 characters, and its URL-encoded form', () => {
    const value = 'Zq7!kP2x/';
    expect(value).to.have.length(9);
    const r = redactSecrets(`login ${value} then ${encodeURIComponent(value)} done`, { maskedValues: [value] });
    expect(r).to.deep.equal({ text: `login ${MASK} then ${MASK} done`, count: 2 });
  });

  it('leaves a value of 7 characters alone, as GitLab does', () => {
    const value = 'Zq7!kP2';
    expect(value).to.have.length(7);
    expect(maskedValueForms(value)).to.deep.equal([]);
    expect(redactSecrets(`login ${value} done`, { maskedValues: [value] })).to.deep.equal({
      text: `login ${value} done`,
      count: 0,
    });
  });

  it('does not mask a short form of a long value (URL-encoding never shortens, base64 of 8 is 12)', () => {
    for (const f of maskedValueForms('abcdefgh')) expect(f.length).to.be.at.least(8);
  });
});

describe('masked values: the forms of a value', () => {
  // 'k?>x~Lm0ab' (10 bytes) is az8+eH5MbTBhYg== in base64: a '+', and two '=' of padding.
  const value = 'k?>x~Lm0ab';

  it('given a value, then its forms are, longest first and then in code-unit order: base64 and URL-safe base64 padded, both unpadded, URL-encoded, the value', () => {
    expect(maskedValueForms(value)).to.deep.equal([
      'az8+eH5MbTBhYg==',
      'az8-eH5MbTBhYg==',
      'az8+eH5MbTBhYg',
      'az8-eH5MbTBhYg',
      'k%3F%3Ex~Lm0ab',
      'k?>x~Lm0ab',
    ]);
  });

  it("given a value whose base64 has a '/', then the URL-safe form has '_' in its place", () => {
    // 'Zq7>kP2x?' is WnE3PmtQMng/ in base64 (no padding); its URL-encoded form, 13 characters, comes first.
    expect(maskedValueForms('Zq7>kP2x?')).to.deep.equal(['Zq7%3EkP2x%3F', 'WnE3PmtQMng/', 'WnE3PmtQMng_', 'Zq7>kP2x?']);
  });

  it('given each form in a log, then every one is masked', () => {
    const input = [
      'a az8+eH5MbTBhYg== b',
      'a az8-eH5MbTBhYg== b',
      'a az8-eH5MbTBhYg b',
      'a https://x/?p=k%3F%3Ex~Lm0ab b',
      'a k?>x~Lm0ab b',
    ].join('\n');
    expect(redactSecrets(input, { maskedValues: [value] })).to.deep.equal({
      text: [`a ${MASK} b`, `a ${MASK} b`, `a ${MASK} b`, `a https://x/?p=${MASK} b`, `a ${MASK} b`].join('\n'),
      count: 5,
    });
  });

  it('given two values of equal length that overlap in the text, then the same one wins whatever their order', () => {
    const text = 'key A1b2C3d4E5f6 end';
    const expected = { text: `key ${MASK}E5f6 end`, count: 1 };
    expect(redactSecrets(text, { maskedValues: ['A1b2C3d4', 'C3d4E5f6'] })).to.deep.equal(expected);
    expect(redactSecrets(text, { maskedValues: ['C3d4E5f6', 'A1b2C3d4'] })).to.deep.equal(expected);
  });
});
