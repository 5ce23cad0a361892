// Spans of the test process, for assertions: tracing is set up once per process (the first initTracing
// wins), so every test file that inspects spans imports this module, which installs it with an
// in-memory exporter behind a gate. Spans are kept only while a test has armed the gate (the rest of
// a full-suite run does not pile up in memory).
import type { Context } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Span } from '@opentelemetry/sdk-trace-base';
import { initTracing } from '../../services/lib/platform/telemetry/tracing.js';

class GatedProcessor extends SimpleSpanProcessor {
  armed = false;

  override onStart(_span: Span, _parentContext: Context): void {}

  override onEnd(span: ReadableSpan): void {
    if (this.armed) super.onEnd(span);
  }
}

export const spanExporter = new InMemorySpanExporter();
const gate = new GatedProcessor(spanExporter);
export const tracing = initTracing('test', { spanProcessors: [gate] });

/** Starts keeping the spans that end from now on (and forgets earlier ones). */
export function recordSpans(): void {
  spanExporter.reset();
  gate.armed = true;
}

/** Stops keeping spans and forgets them. */
export function stopRecordingSpans(): void {
  gate.armed = false;
  spanExporter.reset();
}

export const finishedSpans = (): ReadableSpan[] => spanExporter.getFinishedSpans();
