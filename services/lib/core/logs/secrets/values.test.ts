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
