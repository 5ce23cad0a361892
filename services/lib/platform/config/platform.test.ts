import { expect } from 'chai';
import { ConfigError, loadConfig } from './index.js';

describe('platform config', () => {
  it('has documented defaults for the local stack', () => {
    const c = loadConfig({});
    expect(c.kafkaBrokers).to.deep.equal(['127.0.0.1:9092']);
    expect(c.schemaRegistryUrl).to.equal('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(c.databaseUrl).to.equal('postgres://verity:verity@127.0.0.1:54329/verity');
    expect(c.topicPartitions).to.equal(12);
  });

  it('splits KAFKA_BROKERS and trims a trailing slash of the registry URL', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:1, b:2', SCHEMA_REGISTRY_URL: 'http://r/apis/ccompat/v7/' });
    expect(c.kafkaBrokers).to.deep.equal(['a:1', 'b:2']);
    expect(c.schemaRegistryUrl).to.equal('http://r/apis/ccompat/v7');
  });

  for (const [name, value] of [
    ['VERITY_TOPIC_PARTITIONS', '0'],
    ['VERITY_TOPIC_PARTITIONS', 'twelve'],
    ['VERITY_TOPIC_REPLICATION_FACTOR', '2.5'],
    ['KAFKA_BROKERS', ' , '],
  ]) {
    it(`refuses ${name}=${JSON.stringify(value)} with the variable's name`, () => {
      expect(() => loadConfig({ [name!]: value })).to.throw(ConfigError, name!);
    });
  }
});
