// Tracing setup: switched by the environment, exporting only with an OTLP endpoint, installed once.
import { expect } from 'chai';
import { tracing } from '../../../../test/support/tracing.js';
import { initTracing, otlpTracesEndpoint, tracingDisabled } from './tracing.js';

describe('telemetry: tracing setup', () => {
  it('is on unless VERITY_TRACING=off (or OTEL_SDK_DISABLED=true)', () => {
    expect(tracingDisabled({})).to.equal(false);
    expect(tracingDisabled({ VERITY_TRACING: 'on' })).to.equal(false);
    expect(tracingDisabled({ VERITY_TRACING: 'off' })).to.equal(true);
    expect(tracingDisabled({ VERITY_TRACING: 'OFF' })).to.equal(true);
    expect(tracingDisabled({ OTEL_SDK_DISABLED: 'true' })).to.equal(true);
  });

  it('exports only when an OTLP endpoint is configured', () => {
    expect(otlpTracesEndpoint({})).to.equal(undefined);
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).to.equal(undefined);
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.equal(
      'http://collector:4318',
    );
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).to.equal(
      'http://collector:4318/v1/traces',
    );
  });

  it('is idempotent: later calls (every service start) return the first setup', () => {
    expect(initTracing('ingest')).to.equal(tracing);
    expect(initTracing('decider', { env: { VERITY_TRACING: 'off' } })).to.equal(tracing);
    if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
      expect(tracing.exporting).to.equal(false);
  });
});
