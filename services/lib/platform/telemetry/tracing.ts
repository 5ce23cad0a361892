// The one place that sets up OpenTelemetry tracing (every other module uses @opentelemetry/api only).
// initTracing installs, once per process: the AsyncLocalStorage context manager (the active span follows
// async calls), the W3C trace-context propagator (traceparent/tracestate on HTTP requests and Kafka
// records) and a BasicTracerProvider, so spans are real and their ids propagate even when nothing is
// exported. Spans leave the process (BatchSpanProcessor + OTLP/HTTP) only when an OTLP endpoint is
// configured. VERITY_TRACING=off (or OTEL_SDK_DISABLED=true) installs nothing: every span is a no-op
// and no trace headers are written.
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/** Instrumentation scope of Verity's own spans. */
const TRACER_NAME = 'verity';

export interface TracingOptions {
  /** Extra span processors (tests register an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  env?: Record<string, string | undefined>;
}

export interface Tracing {
  /** False when VERITY_TRACING=off: no provider, no propagation. */
  readonly enabled: boolean;
  /** True when spans are exported over OTLP. */
  readonly exporting: boolean;
  readonly serviceName: string;
  /** Exports what is buffered. */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting (on service stop). */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** True when tracing is switched off by the environment. */
export function tracingDisabled(env: Record<string, string | undefined> = process.env): boolean {
  return (
    ['off', 'false', '0'].includes((env.VERITY_TRACING ?? '').toLowerCase()) ||
    (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true'
  );
}

/** The OTLP traces endpoint when one is configured (the exporter itself reads the variables). */
export function otlpTracesEndpoint(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

/**
 * Sets up tracing for this process; idempotent (the first call's service name wins, later calls return
 * the same handle). `serviceName` becomes the resource's service.name as `verity-<name>` unless
 * OTEL_SERVICE_NAME says otherwise.
 */
export function initTracing(serviceName: string, opts: TracingOptions = {}): Tracing {
  if (installed) return installed;
  const env = opts.env ?? process.env;
  const name = env.OTEL_SERVICE_NAME || `verity-${serviceName}`;
  if (tracingDisabled(env)) {
    installed = {
      enabled: false,
      exporting: false,
      serviceName: name,
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    return installed;
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const processors = [...(opts.spanProcessors ?? [])];
  const exporting = otlpTracesEndpoint(env) !== undefined;
  if (exporting) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: name,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
      'service.namespace': 'verity',
    }),
    spanProcessors: processors,
  });
  trace.setGlobalTracerProvider(provider);
  let stopped: Promise<void> | undefined;
  installed = {
    enabled: true,
    exporting,
    serviceName: name,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
  return installed;
}

/** Flushes and shuts the provider down, if one was installed (called by the shutdown handler). */
export async function shutdownTracing(): Promise<void> {
  await installed?.shutdown();
}

/** The tracer of Verity's spans (a no-op tracer until initTracing installed a provider). */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
