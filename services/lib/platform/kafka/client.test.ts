import { expect } from 'chai';
import { createKafka, isTransactionConflict } from './client.js';
import { metrics } from '../telemetry/metrics.js';

// kafkajs' own words when the coordinator refuses with CONCURRENT_TRANSACTIONS (src/protocol/error.js),
// as sendMessages logs them before it retries.
const REFUSAL =
  'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

const conflicts = async (client: string) =>
  (await metrics.transactionConflicts.get()).values.find((v) => v.labels.client === client)?.value ?? 0;

describe('createKafka', () => {
  it('counts each CONCURRENT_TRANSACTIONS refusal kafkajs logs, under the client id', async () => {
    const kafka = createKafka({ kafkaBrokers: ['127.0.0.1:1'], kafkaClientId: 'verity-test' }, 'conflict-counter');
    const before = await conflicts('conflict-counter');
    kafka.logger().error(REFUSAL, { retryCount: 0, retryTime: 10 });
    kafka.logger().error(REFUSAL, { retryCount: 1, retryTime: 20 });
    expect((await conflicts('conflict-counter')) - before).to.equal(2);
  });

  it('does not count other errors', async () => {
    const kafka = createKafka({ kafkaBrokers: ['127.0.0.1:1'], kafkaClientId: 'verity-test' }, 'other-errors');
    kafka.logger().error('Failed to send messages: This server is not the leader for that topic-partition', {});
    expect(await conflicts('other-errors')).to.equal(0);
  });

  it('recognises the refusal by kafkajs message only', () => {
    expect(isTransactionConflict(REFUSAL)).to.equal(true);
    expect(
      isTransactionConflict('The producer attempted to use a producer id which is not currently assigned'),
    ).to.equal(false);
    expect(isTransactionConflict(undefined)).to.equal(false);
  });
});
