import { expect } from 'chai';
import type { Request } from 'express';
import { notModified, proposalsVersion, weakEtag } from './etag.js';

describe('query: ETags', () => {
  const req = (ifNoneMatch?: string) =>
    ({ get: (h: string) => (h.toLowerCase() === 'if-none-match' ? ifNoneMatch : undefined) }) as unknown as Request;
  const tag = weakEtag('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 12);

  it('is weak and names the resource and its last seq', () =>
    expect(tag).to.equal('W/"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b-12"'));

  it('names the last seq of each linked pipeline too: a change of a linked pipeline is a new tag', () => {
    const linked = weakEtag('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 12, [4, 0]);
    expect(linked).to.equal('W/"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b-12.4.0"');
    expect(linked).to.not.equal(weakEtag('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 12, [5, 0]));
    expect(weakEtag('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 12, [])).to.equal(tag);
  });

  it('If-None-Match compares weakly, in a list, and * matches anything', () => {
    expect(notModified(req(tag), tag)).to.equal(true);
    expect(notModified(req(tag.slice(2)), tag)).to.equal(true);
    expect(notModified(req(`W/"x", ${tag}`), tag)).to.equal(true);
    expect(notModified(req('*'), tag)).to.equal(true);
    expect(notModified(req(weakEtag('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 13)), tag)).to.equal(false);
    expect(notModified(req(), tag)).to.equal(false);
  });

  it("a job's proposals are part of its tag: a new proposal, feedback or a score is a new version", () => {
    const p = { proposalId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', feedbackAt: null, scoredAt: null };
    const versions = [
      proposalsVersion([]),
      proposalsVersion([p]),
      proposalsVersion([{ ...p, feedbackAt: new Date('2026-12-07T08:00:00Z') }]),
      proposalsVersion([{ ...p, feedbackAt: '2026-12-07T08:00:00Z', scoredAt: '2026-12-07T08:05:00Z' }]),
    ];
    expect(new Set(versions).size).to.equal(4);
    expect(proposalsVersion([{ ...p, feedbackAt: '2026-12-07T08:00:00.000Z' }])).to.equal(versions[2]);
  });
});
