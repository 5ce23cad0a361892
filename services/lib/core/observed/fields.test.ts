import { expect } from 'chai';
import observePipeline from '../../../../schemas/ci.intake.v1/ObservePipeline.v1.json' with { type: 'json' };
import { INT32_MAX as SCHEMA_INT32_MAX } from '../../platform/schemas/safety.js';
import { clip, INT32_MAX, iso, latest, link, MAX, MAX_ITEMS, msOf, sha, span } from './fields.js';

type Node = { maxLength?: number; maxItems?: number; properties?: Record<string, Node>; items?: Node };
const schema = observePipeline as unknown as Node;
const at = (...path: string[]): Node =>
  path.reduce<Node>((n, k) => (k === '[]' ? n.items! : n.properties![k]!), schema);

describe('observed fields: the ObservePipeline schema bounds', () => {
  it('MAX and MAX_ITEMS are the schema maxLengths and maxItems', () => {
    const job = (f: string) => at('jobs', '[]', f).maxLength;
    const pipeline = (f: string) => at('pipeline', f).maxLength;
    expect(MAX).to.deep.equal({
      instance: at('external', 'instance').maxLength,
      url: at('external', 'url').maxLength,
      ref: pipeline('ref'),
      source: pipeline('source'),
      name: pipeline('name'),
      user: pipeline('user'),
      job: job('name'),
      stage: job('stage'),
      reason: job('failure_reason'),
      runner: job('runner'),
      step: at('jobs', '[]', 'steps', '[]', 'name').maxLength,
      word: at('jobs', '[]', 'steps', '[]', 'status').maxLength,
    });
    expect([job('url'), job('user'), at('jobs', '[]', 'steps', '[]', 'conclusion').maxLength]).to.deep.equal([
      MAX.url,
      MAX.user,
      MAX.word,
    ]);
    expect(MAX_ITEMS).to.deep.equal({
      jobs: at('jobs').maxItems,
      stages: at('pipeline', 'stages').maxItems,
      steps: at('jobs', '[]', 'steps').maxItems,
    });
    expect(INT32_MAX).to.equal(SCHEMA_INT32_MAX);
  });
});

describe('observed fields: helpers', () => {
  it('clip cuts to UTF-16 units, never inside a surrogate pair; empty or absent is null', () => {
    expect(clip('abc', 3)).to.equal('abc');
    expect(clip('abcd', 3)).to.equal('abc');
    expect(clip('ab😀', 3)).to.equal('ab');
    expect(clip('ab😀', 4)).to.equal('ab😀');
    for (const s of ['', null, undefined]) expect(clip(s, 4)).to.equal(null);
  });

  it('clip drops a high surrogate left at the cut (U+D800 to U+DBFF), and nothing else', () => {
    expect(clip('ab\u{10000}', 3), 'U+D800 is a high surrogate').to.equal('ab');
    expect(clip('ab\u{10FFFF}', 3), 'U+DBFF is a high surrogate').to.equal('ab');
    expect(clip('abｱｲ', 3), 'U+FF71 is no surrogate').to.equal('abｱ');
    expect(clip('ab\uFFFDx', 3)).to.equal('ab\uFFFD');
    expect(clip('ab\ud83d', 3), 'a string that fits is kept as it is').to.equal('ab\ud83d');
  });

  it('link keeps a URL up to 2048 characters whole and drops a longer one', () => {
    const u = `https://x.example/${'a'.repeat(2048 - 18)}`;
    expect(link(u)).to.equal(u);
    expect(link(`${u}b`)).to.equal(null);
    expect(link('')).to.equal(null);
    expect(link(null)).to.equal(null);
  });

  it('sha takes 7 to 64 lower-case hex digits', () => {
    expect(sha('a1b2c3d')).to.equal('a1b2c3d');
    for (const s of ['a1b2c3', 'A1B2C3D', 'a'.repeat(65), 'main', '', null]) expect(sha(s)).to.equal(null);
  });

  it('iso says an instant in UTC with milliseconds; null when absent or not a time', () => {
    expect(iso('2021-08-05T12:34:58+02:00')).to.equal('2021-08-05T10:34:58.000Z');
    expect(iso('2021-08-05T10:35:01.5Z')).to.equal('2021-08-05T10:35:01.500Z');
    for (const s of ['yesterday', '', null, undefined]) expect(iso(s)).to.equal(null);
  });

  it('latest is the latest instant, whatever the offsets; null when none is a time', () => {
    expect(latest('2021-08-05T10:00:00Z', null, '2021-08-05T11:30:00+02:00', 'soon')).to.equal(
      '2021-08-05T10:00:00.000Z',
    );
    expect(latest('2021-08-05T10:00:00Z', '2021-08-05T10:00:00.001Z')).to.equal('2021-08-05T10:00:00.001Z');
    expect(latest(null, undefined, 'x')).to.equal(null);
    expect(latest()).to.equal(null);
  });

  it('span: milliseconds between two instants; null when missing, negative or past int32', () => {
    expect(span('2021-08-05T10:00:00Z', '2021-08-05T10:00:01.5Z')).to.equal(1500);
    expect(span('2021-08-05T10:00:00Z', '2021-08-05T10:00:00Z')).to.equal(0);
    expect(span(new Date(0).toISOString(), new Date(INT32_MAX).toISOString())).to.equal(INT32_MAX);
    expect(span(new Date(0).toISOString(), new Date(INT32_MAX + 1).toISOString())).to.equal(null);
    expect(span('2021-08-05T10:00:01Z', '2021-08-05T10:00:00Z')).to.equal(null);
    expect(span('2021-08-05T10:00:00Z', '2021-10-05T10:00:00Z')).to.equal(null);
    expect(span(null, '2021-08-05T10:00:00Z')).to.equal(null);
  });

  it('msOf: seconds as whole milliseconds; null when absent, negative, not finite or past int32', () => {
    expect(msOf(60.5)).to.equal(60_500);
    expect(msOf(0.0004)).to.equal(0);
    expect(msOf(0)).to.equal(0);
    expect(msOf(INT32_MAX / 1000)).to.equal(INT32_MAX);
    for (const s of [null, undefined, -1, Number.NaN, Infinity, 2_147_484]) expect(msOf(s)).to.equal(null);
  });
});
