import { expect } from 'chai';
import { deadLetterHeaders, keyText, previewValue, safeLine } from './operations-preview.js';

describe('operations: dead-letter previews (text only, masked, clipped)', () => {
  const cases: { name: string; value: Buffer | null; want: Partial<ReturnType<typeof previewValue>> }[] = [
    { name: 'no value', value: null, want: { kind: 'none', bytes: 0, preview: null } },
    { name: 'empty value', value: Buffer.alloc(0), want: { kind: 'none', bytes: 0, preview: null } },
    {
      name: "the registry's wire format: no preview, the schema id",
      value: Buffer.from([0, 0, 0, 1, 2, 0x10, 0x20]),
      want: { kind: 'avro', schema_id: 258, preview: null, bytes: 7 },
    },
    { name: 'JSON text', value: Buffer.from('{"a":1}'), want: { kind: 'text', preview: '{"a":1}' } },
    {
      name: 'newlines and tabs become spaces (one line)',
      value: Buffer.from('a\nb\tc'),
      want: { kind: 'text', preview: 'a b c' },
    },
    {
      name: 'a secret is masked',
      value: Buffer.from('{"password": "hunter2-very-secret"}'),
      want: { kind: 'text', preview: '{"password": "[MASKED]"}' },
    },
    {
      name: 'a GitLab token is masked',
      value: Buffer.from('token glpat-abcdefghij0123456789 here'),
      want: { kind: 'text', preview: 'token [MASKED] here' },
    },
    { name: 'not UTF-8: binary', value: Buffer.from([0xff, 0xfe, 0x41]), want: { kind: 'binary', preview: null } },
    { name: 'control bytes: binary', value: Buffer.from([0x41, 0x01, 0x42]), want: { kind: 'binary', preview: null } },
    {
      name: 'clipped to 160 characters with an ellipsis',
      value: Buffer.from('x'.repeat(1000)),
      want: { kind: 'text', preview: `${'x'.repeat(159)}…`, bytes: 1000 },
    },
    {
      name: 'a long value cut inside a character is still text',
      value: Buffer.from('é'.repeat(1000)),
      want: { kind: 'text', preview: `${'é'.repeat(159)}…`, bytes: 2000 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = previewValue(c.value);
      expect(Object.fromEntries(Object.keys(c.want).map((k) => [k, got[k as keyof typeof got]]))).to.deep.equal(c.want);
    });
  }

  it('keys: text, or null', () => {
    expect(keyText(Buffer.from('0190-pipeline'))).to.equal('0190-pipeline');
    expect(keyText(null)).to.equal(null);
    expect(keyText(Buffer.from([0xff]))).to.equal(null);
  });

  it('safeLine masks before it clips', () => {
    expect(safeLine('Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789', 30)).to.not.include('abcdef');
  });

  it('reads the dlq-* headers dead-letter.ts writes; absent ones are null', () => {
    const h = deadLetterHeaders({
      'dlq-source-topic': Buffer.from('ci.intake.v1'),
      'dlq-source-partition': Buffer.from('3'),
      'dlq-source-offset': Buffer.from('42'),
      'dlq-consumer-group': Buffer.from('verity-decider'),
      'dlq-error-class': Buffer.from('EventDecodeError'),
      'dlq-reason': Buffer.from('EventDecodeError'),
      'dlq-error': Buffer.from('bad\nthing password=supersecretvalue'),
      'dlq-recorded-at': Buffer.from('2024-01-02T03:04:05.000Z'),
      'event-type': 'CreatePipeline',
    });
    expect(h).to.deep.equal({
      reason: 'EventDecodeError',
      error_class: 'EventDecodeError',
      error: 'bad thing password=[MASKED]',
      consumer_group: 'verity-decider',
      source_topic: 'ci.intake.v1',
      source_partition: 3,
      source_offset: 42,
      recorded_at: '2024-01-02T03:04:05.000Z',
      event_type: 'CreatePipeline',
      redriven_from: null,
    });
    expect(deadLetterHeaders(undefined).reason).to.equal(null);
    expect(deadLetterHeaders({ 'dlq-source-offset': 'x', 'dlq-recorded-at': 'never' })).to.include({
      source_offset: null,
      recorded_at: null,
    });
  });
});
