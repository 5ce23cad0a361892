import { expect } from 'chai';
import { chunked } from './chunked.js';

describe('consumer: output chunking (broker max.message.bytes)', () => {
  const msg = (n: number) => ({ key: 'k', value: Buffer.alloc(n) });

  it('keeps order and topics, and no chunk exceeds the budget unless one message alone does', () => {
    const input = [
      { topic: 'a', messages: [msg(300), msg(300), msg(300)] },
      { topic: 'b', messages: [msg(100), msg(2000)] },
    ];
    const chunks = chunked(input, 1000);
    const flat = chunks.flatMap((c) =>
      c.flatMap((t) => t.messages.map((m) => `${t.topic}:${(m.value as Buffer).length}`)),
    );
    expect(flat).to.deep.equal(['a:300', 'a:300', 'a:300', 'b:100', 'b:2000']);
    for (const c of chunks) {
      const bytes = c.flatMap((t) => t.messages).reduce((n, m) => n + (m.value as Buffer).length + 201, 0);
      expect(
        bytes <= 1000 || c.flatMap((t) => t.messages).length === 1,
        JSON.stringify(c.map((t) => t.messages.length)),
      ).to.equal(true);
    }
    expect(chunks.length).to.be.greaterThan(2);
  });

  it('returns nothing for nothing', () => {
    expect(chunked([])).to.deep.equal([]);
  });
});
