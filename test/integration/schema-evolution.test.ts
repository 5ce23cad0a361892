// Schema evolution as Verity checks it against the real registry (`verity schemas check`: every committed
// version of each event schema BACKWARD_TRANSITIVE-compatible with the ones before), and the event codec's
// errors. (That the registry refuses an incompatible registration is the registry's own behaviour; the
// schemas check below shows what Verity makes of it.)
import { expect } from 'chai';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { checkSchemas } from '../../services/lib/platform/registry/check-schemas.js';
import { EventCodec, EventDecodeError, EventValidationError } from '../../services/lib/platform/registry/codec.js';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadCatalog } from '../../services/lib/platform/schemas/catalog.js';

describe('schema evolution (real registry)', function () {
  this.timeout(60_000);
  const { schemaRegistryUrl: url } = loadConfig();

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
