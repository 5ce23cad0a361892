import { expect } from 'chai';
import type { Kafka, ProducerConfig } from 'kafkajs';
import { DEFAULT_TXN_GAP_MS, TransactionalProducers } from './tx-producers.js';

/** A Kafka whose producers record their options and do nothing: enough for what the class decides itself. */
function fakeKafka() {
  const configs: ProducerConfig[] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      configs.push(config);
      const txn = { abort: async () => undefined };
      return { connect: async () => undefined, disconnect: async () => undefined, transaction: async () => txn };
    },
  } as unknown as Kafka;
  return { kafka, configs };
}

describe('TransactionalProducers', () => {
  describe('pacing: the next transaction of a partition waits out the gap after the last one ended', () => {
    const cases: { ended: number | null; now: number; gap: number; delay: number; why: string }[] = [
      { ended: null, now: 1000, gap: 5, delay: 0, why: 'no transaction yet: at once' },
      { ended: 1000, now: 1000, gap: 5, delay: 5, why: 'right after the commit: the whole gap' },
      { ended: 1000, now: 1003, gap: 5, delay: 2, why: 'work done since counts' },
      { ended: 1000, now: 1005, gap: 5, delay: 0, why: 'the gap has passed' },
      { ended: 1000, now: 1200, gap: 5, delay: 0, why: 'long after' },
      { ended: 1000, now: 1000, gap: 0, delay: 0, why: 'pacing off' },
    ];
    for (const c of cases)
      it(`${c.why}: ended ${c.ended ?? '—'}, now ${c.now}, gap ${c.gap} → ${c.delay} ms`, () => {
        const tx = new TransactionalProducers(fakeKafka().kafka, (p) => `id-${p}`, c.gap);
        if (c.ended !== null) tx.endedTransaction(3, c.ended);
        expect(tx.delayAt(3, c.now)).to.equal(c.delay);
      });

    it('paces each partition on its own', () => {
      const tx = new TransactionalProducers(fakeKafka().kafka, (p) => `id-${p}`, 5);
      tx.endedTransaction(0, 1000);
      expect(tx.delayAt(0, 1001)).to.equal(4);
      expect(tx.delayAt(1, 1001)).to.equal(0);
    });

    it("forgets a dropped partition's last transaction (its next producer is a new one)", () => {
      const tx = new TransactionalProducers(fakeKafka().kafka, (p) => `id-${p}`, 5);
      tx.endedTransaction(2, 1000);
      tx.drop(2);
      expect(tx.delayAt(2, 1000)).to.equal(0);
    });

    it(`defaults to a ${DEFAULT_TXN_GAP_MS} ms gap`, () => {
      const tx = new TransactionalProducers(fakeKafka().kafka, (p) => `id-${p}`);
      tx.endedTransaction(0, 1000);
      expect(tx.delayAt(0, 1000)).to.equal(DEFAULT_TXN_GAP_MS);
    });
  });

  it("makes one producer per partition, with the partition's transactional id and a 10 ms first retry", async () => {
    const { kafka, configs } = fakeKafka();
    const tx = new TransactionalProducers(kafka, (p) => `verity-decider-${p}`);
    const [a, b] = await Promise.all([tx.of(1), tx.of(1)]);
    expect(a).to.equal(b);
    await tx.of(2);
    expect(configs.map((c) => c.transactionalId)).to.deep.equal(['verity-decider-1', 'verity-decider-2']);
    expect(configs[0]).to.include({ idempotent: true, maxInFlightRequests: 1 });
    expect(configs[0]!.retry).to.deep.include({ initialRetryTime: 10, retries: Number.MAX_SAFE_INTEGER });
  });
});
