// Schema evolution judged by the real registry: a compatible change is accepted, an incompatible one
// is rejected, and records written with the old schema still decode.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { checkSchemas } from '../../services/lib/platform/registry/check-schemas.js';
import { createRegistry, RegistryRest } from '../../services/lib/platform/registry/client.js';
import { EventCodec, EventDecodeError, EventValidationError } from '../../services/lib/platform/registry/codec.js';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadCatalog } from '../../services/lib/platform/schemas/catalog.js';

const schema = (properties: Record<string, unknown>, required: string[]) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const v1 = schema({ id: { type: 'string' }, status: { type: 'string', enum: ['success', 'failed'] } }, [
  'id',
  'status',
]);
const v2 = schema(
  { id: { type: 'string' }, status: { type: 'string', enum: ['success', 'failed'] }, runner: { type: 'string' } },
  ['id', 'status'],
);
const v3TypeChanged = schema({ id: { type: 'integer' }, status: { type: 'string', enum: ['success', 'failed'] } }, [
  'id',
  'status',
]);
const v3NewRequired = schema(
  {
    id: { type: 'string' },
    status: { type: 'string', enum: ['success', 'failed'] },
    runner: { type: 'string' },
    exit: { type: 'integer' },
  },
  ['id', 'status', 'exit'],
);

describe('schema evolution (real registry)', function () {
  this.timeout(60_000);
  const { schemaRegistryUrl: url } = loadConfig();
  const rest = new RegistryRest(url);
  const registry = createRegistry(url);
  const subject = `test.evolution-${randomUUID()}`;
  const register = (s: object) =>
    registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(s) },
      { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
    );

  before(() => rest.setCompatibility(subject));
  after(() => rest.deleteSubject(subject));

  it('accepts a compatible change, rejects incompatible ones, and old records still decode', async () => {
    const { id: id1 } = await register(v1);
    const oldRecord = await registry.encode(id1, { id: 'a', status: 'failed' });
    expect(oldRecord.readUInt8(0)).to.equal(0);
    expect(oldRecord.readInt32BE(1)).to.equal(id1);

    const { id: id2 } = await register(v2);
    expect(id2).to.not.equal(id1);

    for (const bad of [v3TypeChanged, v3NewRequired]) {
      const err = await register(bad).then(
        () => undefined,
        (e: Error & { status?: number }) => e,
      );
      expect(err, 'incompatible schema must be refused').to.be.instanceOf(Error);
      expect(err!.status).to.equal(409);
    }

    expect(await registry.decode(oldRecord)).to.deep.equal({ id: 'a', status: 'failed' });
    expect(
      await registry.decode(await registry.encode(id2, { id: 'b', status: 'success', runner: 'r1' })),
    ).to.deep.equal({ id: 'b', status: 'success', runner: 'r1' });
  });

  it('schemas check passes on the committed catalog and fails a history with a breaking change', async () => {
    const catalog = loadCatalog();
    const ok = await checkSchemas(url, catalog.slice(0, 2));
    expect(ok.every((r) => r.ok)).to.equal(true);
    const entry = catalog.find((e) => e.type === 'JobStarted')!;
    const broken = structuredClone(entry.schema) as { properties: Record<string, unknown> };
    broken.properties.queued_ms = { type: 'string' };
    const [result] = await checkSchemas(url, [entry], () => [JSON.stringify(entry.schema), JSON.stringify(broken)]);
    expect(result!.ok).to.equal(false);
    expect(result!.error).to.match(/current version is not BACKWARD_TRANSITIVE-compatible.*queued_ms/);
    const [added] = await checkSchemas(url, [entry], () => {
      const more = structuredClone(entry.schema) as { properties: Record<string, unknown> };
      more.properties.runner_tags = { type: 'array', items: { type: 'string' } };
      return [JSON.stringify(entry.schema), JSON.stringify(more)];
    });
    expect(added!.ok, added!.error).to.equal(true);
  });
});

describe('event codec errors (real registry)', () => {
  const { schemaRegistryUrl: url } = loadConfig();
  let codec: EventCodec<PipelineEvent>;
  before(async () => {
    codec = await EventCodec.forTopic<PipelineEvent>(url, 'ci.pipeline.events.v1');
  });

  it('refuses to encode an invalid event, naming each bad field by JSON pointer', async () => {
    const bad = { ...exampleEvents[3]!, seq: 0, queued_ms: 'soon' } as unknown as PipelineEvent;
    const err = await codec.encode(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EventValidationError);
    expect((err as EventValidationError).errors.map((e) => e.pointer)).to.include.members(['/seq', '/queued_ms']);
  });

  it('treats bytes that are not wire format, or name an unknown schema id, as undecodable (poison)', async () => {
    const unknownId = Buffer.concat([Buffer.from([0]), Buffer.from([0x7f, 0xff, 0xff, 0x00]), Buffer.from('{}')]);
    for (const value of [Buffer.from('{"type":"JobStarted"}'), Buffer.alloc(2), unknownId]) {
      const err = await codec.decode(value).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, value.toString('hex')).to.be.instanceOf(EventDecodeError);
    }
  });

  it('rejects a record whose payload does not match the writer schema', async () => {
    const id = codec.schemaIdOf('JobEnqueued')!;
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    const value = Buffer.concat([header, Buffer.from(JSON.stringify({ ...exampleEvents[2], attempt: 'first' }))]);
    const err = await codec.decode(value).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EventValidationError);
    expect((err as EventValidationError).errors.map((e) => e.pointer)).to.include('/attempt');
  });
});
