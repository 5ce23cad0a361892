// Prometheus metrics: every Verity metric is defined (verity_*, with help), labelled series render in
// the text format, circuit states come from their sources (consumer lag: consumer/lag-monitor.test.ts), and every HTTP
// app serves
// /metrics with latency by route template (never the raw URL) plus a SERVER span per request.
import { SpanKind } from '@opentelemetry/api';
import { expect } from 'chai';
import type { Server } from 'node:http';
import { finishedSpans, recordSpans, stopRecordingSpans, tracing } from '../../../../test/support/tracing.js';
import { createHttpApp, finishHttpApp } from '../http/app.js';
import { createLogger } from '../log.js';
import { addCircuitSource, countEvents, METRICS_CONTENT_TYPE, metrics, registry } from './metrics.js';

const NAMES = [
  'verity_events_total',
  'verity_batch_size',
  'verity_consumer_lag',
  'verity_e2e_lag_seconds',
  'verity_rejections_total',
  'verity_dlq_total',
  'verity_http_request_duration_seconds',
  'verity_remediation_latency_seconds',
  'verity_remediation_tokens_total',
  'verity_remediation_not_proposed_total',
  'verity_remediation_circuit_state',
  'verity_proposals_total',
  'verity_scores_total',
];

describe('telemetry: metrics', () => {
  it('defines every Verity metric with its help text, besides the default process metrics', async () => {
    const text = await registry.metrics();
    for (const name of NAMES) {
      expect(text).to.match(new RegExp(`^# HELP ${name} \\S.{20,}$`, 'm'), name);
      expect(text).to.match(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'), name);
    }
    expect(text)
      .to.contain('# TYPE process_cpu_user_seconds_total counter')
      .and.to.contain('nodejs_eventloop_lag_seconds');
    expect(METRICS_CONTENT_TYPE).to.match(/^text\/plain; version=0\.0\.4/);
  });

  it('renders labelled series in the Prometheus text format', async () => {
    countEvents('unit', 'ci.intake.v1', ['ReportJob', 'ReportJob', 'CreatePipeline']);
    metrics.rejections.inc({ code: 'unit_code' });
    metrics.dlq.inc({ topic: 'unit.dlq' }, 2);
    metrics.e2eLag.observe({ topic: 'unit-topic' }, 0.2);
    metrics.remediationTokens.inc({ provider: 'unit', kind: 'prompt' }, 120);
    metrics.remediationNotProposed.inc({ provider: 'unit', reason: 'timeout' });
    metrics.proposals.inc({ provider: 'unit', category: 'dependency' });
    metrics.scores.inc({ label: 'correct' });
    const text = await registry.metrics();
    expect(text).to.contain('verity_events_total{service="unit",topic="ci.intake.v1",type="ReportJob"} 2');
    expect(text).to.contain('verity_events_total{service="unit",topic="ci.intake.v1",type="CreatePipeline"} 1');
    expect(text).to.contain('verity_rejections_total{code="unit_code"} 1');
    expect(text).to.contain('verity_dlq_total{topic="unit.dlq"} 2');
    expect(text).to.contain('verity_e2e_lag_seconds_bucket{le="0.25",topic="unit-topic"} 1');
    expect(text).to.contain('verity_e2e_lag_seconds_count{topic="unit-topic"} 1');
    expect(text).to.contain('verity_remediation_tokens_total{provider="unit",kind="prompt"} 120');
    expect(text).to.contain('verity_remediation_not_proposed_total{provider="unit",reason="timeout"} 1');
    expect(text).to.contain('verity_proposals_total{provider="unit",category="dependency"} 1');
    expect(text).to.match(/^verity_scores_total\{label="correct"\} \d+$/m);
  });

  it('reads circuit states on every scrape: 0 closed, 1 half-open, 2 open', async () => {
    const states: Record<string, string> = { 'unit-a': 'closed', 'unit-b': 'half_open', 'unit-c': 'open' };
    const unregister = addCircuitSource(() => states);
    try {
      let text = await registry.metrics();
      expect(text).to.contain('verity_remediation_circuit_state{provider="unit-a"} 0');
      expect(text).to.contain('verity_remediation_circuit_state{provider="unit-b"} 1');
      expect(text).to.contain('verity_remediation_circuit_state{provider="unit-c"} 2');
      states['unit-c'] = 'half_open';
      text = await registry.metrics();
      expect(text).to.contain('verity_remediation_circuit_state{provider="unit-c"} 1');
    } finally {
      unregister();
    }
  });

  describe('every HTTP app', () => {
    let server: Server;
    let base: string;
    before(async () => {
      const app = createHttpApp({
        service: 'unit-http',
        log: createLogger('unit-http', 'silent'),
        readiness: async () => true,
      });
      app.get('/v1/things/:id/parts/:part', (req, res) => {
        res.json({ id: req.params.id });
      });
      app.post('/v1/things\\:bulk', (_req, res) => {
        res.status(202).end();
      });
      finishHttpApp(app, createLogger('unit-http', 'silent'));
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    afterEach(stopRecordingSpans);

    it('serves /metrics as Prometheus text with request latency by route template, never the raw URL', async () => {
      for (const id of ['a1', 'b2', 'c3'])
        expect((await fetch(`${base}/v1/things/${id}/parts/x`)).status).to.equal(200);
      expect((await fetch(`${base}/v1/things:bulk`, { method: 'POST' })).status).to.equal(202);
      expect((await fetch(`${base}/nope/123`)).status).to.equal(404);
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      expect((await fetch(`${base}/readyz`)).status).to.equal(200);
      const res = await fetch(`${base}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const series = (route: string, method: string, status: number) =>
        `verity_http_request_duration_seconds_count{service="unit-http",method="${method}",route="${route}",status="${status}"}`;
      expect(text).to.contain(`${series('/v1/things/:id/parts/:part', 'GET', 200)} 3`);
      expect(text).to.contain(`${series('/v1/things:bulk', 'POST', 202)} 1`);
      expect(text).to.contain(`${series('unmatched', 'GET', 404)} 1`);
      expect(text).to.contain(`${series('/healthz', 'GET', 200)} 1`);
      expect(text).to.not.contain('a1').and.to.not.contain('/nope');
    });

    it('traces a request in a SERVER span named by its route, continuing the caller’s traceparent', async function () {
      if (!tracing.enabled) this.skip(); // VERITY_TRACING=off: no spans to record
      recordSpans();
      const traceId = 'abcdefabcdefabcdefabcdefabcdef01';
      await fetch(`${base}/v1/things/z9/parts/y`, { headers: { traceparent: `00-${traceId}-1234567890abcdef-01` } });
      await fetch(`${base}/healthz`);
      const deadline = Date.now() + 2000;
      while (finishedSpans().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const spans = finishedSpans();
      expect(spans.map((s) => s.name)).to.deep.equal(['GET /v1/things/:id/parts/:part']); // probes are not traced
      expect(spans[0]!.kind).to.equal(SpanKind.SERVER);
      expect(spans[0]!.spanContext().traceId).to.equal(traceId);
      expect(spans[0]!.parentSpanContext?.spanId).to.equal('1234567890abcdef');
      expect(spans[0]!.attributes).to.deep.include({
        'http.request.method': 'GET',
        'http.route': '/v1/things/:id/parts/:part',
        'http.response.status_code': 200,
      });
    });
  });
});
