import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { createLogger } from '../log.js';
import { registry } from '../telemetry/metrics.js';
import { LagMonitor, type TopicPartition } from './lag-monitor.js';

/** A broker that answers high watermarks, a consumer whose position and ownership the test sets. */
function fixture() {
  const highs = new Map<number, bigint>([
    [0, 100n],
    [1, 50n],
  ]);
  const positions = new Map<number, bigint>();
  const stored = new Map<number, bigint>();
  const stopped = new Map<string, string>();
  const ends = new Map<number, bigint>();
  let owned: TopicPartition[] = [
    { topic: 'unit.t', partition: 0 },
    { topic: 'unit.t', partition: 1 },
  ];
  let now = 1_000_000;
  const admin = {
    fetchTopicOffsets: async () =>
      [...highs].map(([partition, high]) => ({ partition, high: String(high), low: '0', offset: String(high) })),
  } as unknown as Admin;
  const monitor = new LagMonitor(
    admin,
    'unit-lag-group',
    {
      owned: () => owned,
      position: (_t, p) => positions.get(p),
      storedPositions: async (missing) =>
        new Map(
          missing.flatMap((m) =>
            stored.has(m.partition) ? [[`${m.topic}[${m.partition}]`, stored.get(m.partition)!] as const] : [],
          ),
        ),
      stopped: () => stopped,
      end: (_t, p) => ends.get(p),
    },
    { intervalMs: 1000, stallMs: 60_000, log: createLogger('unit', 'silent'), now: () => now },
  );
  const metric = async (name: string, labels: string) => {
    const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  return {
    monitor,
    highs,
    positions,
    stored,
    stopped,
    ends,
    metric,
    own: (o: TopicPartition[]) => (owned = o),
    advance: (ms: number) => (now += ms),
  };
}

const lag0 = 'group="unit-lag-group",topic="unit.t",partition="0"';
const lag1 = 'group="unit-lag-group",topic="unit.t",partition="1"';
const stalledLabels = 'group="unit-lag-group",topic="unit.t"';

describe('consumer: lag monitor (high watermarks, stalls, metric series)', () => {
  it('lag is the high watermark minus the position, from memory or else the stored position', async () => {
    const f = fixture();
    f.positions.set(0, 90n);
    f.stored.set(1, 20n);
    await f.monitor.tick();
    expect(await f.metric('verity_consumer_lag', lag0)).to.equal(10);
    expect(await f.metric('verity_consumer_lag', lag1)).to.equal(30);
    await f.monitor.stop();
  });

  it('a bounded consumer paused at the end of its window is caught up there, not stalled by what follows', async () => {
    const f = fixture();
    f.ends.set(0, 60n);
    f.positions.set(0, 60n);
    f.positions.set(1, 20n);
    f.ends.set(1, 40n);
    await f.monitor.tick();
    f.advance(120_000);
    await f.monitor.tick();
    expect(await f.metric('verity_consumer_lag', lag0)).to.equal(0);
    expect(await f.metric('verity_consumer_lag', lag1)).to.equal(20);
    expect(f.monitor.stalled()).to.deep.equal(['unit.t[1]: 20 behind, no progress for 120 s']);
    await f.monitor.stop();
  });

  it('a partition that does not move for STALL_SECONDS is stalled and named; moving clears it', async () => {
    const f = fixture();
    f.positions.set(0, 90n);
    f.positions.set(1, 50n);
    await f.monitor.tick();
    f.advance(59_000);
    await f.monitor.tick();
    expect(f.monitor.stalled()).to.deep.equal([]);
    f.advance(1_000);
    f.highs.set(1, 60n); // partition 1 gets new records: behind now, but only just
    await f.monitor.tick();
    expect(f.monitor.stalled()).to.deep.equal(['unit.t[0]: 10 behind, no progress for 60 s']);
    expect(await f.metric('verity_consumer_stalled_partitions', stalledLabels)).to.equal(1);
    f.positions.set(0, 95n);
    await f.monitor.tick();
    expect(f.monitor.stalled()).to.deep.equal([]);
    expect(await f.metric('verity_consumer_stalled_partitions', stalledLabels)).to.equal(0);
    await f.monitor.stop();
  });

  it('a partition the handler stopped is stalled at once, with its reason', async () => {
    const f = fixture();
    f.positions.set(0, 100n);
    f.positions.set(1, 50n);
    f.stopped.set('unit.t[1]', 'seq gap in pipeline p: expected 5, got 7');
    await f.monitor.tick();
    expect(f.monitor.stalled()).to.deep.equal(['unit.t[1]: seq gap in pipeline p: expected 5, got 7']);
    expect(await f.metric('verity_consumer_stalled_partitions', stalledLabels)).to.equal(1);
    await f.monitor.stop();
  });

  it('the series of a partition no longer owned disappear, and all of them when it stops', async () => {
    const f = fixture();
    f.positions.set(0, 100n);
    f.positions.set(1, 40n);
    await f.monitor.tick();
    expect(await f.metric('verity_consumer_lag', lag1)).to.equal(10);
    f.own([{ topic: 'unit.t', partition: 0 }]);
    await f.monitor.tick();
    expect(await f.metric('verity_consumer_lag', lag1)).to.equal(undefined);
    expect(await f.metric('verity_consumer_lag', lag0)).to.equal(0);
    await f.monitor.stop();
    expect(await f.metric('verity_consumer_lag', lag0)).to.equal(undefined);
    expect(await f.metric('verity_consumer_stalled_partitions', stalledLabels)).to.equal(undefined);
  });
});
