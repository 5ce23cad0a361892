// A single writer refuses to start on topics that are missing or not co-partitioned (real broker).
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { requireTopics } from '../../services/lib/platform/kafka/copartitioned.js';
import { createScratchTopic } from '../support/kafka.js';

describe('requireTopics: co-partitioned and present topics (real Kafka)', function () {
  this.timeout(60_000);
  let admin: Admin;
  const made: string[] = [];

  before(async () => {
    admin = createKafka(loadConfig(), 'test-require-topics').admin();
    await admin.connect();
    for (const [name, partitions] of [
      ['rt-a', 3],
      ['rt-b', 3],
      ['rt-c', 2],
    ] as const)
      made.push(await createScratchTopic(admin, name, partitions));
  });
  after(async () => {
    await admin.deleteTopics({ topics: made }).catch(() => undefined);
    await admin.disconnect();
  });

  it('passes when the co-partitioned topics have as many partitions and the others exist', async () => {
    await requireTopics(admin, [made[0]!, made[1]!], [made[2]!]);
  });

  it('names the topic whose partition count differs, and the fix', async () => {
    const err = await requireTopics(admin, [made[0]!, made[2]!]).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.equal(
      `${made[0]} has 3 partitions but ${made[2]} has 2: they must match (run verity topics apply)`,
    );
  });

  it('names a missing topic at once, whether it must be co-partitioned or only present', async () => {
    for (const args of [
      [[made[0]!, 'rt-missing-x'], []],
      [[made[0]!], ['rt-missing-x']],
    ] as const) {
      const err = await requireTopics(admin, [...args[0]] as [string, ...string[]], args[1]).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).to.equal('rt-missing-x does not exist (run verity topics apply)');
    }
  });
});
