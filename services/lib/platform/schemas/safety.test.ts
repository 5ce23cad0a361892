import { expect } from 'chai';
import { createAjv } from './ajv.js';
import { loadCatalog } from './catalog.js';
import { INSTANT_PATTERN, INT32_MAX, INT32_MIN, isSafeText, SAFE_TEXT_PATTERN, tightenSchema, unsafeTextPointer, UUID_PATTERN } from './safety.js';

describe('platform: text and integer safety', () => {
  describe('SAFE_TEXT_PATTERN under Ajv (u-mode)', () => {
    const validate = createAjv().compile({ type: 'string', pattern: SAFE_TEXT_PATTERN });
    const cases: [string, string, boolean][] = [
      ['empty', '', true],
      ['ASCII', 'main', true],
      ['tab, newline, ESC (log text)', 'a\tb\nc\u001b[31m', true],
      ['an emoji (astral, a surrogate pair)', 'fix 😀 build', true],
      ['CJK and accents', 'ビルド é', true],
      ['U+FFFD', '\uFFFD', true],
      ['U+0000', 'a\u0000b', false],
      ['U+0000 alone', '\u0000', false],
      ['a lone high surrogate', 'x\uD800', false],
      ['a lone low surrogate', '\uDC00y', false],
      ['a reversed pair', '\uDE00\uD83D', false],
    ];
    for (const [name, s, ok] of cases) {
      it(`${ok ? 'accepts' : 'refuses'} ${name}`, () => {
        expect(validate(s)).to.equal(ok);
        expect(isSafeText(s)).to.equal(ok);
      });
    }
  });

  describe('tightenSchema', () => {
    it('bounds an unbounded integer to int32, also a nullable one', () => {
      const t = tightenSchema({ type: 'object', properties: { a: { type: 'integer' }, b: { type: ['integer', 'null'] } } });
      expect(t.properties.a).to.deep.equal({ type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX });
      expect(t.properties.b).to.deep.include({ minimum: INT32_MIN, maximum: INT32_MAX });
    });

    const bounds: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['keeps tighter bounds', { type: 'integer', minimum: 0, maximum: 2 }, { minimum: 0, maximum: 2 }],
      ['narrows looser bounds', { type: 'integer', minimum: -1e12, maximum: 1e12 }, { minimum: INT32_MIN, maximum: INT32_MAX }],
      ['keeps a tighter exclusive bound without adding an inclusive one', { type: 'integer', exclusiveMinimum: 0 }, { exclusiveMinimum: 0, maximum: INT32_MAX }],
      ['adds an inclusive bound next to a looser exclusive one', { type: 'integer', exclusiveMaximum: 1e15 }, { exclusiveMaximum: 1e15, minimum: INT32_MIN, maximum: INT32_MAX }],
    ];
    for (const [name, input, expected] of bounds) {
      it(name, () => {
        const t = tightenSchema({ type: 'object', properties: { x: input } });
        expect(t.properties.x).to.deep.equal({ ...input, ...expected });
      });
    }

    it('gives the paths in bigintPaths ±MAX_SAFE_INTEGER instead', () => {
      const t = tightenSchema(
        { type: 'object', properties: { log: { type: ['object', 'null'], properties: { bytes: { type: 'integer', minimum: 0 } } }, n: { type: 'integer' } } },
        { bigintPaths: ['/properties/log/properties/bytes'] },
      );
      expect(t.properties.log.properties.bytes).to.deep.equal({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
      expect(t.properties.n).to.deep.include({ maximum: INT32_MAX });
    });

    it('adds the safe-text pattern to free strings, the column\'s form to uuid and date-time strings, nothing to other formats, enum or const strings', () => {
      const t = tightenSchema({
        type: 'object',
        properties: {
          free: { type: 'string', maxLength: 5 },
          nullable: { type: ['string', 'null'] },
          uuid: { type: 'string', format: 'uuid' },
          instant: { type: 'string', format: 'date-time' },
          email: { type: 'string', format: 'email' },
          choice: { type: 'string', enum: ['a', 'b'] },
          fixed: { type: 'string', const: 'x' },
        },
      });
      expect(t.properties.free).to.deep.equal({ type: 'string', maxLength: 5, pattern: SAFE_TEXT_PATTERN });
      expect(t.properties.nullable).to.deep.include({ pattern: SAFE_TEXT_PATTERN });
      expect(t.properties.uuid).to.deep.equal({ type: 'string', format: 'uuid', pattern: UUID_PATTERN });
      expect(t.properties.instant).to.deep.equal({ type: 'string', format: 'date-time', pattern: INSTANT_PATTERN });
      expect(t.properties.email).to.not.have.property('pattern');
      expect(t.properties.choice).to.not.have.property('pattern');
      expect(t.properties.fixed).to.not.have.property('pattern');
    });

    describe('uuid and date-time strings as Postgres columns take them (Ajv\'s formats take more)', () => {
      const ajv = createAjv();
      const uuid = ajv.compile(tightenSchema({ type: 'string', format: 'uuid' }));
      const instant = ajv.compile(tightenSchema({ type: 'string', format: 'date-time' }));
      const cases: [string, (v: unknown) => boolean, string, boolean][] = [
        ['uuid', uuid, '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', true],
        ['uuid', uuid, '0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B', true],
        ['uuid', uuid, 'urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', false], // Ajv: valid; Postgres: 22P02
        ['date-time', instant, '2026-12-06T21:00:00.000Z', true],
        ['date-time', instant, '0001-01-01T00:00:00+15:59', true],
        ['date-time', instant, '2024-01-01t00:00:00.123456789z', true],
        ['date-time', instant, '2026-12-06 21:01:20.471+00', true], // Postgres' own text form
        ['date-time', instant, '2026-12-06T21:01:20+0530', true],
        ['date-time', instant, '2016-12-31T23:59:60Z', true], // a leap second: Postgres takes it
        ['date-time', instant, '0000-01-01T00:00:00Z', false], // Postgres 22008
        ['date-time', instant, '2024-01-01T00:00:00+16:00', false], // Postgres 22009
        ['date-time', instant, '2024-01-01T00:00:00-23', false], // Postgres 22009
      ];
      for (const [format, validate, value, ok] of cases) it(`${format} ${value} → ${ok ? 'valid' : 'refused'}`, () => expect(validate(value)).to.equal(ok));
    });

    it('combines with an existing pattern through allOf, never replacing it (and only once)', () => {
      const s = { type: 'string', pattern: '^[a-z]+$', allOf: [{ maxLength: 3 }] };
      const once = tightenSchema(s);
      expect(once).to.deep.equal({ type: 'string', pattern: '^[a-z]+$', allOf: [{ maxLength: 3 }, { pattern: SAFE_TEXT_PATTERN }] });
      expect(tightenSchema(once)).to.deep.equal(once);
    });

    it('reaches items (one and a tuple), oneOf/anyOf/allOf, then/else, definitions, additional and pattern properties', () => {
      const s = {
        type: 'object',
        definitions: { d: { type: 'integer' } },
        properties: {
          list: { type: 'array', items: { type: 'string' } },
          tuple: { type: 'array', items: [{ type: 'integer' }] },
          one: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
          any: { anyOf: [{ type: 'string' }] },
          all: { allOf: [{ type: 'integer' }] },
          free: { type: 'object', additionalProperties: { type: 'string' } },
          pat: { type: 'object', additionalProperties: false, patternProperties: { '^x': { type: 'integer' } } },
        },
        if: { properties: { k: { type: 'string' } } },
        then: { properties: { t: { type: 'integer' } } },
        else: { properties: { e: { type: 'string' } } },
      };
      const t = tightenSchema(s) as unknown as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
      const p = t.properties!;
      expect(t.definitions!.d).to.include({ maximum: INT32_MAX });
      expect(p.list!.items).to.include({ pattern: SAFE_TEXT_PATTERN });
      expect((p.tuple!.items as unknown as object[])[0]).to.include({ maximum: INT32_MAX });
      expect((p.one!.oneOf as unknown as object[])[0]).to.include({ maximum: INT32_MAX });
      expect((p.one!.oneOf as unknown as object[])[1]).to.include({ pattern: SAFE_TEXT_PATTERN });
      expect((p.any!.anyOf as unknown as object[])[0]).to.include({ pattern: SAFE_TEXT_PATTERN });
      expect((p.all!.allOf as unknown as object[])[0]).to.include({ maximum: INT32_MAX });
      expect(p.free!.additionalProperties).to.include({ pattern: SAFE_TEXT_PATTERN });
      expect(p.free!.propertyNames).to.deep.equal({ pattern: SAFE_TEXT_PATTERN });
      expect(p.pat!).to.not.have.property('propertyNames');
      expect((p.pat!.patternProperties as Record<string, object>)['^x']).to.include({ maximum: INT32_MAX });
      expect((t.then!.properties as Record<string, object>).t).to.include({ maximum: INT32_MAX });
      expect((t.else!.properties as Record<string, object>).e).to.include({ pattern: SAFE_TEXT_PATTERN });
      // A condition is not a constraint: narrowing it would only change which branch applies.
      expect((t.if!.properties as Record<string, object>).k).to.deep.equal({ type: 'string' });
    });

    it('returns a copy: the input is unchanged', () => {
      const s = { type: 'object', properties: { a: { type: 'integer' } } };
      const before = JSON.stringify(s);
      tightenSchema(s);
      expect(JSON.stringify(s)).to.equal(before);
    });

    it('compiles with the strict Ajv set-up for every registered schema', () => {
      for (const entry of loadCatalog()) {
        expect(() => createAjv().compile(tightenSchema(entry.schema)), entry.path).not.to.throw();
      }
    });

    it('refuses exit_code 2^31, U+0000 and a lone surrogate in the registered ReportJob once tightened', () => {
      const catalog = loadCatalog();
      const report = createAjv().compile(tightenSchema(catalog.find((e) => e.type === 'ReportJob')!.schema));
      const base = {
        type: 'ReportJob', report_id: '0190a3c0-0000-7000-8000-000000000001', pipeline_id: '0190a3c0-0000-7000-8000-000000000002',
        project_id: 'p', occurred_at: '2024-01-01T00:00:00Z', received_at: '2024-01-01T00:00:00Z', idempotency_key: null, producer: 'x',
        correlation_id: '0190a3c0-0000-7000-8000-000000000003', job: 'build', status: 'failed', runner_id: null, failure_reason: 'script_failure',
        exit_code: 1, log: null, log_excerpt: null,
      };
      expect(report(base)).to.equal(true);
      expect(report({ ...base, exit_code: 2147483648 })).to.equal(false);
      expect(report({ ...base, exit_code: INT32_MAX })).to.equal(true);
      expect(report({ ...base, job: 'a\u0000' })).to.equal(false);
      expect(report({ ...base, log_excerpt: 'x\uD800' })).to.equal(false);
    });
  });

  describe('unsafeTextPointer', () => {
    const cases: [string, unknown, string | null][] = [
      ['a safe document', { a: ['x', 1, null, { b: 'ü😀' }] }, null],
      ['a scalar that is not text', 42, null],
      ['a bad string at the top', 'a\u0000', ''],
      ['a bad string deep down', { a: [{ b: 'ok' }, { c: 'x\uD800' }] }, '/a/1/c'],
      ['a bad key', { 'k\u0000': 1 }, '/k\u0000'],
      ['a key with / and ~ before a bad value', { 'a/b~c': '\uDC00' }, '/a~1b~0c'],
      ['the first of two', { a: 'ok', b: '\u0000', c: '\u0000' }, '/b'],
    ];
    for (const [name, value, pointer] of cases) it(`${name} → ${JSON.stringify(pointer)}`, () => expect(unsafeTextPointer(value)).to.equal(pointer));
  });
});
