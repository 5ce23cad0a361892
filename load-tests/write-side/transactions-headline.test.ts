// The HISTORY.md headline of load-tests/write-side/transactions.ts.
//   VERITY_TEST_STACK=none npx mocha load-tests/write-side/transactions-headline.test.ts
import { expect } from 'chai';
import { headline } from '../headlines.js';

const row = (ms: number, size: number | null, rate: number, cost: number | null) => ({
  initial_retry_ms: ms,
  records_per_txn: size,
  records_per_s: rate,
  ms_per_txn: cost,
});

describe('load-tests: the transaction-cost headline', () => {
  it('reads the cost of a 1-record transaction and the 500-record rate against no transactions, per backoff', () => {
    const json = {
      rows: [
        row(200, null, 40000, null),
        row(200, 1, 10, 100),
        row(200, 500, 8000, 60),
        row(10, null, 50000, null),
        row(10, 1, 100, 9.5),
        row(10, 500, 25000, 20),
      ],
    };
    expect(headline('kafka-transactions', json)).to.deep.equal({
      figures: '1-record transaction 100.0 ms at backoff 200 ms, 9.5 ms at 10 ms',
      ratio: '500-record transactions 0.20× / 0.50× the idempotent producer (backoff 200 / 10 ms)',
    });
  });

  it('adds the paced 1-record transaction (10 ms backoff, 5 ms gap) with its retries, when the run has it', () => {
    const json = {
      rows: [
        row(200, 1, 10, 100),
        row(10, 1, 100, 9.5),
        { ...row(10, 1, 90, 11.2), gap_ms: 5, retries: 3, records: 200 },
        { ...row(10, null, 50000, null), gap_ms: 5 },
      ],
    };
    expect(headline('kafka-transactions', json).figures).to.equal(
      '1-record transaction 100.0 ms at backoff 200 ms, 9.5 ms at 10 ms, 11.2 ms at 10 ms with a 5 ms gap (3 retries in 200)',
    );
  });
});
