// The pipeline page's words for statuses and times.
import { expect } from 'chai';
import { JOB_STATUSES } from '../../../../../lib/core/pipeline/status.js';
import { nodeText, shortId, type NodeJob, when } from './format.js';
import { STATUS_ICONS, statusLabel } from '../status-names.js';

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

describe('dashboard pipeline page: what a graph node says', () => {
  const base: NodeJob = {
    name: 'unit',
    status: 'running',
    attempt: 1,
    allow_failure: false,
    when: 'on_success',
    downstream_pipeline_id: null,
  };
  const cases: {
    what: string;
    job: Partial<NodeJob>;
    duration: string | null;
    text: object;
  }[] = [
    {
      what: 'running, with its time so far',
      job: {},
      duration: '12s',
      text: { name: 'unit', meta: 'running · 12s', extra: '', label: 'unit: running · 12s' },
    },
    {
      what: 'not started: no time',
      job: { status: 'created' },
      duration: null,
      text: { meta: 'created', label: 'unit: created' },
    },
    {
      what: 'failed, allowed to',
      job: { status: 'failed', allow_failure: true },
      duration: '3s',
      text: { meta: 'failed · 3s · allowed', label: 'unit: failed · 3s · allowed' },
    },
    {
      what: 'retried once',
      job: { status: 'failed', attempt: 2 },
      duration: '1m 02s',
      text: { extra: 'attempt 2, 1 retry', label: 'unit: failed · 1m 02s, attempt 2, 1 retry' },
    },
    { what: 'retried three times', job: { attempt: 4 }, duration: null, text: { extra: 'attempt 4, 3 retries' } },
    {
      what: 'a trigger job',
      job: { status: 'success', downstream_pipeline_id: '0123456789abcdef' },
      duration: null,
      text: { extra: 'triggered #01234567', label: 'unit: success, triggered #01234567' },
    },
    {
      what: 'manual',
      job: { status: 'manual', when: 'manual' },
      duration: null,
      text: { extra: 'manual', label: 'unit: manual, manual' },
    },
    {
      what: 'a long name: clipped on screen, whole at the end of the label',
      job: { name: 'integration-tests-against-postgres' },
      duration: null,
      text: {
        name: 'integration-tests-aga…',
        label: 'integration-tests-aga…: running, integration-tests-against-postgres',
      },
    },
  ];
  for (const c of cases)
    it(c.what, () => {
      expect(nodeText({ ...base, ...c.job }, c.duration)).to.deep.include(c.text);
    });
});
