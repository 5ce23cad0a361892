import { expect } from 'chai';
import { isNewer } from './list-order.js';

describe('dashboard: the pipelines list order', () => {
  const p = (created_at: string, pipeline_id: string) => ({ created_at, pipeline_id });
  const cases: [string, ReturnType<typeof p>, ReturnType<typeof p>, boolean][] = [
    ['later created', p('2026-12-07T08:00:01Z', 'a'), p('2026-12-07T08:00:00Z', 'b'), true],
    ['earlier created', p('2026-12-07T08:00:00Z', 'b'), p('2026-12-07T08:00:01Z', 'a'), false],
    ['same instant, greater id', p('2026-12-07T08:00:00Z', 'b'), p('2026-12-07T08:00:00Z', 'a'), true],
    ['same instant, smaller id', p('2026-12-07T08:00:00Z', 'a'), p('2026-12-07T08:00:00Z', 'b'), false],
    ['itself', p('2026-12-07T08:00:00Z', 'a'), p('2026-12-07T08:00:00Z', 'a'), false],
    ['other precision, same instant', p('2026-12-07T08:00:00.000Z', 'b'), p('2026-12-07T08:00:00Z', 'a'), true],
    ['offsets compared as instants', p('2026-12-07T09:00:00+01:00', 'a'), p('2026-12-07T07:59:59Z', 'b'), true],
  ];
  for (const [name, a, b, want] of cases) it(name, () => expect(isNewer(a, b)).to.equal(want));
});
