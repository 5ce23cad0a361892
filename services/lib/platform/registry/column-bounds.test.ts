import { expect } from 'chai';
import { exampleEvents } from '../../core/events/examples.js';
import { createAjv } from '../schemas/ajv.js';
import { loadCatalog } from '../schemas/catalog.js';
import { BIGINT_PROPERTIES, columnBounded, propertyPaths } from './column-bounds.js';

describe('registry codec: schemas bounded to the columns', () => {
  const failed = loadCatalog().find((e) => e.topic === 'ci.pipeline.events.v1' && e.type === 'JobFailed')!;

  it('finds the bigint properties wherever they are nested', () => {
    const paths = propertyPaths(failed.schema, BIGINT_PROPERTIES);
    expect(paths).to.include('/properties/duration_ms');
    expect(paths).to.include('/properties/log/properties/bytes');
    expect(paths.every((p) => BIGINT_PROPERTIES.has(p.split('/').at(-1)!))).to.equal(true);
  });

  // Given JobFailed's schema bounded to the columns, when an event holds a value → valid or not.
  const ajv = createAjv();
  const validate = ajv.compile(columnBounded(failed.schema));
  const base = exampleEvents.find((e) => e.type === 'JobFailed') as unknown as Record<string, unknown>;
  const table: [string, Record<string, unknown>, boolean][] = [
    ['exit_code at int32 max', { exit_code: 2147483647 }, true],
    ['exit_code 2^31 (22003 in Postgres)', { exit_code: 2147483648 }, false],
    ['exit_code below int32 min', { exit_code: -2147483649 }, false],
    ['duration_ms past int32 (a bigint column)', { duration_ms: 5_000_000_000 }, true],
    ['duration_ms past 2^53', { duration_ms: 2 ** 53 + 2 }, false],
    ['U+0000 in the failure reason text', { failure_reason_raw: 'oom\u0000' }, false],
    ['a lone surrogate in the excerpt', { log_excerpt: 'x\uD800y' }, false],
    ['an emoji in the excerpt', { log_excerpt: 'build 🚀 failed' }, true],
  ];
  for (const [what, patch, valid] of table) {
    it(`${what} → ${valid ? 'valid' : 'refused'}`, () => {
      expect(validate({ ...base, ...patch }), JSON.stringify(validate.errors)).to.equal(valid);
    });
  }
});
