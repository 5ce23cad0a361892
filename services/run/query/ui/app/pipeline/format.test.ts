// The pipeline page's words for statuses and times.
import { expect } from 'chai';
import { JOB_STATUSES } from '../../../../../lib/core/pipeline/status.js';
import { shortId, STATUS_ICONS, statusLabel, when } from './format.js';

describe('dashboard pipeline page: statuses and times in words', () => {
  it('every status GitLab has gets an icon, each finished one its own', () => {
    for (const s of JOB_STATUSES) expect(STATUS_ICONS[s], s).to.be.a('string').and.not.equal('');
    const finished = ['success', 'failed', 'canceled', 'skipped'].map((s) => STATUS_ICONS[s]);
    expect(new Set(finished).size).to.equal(4);
  });

  const labels: [string, string][] = [
    ['failed', 'failed'],
    ['waiting_for_resource', 'waiting'],
    ['success', 'success'],
  ];
  for (const [status, label] of labels)
    it(`statusLabel(${status}) = ${label}`, () => {
      expect(statusLabel(status)).to.equal(label);
    });

  const times: [string | null, string][] = [
    [null, '—'],
    ['not a time', '—'],
    ['2026-01-02T03:04:05.000Z', 'Jan 2, 2026, 3:04:05 AM'],
  ];
  for (const [iso, text] of times)
    it(`when(${iso}) = ${text}`, () => {
      expect(when(iso, 'en-US', 'UTC')).to.equal(text);
    });

  it('shortId: # and the first 8 characters', () => {
    expect(shortId('0123456789abcdef')).to.equal('#01234567');
  });
});
