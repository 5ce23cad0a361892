import { expect } from 'chai';
import { dlqOf, topicSpecs, TOPICS } from './topics.js';

describe('topic specs', () => {
  const byName = (rf: number) => new Map(topicSpecs(rf).map((s) => [s.name, s.configs]));

  it('declares every topic of ARCHITECTURE.md and a DLQ for each consumed one', () => {
    expect([...byName(1).keys()]).to.have.members([
      ...Object.values(TOPICS),
      dlqOf(TOPICS.intake),
      dlqOf(TOPICS.pipelineEvents),
      dlqOf(TOPICS.remediationEvents),
      dlqOf(TOPICS.coordination),
    ]);
  });

  const table: [string, Record<string, string>][] = [
    [TOPICS.intake, { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000) }],
    [TOPICS.pipelineEvents, { 'cleanup.policy': 'delete', 'retention.ms': '-1' }],
    [TOPICS.pipelineState, { 'cleanup.policy': 'compact' }],
    [TOPICS.pipelineDue, { 'cleanup.policy': 'compact' }],
    [TOPICS.intakeRejected, { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 86_400_000) }],
    [TOPICS.remediationEvents, { 'cleanup.policy': 'delete', 'retention.ms': '-1' }],
    [TOPICS.coordination, { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000) }],
    [TOPICS.coordinationState, { 'cleanup.policy': 'compact' }],
    [dlqOf(TOPICS.pipelineEvents), { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 86_400_000) }],
  ];
  for (const [topic, expected] of table) {
    it(`${topic}: ${JSON.stringify(expected)}`, () => expect(byName(1).get(topic)).to.include(expected));
  }

  it('min.insync.replicas is 1 with one replica and 2 with three', () => {
    expect(byName(1).get(TOPICS.pipelineEvents)?.['min.insync.replicas']).to.equal('1');
    expect(byName(3).get(TOPICS.pipelineEvents)?.['min.insync.replicas']).to.equal('2');
  });
});
