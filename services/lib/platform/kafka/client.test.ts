import { expect } from 'chai';
import { createKafka, transactionConflict } from './client.js';
import { metrics } from '../telemetry/metrics.js';

// kafkajs' own words when the coordinator refuses with CONCURRENT_TRANSACTIONS (src/protocol/error.js): the
// connection logs the response with the broker's error, then sendMessages logs it again before it retries.
const BROKER_ERROR =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
const RESPONSE = 'Response AddPartitionsToTxn(key: 24, version: 1)';
const RETRY = `Failed to send messages: ${BROKER_ERROR}`;

const conflicts = async (client: string) =>
  (await metrics.transactionConflicts.get()).values.find((v) => v.labels.client === client)?.value ?? 0;

describe('createKafka', () => {
  it('counts each CONCURRENT_TRANSACTIONS refusal once (the response line, not the retry line), under the client id', async () => {
    const kafka = createKafka({ kafkaBrokers: ['127.0.0.1:1'], kafkaClientId: 'verity-test' }, 'conflict-counter');
    const before = await conflicts('conflict-counter');
    for (const retryCount of [0, 1]) {
      kafka.logger().error(RESPONSE, { error: BROKER_ERROR, correlationId: 7 });
      kafka.logger().error(RETRY, { retryCount, retryTime: 10 });
    }
    // AddOffsetsToTxn is not retried by kafkajs: its refusal fails the transaction, and still counts.
    kafka.logger().error('Response AddOffsetsToTxn(key: 25, version: 0)', { error: BROKER_ERROR });
    expect((await conflicts('conflict-counter')) - before).to.equal(3);
  });

  it('does not count other errors', async () => {
    const kafka = createKafka({ kafkaBrokers: ['127.0.0.1:1'], kafkaClientId: 'verity-test' }, 'other-errors');
    kafka.logger().error('Failed to send messages: This server is not the leader for that topic-partition', {});
    expect(await conflicts('other-errors')).to.equal(0);
  });

  it("tells the connection's response line from the producer's retry line, and both from other errors", () => {
    expect(transactionConflict(RESPONSE, BROKER_ERROR)).to.equal('refusal');
    expect(transactionConflict(RETRY, undefined)).to.equal('retry');
    const other = 'The producer attempted to use a producer id which is not currently assigned';
    expect(transactionConflict(RESPONSE, other)).to.equal(null);
    expect(transactionConflict(undefined, undefined)).to.equal(null);
  });
});
