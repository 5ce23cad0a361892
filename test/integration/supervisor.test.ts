// `verity up` against the real stack, with real processes: two supervisors (`bin/verity up`), each
// child on a port of its own (<SERVICE>_PORT=0: the child tells the supervisor its port), logs in a
// scratch directory, the suite's topic prefix and database.
//  - every service of the first one exports its spans to a tiny OTLP/HTTP receiver here
//    (@opentelemetry/exporter-trace-otlp-http 0.212 posts JSON to /v1/traces): each span's resource
//    says the service that made it, and each service's /metrics holds only its own series;
//  - kill -9 of a child: restarted, ready again, counted in /metrics and /status;
//  - the second one runs ingest with a configuration that fails at once (and the scorer): it gives
//    ingest up after VERITY_SUPERVISOR_MAX_CRASHES with a clear message, the scorer goes on; then it
//    is SIGKILLed and its scorer notices and stops by itself;
//  - SIGTERM to the first one stops every child; no process of either is left.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SupervisorStatus, ServiceStatus } from '../../services/tools/cli/supervisor/status.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { MESSAGING } from '../../services/lib/platform/telemetry/kafka-context.js';
import { api, exited, TOKEN_SPEC, TOKENS } from '../support/services.js';
import { alive, marked, until } from '../support/wait.js';

// Sorted: the test compares them with the supervisor's services, sorted.
const SERVICES = ['coordinator', 'decider', 'fetcher', 'ingest', 'projector', 'query', 'remediator', 'scorer', 'timer'];
const SHA = 'f1e2d3c4b5a60718293a4b5c6d7e8f9012345678';

/** A span as received over OTLP/JSON, with its resource's service.name. */
interface ReceivedSpan {
  serviceName: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}
const SPAN_KIND_SERVER = 2;

interface RunningSupervisor {
  process: ChildProcess;
  port: number;
  logDir: string;
  stderr: () => string;
}

describe('verity up: one supervised process per service (real processes, real stack)', function () {
  this.timeout(90_000);
  const run = randomUUID().slice(0, 8);
  const mark = `VERITY_SUPERVISOR_TEST_RUN=${run}`;
  const spans: ReceivedSpan[] = [];
  let receiver: Server | undefined;
  let main: RunningSupervisor | undefined;
  let broken: RunningSupervisor | undefined;

  function startSupervisor(name: string, args: string[], env: Record<string, string>): Promise<RunningSupervisor> {
    const logDir = mkdtempSync(join(tmpdir(), `verity-sup-${name}-`));
    const child = spawn(join(REPO_ROOT, 'bin/verity'), ['up', ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_PORT`, '0'])),
        VERITY_SUPERVISOR_PORT: '0',
        VERITY_SUPERVISOR_LOG_DIR: logDir,
        VERITY_SUPERVISOR_BACKOFF_BASE_MS: '200',
        VERITY_SUPERVISOR_STOP_TIMEOUT_MS: '30000',
        VERITY_SUPERVISOR_TEST_RUN: run,
        INGEST_TOKENS: TOKEN_SPEC,
        QUERY_TOKENS: TOKEN_SPEC,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`supervisor ${name} did not listen in 30 s:\n${text.slice(-2000)}`)),
        30_000,
      );
      child.once('exit', (code, signal) =>
        reject(new Error(`supervisor ${name} exited at start (${code ?? signal}):\n${text.slice(-2000)}`)),
      );
      const onData = () => {
        const line = text.split('\n').find((l) => l.includes('"supervisor listening"'));
        if (!line) return;
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve({ process: child, port: (JSON.parse(line) as { port: number }).port, logDir, stderr: () => text });
      };
      child.stderr!.on('data', onData);
    });
  }

  const ops = (s: RunningSupervisor, path: string) =>
    fetch(`http://127.0.0.1:${s.port}${path}`, { signal: AbortSignal.timeout(10_000) });
  const status = async (s: RunningSupervisor) => (await (await ops(s, '/status')).json()) as SupervisorStatus;
  const serviceOf = async (s: RunningSupervisor, service: string) =>
    (await status(s)).services.find((x) => x.service === service)!;

  before(async function () {
    this.timeout(90_000);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        try {
          const payload = JSON.parse(body.toString('utf8')) as {
            resourceSpans?: {
              resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
              scopeSpans?: {
                spans?: {
                  name: string;
                  kind: number;
                  attributes?: { key: string; value: Record<string, unknown> }[];
                }[];
              }[];
            }[];
          };
          for (const rs of payload.resourceSpans ?? []) {
            const serviceName =
              rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) {
                const attributes = Object.fromEntries(
                  (s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
                );
                spans.push({ serviceName, name: s.name, kind: s.kind, attributes });
              }
            }
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end(); // not JSON: the assertion on spans fails and says so
        }
      });
    });
    receiver.listen(0, '127.0.0.1');
    await new Promise((r) => receiver!.once('listening', r));
    const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    [main, broken] = await Promise.all([
      startSupervisor('main', [], {
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        VERITY_TRACING: 'on',
        OTEL_SDK_DISABLED: 'false',
      }),
      // ingest fails at once every time (a bad setting); the scorer is fine.
      startSupervisor('broken', ['--only', 'ingest,scorer'], {
        INGEST_PORT: '70000',
        VERITY_SUPERVISOR_MAX_CRASHES: '3',
        VERITY_SUPERVISOR_BACKOFF_BASE_MS: '100',
        VERITY_TRACING: 'off',
      }),
    ]);
    await until(
      'every service of the main supervisor ready',
      async () => ((await ops(main!, '/readyz').catch(() => undefined))?.ok ? true : undefined),
      75_000,
    );
  });

  after(async function () {
    this.timeout(60_000);
    for (const s of [main, broken])
      if (s && s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGKILL');
    // Whatever is left (a failed test): the children notice their supervisor is gone; then force.
    await until('no process of this test left', () => (marked(mark).length === 0 ? true : undefined), 40_000).catch(
      () => {
        for (const pid of marked(mark)) process.kill(pid, 'SIGKILL');
      },
    );
    await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
    for (const s of [main, broken]) if (s) rmSync(s.logDir, { recursive: true, force: true });
  });

  it('each service runs in its own process and tells its own name in its spans and only its own series in /metrics', async () => {
    const st = await status(main!);
    expect(st.services.map((s) => s.service).sort()).to.deep.equal(SERVICES);
    for (const s of st.services) expect(s, s.service).to.include({ state: 'running', ready: true, restarts: 0 });
    const pids = st.services.map((s) => s.pid);
    expect(new Set(pids).size, 'one process per service').to.equal(SERVICES.length);
    expect(pids).to.not.include(main!.process.pid);
    const port = (service: string) => st.services.find((s) => s.service === service)!.port!;

    // One failing job through ingest → decider → projector and remediator.
    const ingestUrl = `http://127.0.0.1:${port('ingest')}`;
    const project = `test/supervisor-${run}`;
    const pipelineId = randomUUID();
    const create = await api(
      ingestUrl,
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
    const failed = await api(
      ingestUrl,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/unit/reports?wait=20000`,
      {
        project_id: project,
        status: 'failed',
        failure_reason: 'script_failure',
        exit_code: 1,
        log_tail: 'FAIL src/app.test.ts\nERROR: Job failed: exit code 1',
      },
      { token: TOKENS.all },
    );
    expect(failed.status, JSON.stringify(failed.body)).to.equal(200);

    // Spans: every service exports its own resource. A consumer span belongs to the service whose group it names;
    // a SERVER span of a POST /v1/pipelines route to ingest. One process for all (the bug) named them all after one
    // service.
    const group = (s: ReceivedSpan) => String(s.attributes[MESSAGING.group] ?? '');
    const byGroup = (svc: string) => (s: ReceivedSpan) => new RegExp(`verity-${svc}($|-)`).test(group(s));
    const ingestRequest = (s: ReceivedSpan) => s.kind === SPAN_KIND_SERVER && s.name.startsWith('POST /v1/pipelines');
    await until(
      'spans of ingest, decider, projector and remediator',
      () => {
        const ok =
          spans.some(ingestRequest) && ['decider', 'projector', 'remediator'].every((svc) => spans.some(byGroup(svc)));
        return ok ? true : undefined;
      },
      30_000,
    );
    const names = new Set(spans.map((s) => s.serviceName));
    for (const svc of ['ingest', 'decider', 'projector', 'remediator'])
      expect([...names], 'service.name of the received resources').to.include(`verity-${svc}`);
    for (const s of spans.filter(ingestRequest))
      expect(s.serviceName, `SERVER span ${s.name}`).to.equal('verity-ingest');
    for (const svc of ['decider', 'projector', 'remediator', 'scorer']) {
      for (const s of spans.filter(byGroup(svc)))
        expect(s.serviceName, `span ${s.name} of group ${group(s)}`).to.equal(`verity-${svc}`);
    }

    // Metrics: on each service's port, the HTTP and event series are that service's only.
    const serviceLabels = (text: string) =>
      new Set(
        [
          ...text.matchAll(
            /^(?:verity_http_request_duration_seconds(?:_bucket|_count|_sum)|verity_events_total)\{[^}]*\bservice="([^"]+)"/gm,
          ),
        ].map((m) => m[1]),
      );
    for (const svc of SERVICES) {
      const text = await (await fetch(`http://127.0.0.1:${port(svc)}/metrics`)).text();
      expect([...serviceLabels(text)], `service labels on ${svc}'s /metrics`).to.deep.equal([svc]);
      expect(text, `${svc}'s /metrics`).to.not.contain('verity_supervisor_');
    }
    const ingestMetrics = await (await fetch(`${ingestUrl}/metrics`)).text();
    expect(ingestMetrics).to.match(
      /^verity_http_request_duration_seconds_count\{service="ingest",method="POST",route="\/v1\/pipelines",status="200"\} [1-9]/m,
    );
    expect(ingestMetrics).to.match(/^verity_events_total\{service="ingest",/m);
    expect(await (await fetch(`http://127.0.0.1:${port('decider')}/metrics`)).text()).to.match(
      /^verity_events_total\{service="decider",topic="[^"]*ci\.pipeline\.events\.v1",type="JobFailed"\} [1-9]/m,
    );
    // The supervisor's own port: its metrics and process metrics, no service's events.
    const own = await (await ops(main!, '/metrics')).text();
    expect(own).to.match(/^verity_supervisor_up\{service="ingest"\} 1$/m);
    expect(own).to.contain('process_resident_memory_bytes');
    expect(own).to.not.match(/^verity_events_total\{/m);
  });

  it('kill -9 of a child: the supervisor restarts it, it is ready again, /metrics and /status count it', async () => {
    const before = await serviceOf(main!, 'ingest');
    process.kill(before.pid!, 'SIGKILL');
    const after = await until(
      'ingest restarted and ready',
      async () => {
        const s = await serviceOf(main!, 'ingest');
        return s.restarts === 1 && s.state === 'running' && s.ready ? s : undefined;
      },
      40_000,
    );
    expect(after.pid).to.not.equal(before.pid);
    expect(after.last_exit).to.include({ signal: 'SIGKILL', code: null });
    const own = await (await ops(main!, '/metrics')).text();
    expect(own).to.match(/^verity_supervisor_restarts_total\{service="ingest"\} 1$/m);
    expect(own).to.match(/^verity_supervisor_restarts_total\{service="decider"\} 0$/m);
    expect(own).to.match(/^verity_supervisor_up\{service="ingest"\} 1$/m);
    // The new process serves: a pipeline through its (new) port.
    const created = await api(
      `http://127.0.0.1:${after.port}`,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        pipeline_id: randomUUID(),
        project_id: `test/supervisor-${run}`,
        ref: 'main',
        sha: SHA,
        definition: { stages: ['test'], jobs: [{ name: 'unit', stage: 'test' }] },
      },
      { token: TOKENS.all },
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    expect(readFileSync(after.log, 'utf8')).to.contain('exited (signal SIGKILL)');
    expect((await ops(main!, '/readyz')).status).to.equal(200);
  });

  it('a child that crashes at once every time is given up on after N crashes with a clear message; the others go on', async () => {
    const ingest = await until(
      'ingest given up',
      async () => {
        const s = await serviceOf(broken!, 'ingest');
        return s.state === 'failed' ? s : undefined;
      },
      45_000,
    );
    const log = join(broken!.logDir, 'ingest.log');
    expect(ingest).to.include({ restarts: 2, pid: null, ready: false, log });
    expect(ingest.last_exit).to.include({ code: 1, signal: null });
    expect(ingest.message).to.match(
      /^giving up on ingest: it crashed 3 times within 120 s .*the last time with exit code 1 .*its log: /,
    );
    expect(ingest.message).to.contain(log).and.to.contain('INGEST_PORT must be an integer');
    expect(broken!.stderr()).to.contain('giving up on ingest: it crashed 3 times');
    expect(readFileSync(log, 'utf8')).to.contain('giving up on ingest');
    const scorer: ServiceStatus = await until('the scorer ready', async () => {
      const s = await serviceOf(broken!, 'scorer');
      return s.ready ? s : undefined;
    });
    expect(scorer).to.include({ state: 'running', restarts: 0 });
    const ready = await ops(broken!, '/readyz');
    expect(ready.status).to.equal(503);
    expect(((await ready.json()) as { detail: string }).detail).to.match(/ingest: given up after 3 crashes/);
    const own = await (await ops(broken!, '/metrics')).text();
    expect(own).to.match(/^verity_supervisor_up\{service="ingest"\} 0$/m);
    expect(own).to.match(/^verity_supervisor_restarts_total\{service="ingest"\} 2$/m);
  });

  it('a supervisor killed by SIGKILL leaves no child behind: each notices and stops by itself', async () => {
    const scorer = await serviceOf(broken!, 'scorer');
    expect(alive(scorer.pid!)).to.equal(true);
    broken!.process.kill('SIGKILL');
    await exited(broken!.process);
    await until('the orphaned scorer to stop', () => (alive(scorer.pid!) ? undefined : true), 35_000);
    // Gracefully, and it could still log (its output is its log file, not a pipe to the dead supervisor).
    const json = (l: string): { msg?: string; part?: string } => {
      try {
        return JSON.parse(l) as { msg?: string; part?: string };
      } catch {
        return {}; // a line that is not a log record (a Node warning)
      }
    };
    const lines = readFileSync(scorer.log, 'utf8').trim().split('\n').map(json);
    const gone = lines.findIndex((l) => l.msg === 'the supervisor is gone: stopping');
    expect(gone, 'the scorer noticed').to.be.greaterThan(-1);
    expect(
      lines.slice(gone).some((l) => l.msg === 'stopped' && l.part === 'scorer'),
      'the scorer stopped gracefully',
    ).to.equal(true);
  });

  it('SIGTERM to the supervisor stops every child gracefully and leaves no process', async () => {
    const pids = (await status(main!)).services.map((s) => s.pid!);
    for (const pid of pids) expect(alive(pid)).to.equal(true);
    main!.process.kill('SIGTERM');
    const { code } = await exited(main!.process, 45_000);
    expect(code, main!.stderr().slice(-2000)).to.equal(0);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).to.equal(false);
    for (const svc of SERVICES)
      expect(readFileSync(join(main!.logDir, `${svc}.log`), 'utf8')).to.contain(`${svc} stopped (exit code 0)`);
    // Their helpers (tsx's esbuild) end when their parent's pipe closes: a moment later at most.
    if (existsSync('/proc/self/environ'))
      await until('no process of this test left', () => (marked(mark).length === 0 ? true : undefined), 5000);
  });
});
