// The HISTORY.md headline of load-tests/kafka-clients/compare.ts.
//   VERITY_TEST_STACK=none npx mocha load-tests/kafka-clients/compare-headline.test.ts
import { expect } from 'chai';
import { headline } from '../headlines.js';

const side = (median: number | null, rounds: (number | null)[] = [median]) => ({ median, rounds });
const row = (id: string, kafkajs: number | null, platformatic: number | null, ratio: number | null) => ({
  id,
  kafkajs: side(kafkajs),
  platformatic: side(platformatic),
  ratio,
});

describe('load-tests: the kafka-clients headline', () => {
  it("reads both clients' medians and platformatic ÷ kafkajs for produce, single sends, consume and 50-record transactions", () => {
    const json = {
      measurements: [
        row('produce_batch', 40000, 60000, 1.5),
        row('produce_single', 1000, 1200, 1.2),
        row('consume', 150000, 120000, 0.8),
        row('txn_50_ms', 9.5, 8.25, 0.87),
        row('txn_50_rate', 5263, 6060, 1.15),
      ],
    };
    expect(headline('kafka-clients', json)).to.deep.equal({
      figures:
        'kafkajs / @platformatic/kafka: produce 40,000 / 60,000 records/s, single sends 1,000 / 1,200 msgs/s, consume 150,000 / 120,000 records/s, 50-record transaction 9.50 / 8.25 ms',
      ratio:
        '@platformatic/kafka ÷ kafkajs: produce 1.50×, single sends 1.20×, consume 0.80×, 50-record transactions 1.15× (records/s)',
    });
  });

  it('says "failed" where every round of a client failed, and dashes where the result has no such row', () => {
    const json = {
      measurements: [
        { id: 'produce_single', kafkajs: side(1000), platformatic: side(null, [null, null]), ratio: null },
      ],
    };
    const h = headline('kafka-clients', json);
    expect(h.figures).to.contain('single sends 1,000 / failed msgs/s');
    expect(h.figures).to.contain('produce — / — records/s');
    expect(h.ratio).to.equal(
      '@platformatic/kafka ÷ kafkajs: produce —, single sends —, consume —, 50-record transactions — (records/s)',
    );
  });
});
