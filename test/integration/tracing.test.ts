// Observability against the real services (Kafka, registry, Postgres), in this process: one report
// sent with a W3C `traceparent` is followed across every hop — the ingest HTTP span, its producer span,
// the decider's process span (parent: the context on the intake record), the projector's batch span
// (a link to the decider span, carried by the canonical event's headers), the remediator's process
// span and the remediation projector's link to it — and ingest's /metrics answers Prometheus text with
// request latency by route template.
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { MESSAGING } from '../../services/lib/platform/telemetry/kafka-context.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector, type RunningProjector } from '../../services/run/projector/main.js';
import { loadRemediatorConfig } from '../../services/run/remediator/config.js';
import { startRemediator, type RunningRemediator } from '../../services/run/remediator/main.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { finishedSpans, recordSpans, stopRecordingSpans, tracing } from '../support/tracing.js';
import { until } from '../support/wait.js';

const SHA = 'f1e2d3c4b5a60718293a4b5c6d7e8f9012345678';
const REPORT_ROUTE = '/v1/pipelines/:id/jobs/:jobId/reports';

describe('tracing and metrics across the services (real Kafka and Postgres)', function () {
  this.timeout(180_000);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  let ingest: Awaited<ReturnType<typeof startIngestForTest>> | undefined;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>> | undefined;
  let projector: RunningProjector | undefined;
  let remediator: RunningRemediator | undefined;

  before(async function () {
    if (!tracing.enabled) this.skip(); // VERITY_TRACING=off in this environment
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    projector = await startProjector(loadProjectorConfig({ ...env, PROJECTOR_PORT: '0' }), { http: false });
    remediator = await startRemediator(loadRemediatorConfig({ ...env, REMEDIATOR_PORT: '0' }), { http: false });
    await until('the decider and remediator to join their groups', () =>
      decider!.decider.ready && remediator!.remediator.ready ? true : undefined,
    );
  });
  after(async () => {
    stopRecordingSpans();
    for (const s of [remediator, projector, ingest, decider]) await s?.stop();
  });

  it('one report keeps its trace id from the HTTP request through ingest, decider, projector and remediator', async () => {
    const project = `test/tracing-${randomUUID().slice(0, 8)}`;
    const pipelineId = randomUUID();
    const create = await api(
      ingest!.url,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        pipeline_id: pipelineId,
        project_id: project,
        ref: 'main',
        sha: SHA,
        definition: { stages: ['test'], jobs: [{ name: 'unit', stage: 'test' }] },
      },
      { token: TOKENS.all },
    );
    expect(create.status, JSON.stringify(create.body)).to.equal(200);
    const running = await api(
      ingest!.url,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/unit/reports?wait=20000`,
      { project_id: project, status: 'running', runner_id: 'r1' },
      { token: TOKENS.all },
    );
    expect(running.status, JSON.stringify(running.body)).to.equal(200);

    recordSpans();
    const traceId = randomUUID().replace(/-/g, '');
    const callerSpanId = randomUUID().replace(/-/g, '').slice(0, 16);
    const failed = await api(
      ingest!.url,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/unit/reports?wait=20000`,
      {
        project_id: project,
        status: 'failed',
        failure_reason: 'script_failure',
        exit_code: 1,
        log_tail: '$ make test\nFAIL src/app.test.ts\nERROR: Job failed: exit code 1',
      },
      { token: TOKENS.all, headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } },
    );
    expect(failed.status, JSON.stringify(failed.body)).to.equal(200);
    expect(failed.body.events.map((e: { type: string }) => e.type)).to.include('JobFailed');

    const inTrace = () => finishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const one = (what: string, match: (s: ReadableSpan) => boolean, spans: () => ReadableSpan[] = inTrace) =>
      until(what, () => spans().find(match));
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

    // ingest: the SERVER span continues the caller's context; the PRODUCER span is its child.
    const http = await one('the ingest HTTP span', (s) => s.kind === SpanKind.SERVER);
    expect(http.name).to.equal(`POST ${REPORT_ROUTE}`);
    expect(parentOf(http)).to.equal(callerSpanId);
    expect(http.attributes).to.deep.include({ 'http.route': REPORT_ROUTE, 'http.response.status_code': 200 });
    const send = await one(
      'the ingest producer span',
      (s) => s.kind === SpanKind.PRODUCER && s.name === `send ${TOPICS.intake}`,
    );
    expect(parentOf(send)).to.equal(http.spanContext().spanId);
    expect(send.attributes).to.deep.include({
      [MESSAGING.system]: 'kafka',
      [MESSAGING.destination]: TOPICS.intake,
      [MESSAGING.key]: pipelineId,
    });

    // decider: the process span's parent is the producer span, read from the intake record's traceparent.
    const decided = await one(
      'the decider process span',
      (s) => s.kind === SpanKind.CONSUMER && s.name === `process ${TOPICS.intake}`,
    );
    expect(parentOf(decided)).to.equal(send.spanContext().spanId);
    expect(decided.attributes).to.deep.include({ [MESSAGING.operationType]: 'process', [MESSAGING.key]: pipelineId });
    expect(String(decided.attributes[MESSAGING.group])).to.match(/verity-decider$/);
    expect(decided.attributes[MESSAGING.offset]).to.be.a('number');
    const commit = await one(
      'the decider transaction span',
      (s) => s.kind === SpanKind.PRODUCER && s.links.some((l) => l.context.spanId === decided.spanContext().spanId),
      finishedSpans,
    );
    expect(commit.name).to.equal('send');

    // projector: one batch span (a trace of its own) linked to the decider span carried by the events.
    const projected = await one(
      'the projector batch span linked to the report',
      (s) =>
        s.name === `process ${TOPICS.pipelineEvents}` &&
        String(s.attributes[MESSAGING.group]).startsWith('verity-projector-') &&
        s.links.some((l) => l.context.traceId === traceId),
      finishedSpans,
    );
    expect(projected.kind).to.equal(SpanKind.CONSUMER);
    expect(projected.parentSpanContext).to.equal(undefined);
    expect(projected.links.find((l) => l.context.traceId === traceId)!.context.spanId).to.equal(
      decided.spanContext().spanId,
    );

    // remediator: the JobFailed is processed in the report's trace; its RemediationProposed links the remediation
    // projector back.
    const remediated = await one(
      'the remediator process span',
      (s) =>
        s.kind === SpanKind.CONSUMER &&
        s.name === `process ${TOPICS.pipelineEvents}` &&
        String(s.attributes[MESSAGING.group]).endsWith('verity-remediator'),
    );
    expect(parentOf(remediated)).to.equal(decided.spanContext().spanId);
    expect(remediated.attributes['verity.remediation.outcome']).to.equal('RemediationProposed');
    const proposed = await one(
      'the remediation projector batch span linked to the remediator span',
      (s) =>
        s.name === `process ${TOPICS.remediationEvents}` &&
        s.links.some((l) => l.context.spanId === remediated.spanContext().spanId),
      finishedSpans,
    );
    expect(proposed.links.find((l) => l.context.spanId === remediated.spanContext().spanId)!.context.traceId).to.equal(
      traceId,
    );
  });

  it('GET /metrics on ingest answers Prometheus text: latency by route template, events, lag', async () => {
    const res = await fetch(`${ingest!.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).to.match(
      new RegExp(
        `^verity_http_request_duration_seconds_bucket\\{le="[^"]+",service="ingest",method="POST",route="${REPORT_ROUTE}",status="200"\\} \\d+$`,
        'm',
      ),
    );
    expect(text).to.match(
      /^verity_http_request_duration_seconds_count\{service="ingest",method="POST",route="\/v1\/pipelines",status="200"\} \d+$/m,
    );
    expect(text).to.not.match(/route="\/v1\/pipelines\/[0-9a-f]{8}-/); // never a raw URL
    expect(text).to.match(
      new RegExp(`^verity_events_total\\{service="ingest",topic="${TOPICS.intake}",type="ReportJob"\\} \\d+$`, 'm'),
    );
    // This process also runs the decider and projector: one registry per process.
    expect(text).to.match(
      new RegExp(
        `^verity_events_total\\{service="decider",topic="${TOPICS.pipelineEvents}",type="JobFailed"\\} \\d+$`,
        'm',
      ),
    );
    expect(text).to.match(/^verity_e2e_lag_seconds_count\{topic="[^"]*ci\.pipeline\.events\.v1"\} [1-9]\d*$/m);
    expect(text).to.match(
      /^verity_consumer_lag\{group="[^"]*verity-decider",topic="[^"]*ci\.intake\.v1",partition="\d+"\} \d+$/m,
    );
    expect(text).to.match(/^verity_proposals_total\{provider="heuristic",category="[a-z_]+"\} [1-9]\d*$/m);
    expect(text).to.match(/^verity_remediation_circuit_state\{provider="heuristic"\} 0$/m);
    expect(text).to.contain('process_resident_memory_bytes');
  });
});
