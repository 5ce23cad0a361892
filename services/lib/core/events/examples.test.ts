import { expect } from 'chai';
import { createAjv, toFieldErrors } from '../../platform/schemas/ajv.js';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import { exampleEvents } from './examples.js';
import { pipelineEventTypes } from './generated.js';

describe('event types agree with the JSON schemas', () => {
  const catalog = loadCatalog().filter((e) => e.topic === 'ci.pipeline.events.v1');
  const ajv = createAjv();
  const validators = new Map(catalog.map((e) => [e.type, ajv.compile(e.schema)]));

  it('has an example of every canonical event type', () => {
    expect([...new Set(exampleEvents.map((e) => e.type))].sort()).to.deep.equal([...pipelineEventTypes].sort());
  });

  for (const event of exampleEvents) {
    it(`${event.type} typed by the generated types validates against its schema`, () => {
      const validate = validators.get(event.type)!;
      expect(validate(event), JSON.stringify(toFieldErrors(validate.errors))).to.equal(true);
    });
  }

  it('rejects a field the schema does not know, naming it by JSON pointer', () => {
    const validate = validators.get('JobStarted')!;
    const event = { ...exampleEvents.find((e) => e.type === 'JobStarted')!, runner: 'x' };
    expect(validate(event)).to.equal(false);
    expect(toFieldErrors(validate.errors)).to.deep.include({ pointer: '/runner', message: 'is not allowed' });
  });

  it('rejects a missing required field and a bad enum value, naming each', () => {
    const validate = validators.get('JobFailed')!;
    const { exit_code: _dropped, ...event } = {
      ...exampleEvents.find((e) => e.type === 'JobFailed')!,
      failure_reason: 'cosmic_rays',
    };
    expect(validate(event)).to.equal(false);
    const pointers = toFieldErrors(validate.errors).map((e) => e.pointer);
    expect(pointers).to.include('/exit_code');
    expect(pointers).to.include('/failure_reason');
  });
});
