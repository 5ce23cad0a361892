import { expect } from 'chai';
import { exitText, formatStatus, lastLine, type ServiceStatus, type SupervisorStatus } from './status.js';

const base: ServiceStatus = {
  service: 'ingest',
  state: 'running',
  pid: 101,
  port: 8090,
  restarts: 0,
  uptime_s: 12,
  last_exit: null,
  restart_in_s: null,
  ready: true,
  reason: null,
  message: null,
  log: '/srv/verity/.data/verity/logs/ingest.log',
};

describe('supervisor status', () => {
  const rows: [string, Partial<ServiceStatus>, RegExp][] = [
    [
      'ready',
      {},
      /^ {2}ingest {5}running {2}pid 101 {5}:8090 {2}restarts 0 {2}ready {3}log \.data\/verity\/logs\/ingest\.log$/,
    ],
    [
      'not ready: the child’s own reason',
      { service: 'projector', port: 8093, ready: false, reason: 'stalled: ci.pipeline.events.v1[3]', restarts: 2 },
      /projector .* restarts 2 +not ready: stalled: ci\.pipeline\.events\.v1\[3\] +log /,
    ],
    [
      'in backoff',
      { state: 'backoff', pid: null, ready: false, reason: 'restarting in 2.0 s after signal SIGKILL' },
      /backoff +pid - .* not ready: restarting in 2\.0 s after signal SIGKILL/,
    ],
    [
      'given up',
      {
        state: 'failed',
        pid: null,
        ready: false,
        restarts: 4,
        reason: 'given up after 5 crashes within 120 s; last: exit code 1',
      },
      /failed +pid - +:8090 +restarts 4 +given up after 5 crashes within 120 s; last: exit code 1 +log /,
    ],
    [
      'starting, port not known yet',
      { state: 'starting', port: null, ready: false, reason: 'starting' },
      /starting pid 101 +:- +restarts 0 +not ready: starting/,
    ],
  ];
  for (const [name, patch, line] of rows) {
    it(`one line per service: ${name}`, () => {
      const status: SupervisorStatus = {
        supervisor: { pid: 7, port: 8089, uptime_s: 30, stopping: false, log_dir: '/x' },
        services: [{ ...base, ...patch }],
      };
      const lines = formatStatus(status, '/srv/verity/');
      expect(lines[0]).to.equal('verity     supervisor pid 7 :8089, up 30s');
      expect(lines[1]).to.match(line);
    });
  }

  it('a log outside the working directory keeps its full path', () => {
    const status: SupervisorStatus = {
      supervisor: { pid: 7, port: 8089, uptime_s: 30, stopping: true, log_dir: '/x' },
      services: [base],
    };
    expect(formatStatus(status, '/elsewhere')).to.satisfy(
      (l: string[]) =>
        l[0]!.endsWith('(stopping), up 30s') && l[1]!.endsWith('log /srv/verity/.data/verity/logs/ingest.log'),
    );
  });

  it('exitText names the signal, else the code', () => {
    expect([
      exitText({ code: 1, signal: null }),
      exitText({ code: null, signal: 'SIGKILL' }),
      exitText({ code: null, signal: null }),
    ]).to.deep.equal(['exit code 1', 'signal SIGKILL', 'exit code ?']);
  });

  const tails: [string, string][] = [
    ['plain\ntext error\n', 'text error'],
    [
      `{"level":60,"msg":"ingest failed to start: INGEST_PORT must be an integer"}\n`,
      'ingest failed to start: INGEST_PORT must be an integer',
    ],
    [`{"level":50,"msg":"request failed","err":{"message":"boom"}}`, 'request failed: boom'],
    ['x'.repeat(400), `${'x'.repeat(300)}…`],
    ['', ''],
    [
      `{"level":60,"service":"ingest","msg":"ingest failed to start: boom"}\n{"level":40,"service":"supervisor","msg":"supervisor: ingest exited"}\n`,
      'ingest failed to start: boom',
    ],
  ];
  for (const [tail, line] of tails)
    it(`lastLine(${JSON.stringify(tail.slice(0, 30))})`, () => expect(lastLine(tail)).to.equal(line));
});
