// The `verity` program in-process (commander with exitOverride and captured output): what each command
// line parses to, what is refused (exit 2, naming the option), and help in every form (exit 0).
import { expect } from 'chai';
import type { Command } from 'commander';
import { parse } from './parse-harness.js';
import { buildProgram } from './program.js';

// What `verity up` runs by default: every service but the exporter, which needs EXPORTER_SINK_URL.
const ALL_SERVICES = [
  'decider',
  'ingest',
  'projector',
  'query',
  'remediator',
  'scorer',
  'timer',
  'coordinator',
  'fetcher',
];

describe('verity: parsing', () => {
  const valid: [string[], string, unknown][] = [
    [['topics'], 'topics list', {}],
    [['topics', 'apply'], 'topics apply', {}],
    [
      ['topics', 'tail', 'ci.pipeline.events.v1', '--from-beginning', '--max', '2'],
      'topics tail',
      { topic: 'ci.pipeline.events.v1', fromBeginning: true, max: 2, partition: undefined, timeout: undefined },
    ],
    [
      ['topics', 'tail', 'ci.intake.v1.dlq', '--partition=0', '--timeout', '1.5'],
      'topics tail',
      { topic: 'ci.intake.v1.dlq', fromBeginning: false, max: undefined, partition: 0, timeout: 1.5 },
    ],
    [['schemas', 'check'], 'schemas check', {}],
    [['migrate'], 'migrate', {}],
    [['demo'], 'demo', { seconds: 60, rate: 150, seed: 42 }],
    [['demo', '--seconds', '5', '--rate=20', '--seed', '7'], 'demo', { seconds: 5, rate: 20, seed: 7 }],
    [['up'], 'up', { services: ALL_SERVICES }],
    [['up', '--only', 'scorer, ingest'], 'up', { services: ['ingest', 'scorer'] }],
    [['status', '--json'], 'status', { json: true }],
    [['decider'], 'decider', {}],
    [['rebuild', '--keep-old'], 'rebuild', { keepOld: true }],
    [['replay', '--into', 'x'], 'replay', { into: 'x', from: undefined, to: undefined, reset: false }],
    [
      ['replay', '--into=x', '--from', '0:3', '--to', '17', '--reset'],
      'replay',
      { into: 'x', from: '0:3', to: '17', reset: true },
    ],
    [['dlq', 'redrive', 'ci.intake.v1'], 'dlq redrive', { topic: 'ci.intake.v1' }],
    [['setup'], 'setup', { timeout: 180 }],
    [['stack', 'wait', 'kafka', '--timeout', '5'], 'stack wait', { timeout: 5, deps: ['kafka'] }],
    [['stack', 'wait'], 'stack wait', { timeout: 180, deps: [] }],
  ];
  for (const [args, command, opts] of valid) {
    it(`verity ${args.join(' ')} → ${command} ${JSON.stringify(opts)}`, async () => {
      const r = await parse(args);
      expect(r.stderr).to.equal('');
      expect([r.code, r.command, r.opts]).to.deep.equal([0, command, opts]);
    });
  }

  it('takes demo defaults from DEMO_SECONDS, DEMO_RATE and DEMO_SEED (empty: the default)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DEMO_SECONDS: '3', DEMO_RATE: '', DEMO_SEED: '9' });
    try {
      expect((await parse(['demo'])).opts).to.deep.equal({ seconds: 3, rate: 150, seed: 9 });
      expect((await parse(['demo', '--seconds', '4'])).opts).to.deep.include({ seconds: 4 });
    } finally {
      for (const k of ['DEMO_SECONDS', 'DEMO_RATE', 'DEMO_SEED']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  const refused: [string[], RegExp][] = [
    [['nope'], /unknown command 'nope'/],
    [['topics', 'nope'], /unknown option|too many arguments|unknown command/],
    [['topics', 'tail'], /missing required argument 'topic'/],
    [['topics', 'tail', 'ci.intake.v1', '--max', '0'], /'--max <n>' argument '0' is invalid/],
    [['topics', 'tail', 'ci.intake.v1', '--partition', '-1'], /'--partition <p>' argument '-1' is invalid/],
    [['topics', 'tail', 'ci.intake.v1', '--follow'], /unknown option '--follow'/],
    [['demo', '--sconds', '5'], /unknown option '--sconds'[\s\S]*Did you mean --seconds\?/],
    [['demo', '--seconds', 'abc'], /option '--seconds <n>' argument 'abc' is invalid/],
    [['demo', '--rate', '0'], /option '--rate <reports\/s>' argument '0' is invalid/],
    [['up', '--only', 'ingest,nope'], /option '--only <services>' argument 'ingest,nope' is invalid.*unknown: nope/],
    [['status', '--jsn'], /unknown option '--jsn'/],
    [['ingest', '--port', '1'], /unknown option '--port'/],
    [['migrate', 'now'], /too many arguments/],
    [['rebuild', '--keep'], /unknown option '--keep'/],
    [['replay'], /required option '--into <name>' not specified/],
    [['replay', '--into', 'x', '--from', 'yesterday'], /option '--from <bound>' argument 'yesterday' is invalid/],
    [['dlq'], /Usage: verity dlq/],
    [['dlq', 'redrive'], /missing required argument 'topic'/],
    [['schemas'], /Usage: verity schemas/],
    [['setup', '--timeout', 'soon'], /option '--timeout <seconds>' argument 'soon' is invalid/],
    [['stack', 'wait', 'zookeeper'], /value 'zookeeper' is invalid for argument 'services'/],
    [['help', 'topics', 'nope'], /unknown command 'topics nope'/],
    [[], /Usage: verity <command>/],
  ];
  for (const [args, message] of refused) {
    it(`refuses verity ${args.join(' ')} (exit 2)`, async () => {
      const r = await parse(args);
      expect(r.stderr).to.match(message);
      expect([r.code, r.command]).to.deep.equal([2, undefined]);
    });
  }
});

/** Every command and subcommand, as paths ('topics tail'), without the help command. */
function commandPaths(cmd: Command = buildProgram({ invoke: async () => undefined }), path: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...path, c.name()], ...commandPaths(c, [...path, c.name()])]);
}

describe('verity: help', () => {
  const paths = commandPaths();

  it('knows every command', () => {
    const names = paths.map((p) => p.join(' '));
    const expected = ['topics apply', 'topics list', 'topics tail', 'schemas apply', 'schemas check', 'dlq redrive'];
    expected.push('stack wait', 'replay', 'experiment', 'rebuild', 'demo', 'up', 'status', 'setup', 'migrate');
    expect(names).to.include.members([...expected, ...ALL_SERVICES]);
  });

  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`verity ${args.join(' ')} lists every command (exit 0)`, async () => {
      const r = await parse(args);
      expect(r.code).to.equal(0);
      for (const [name] of paths) expect(r.stdout).to.match(new RegExp(`^  ${name}\\b`, 'm'));
    });
  }

  for (const path of paths) {
    const forms = [
      ['help', ...path],
      [...path, '--help'],
      [...path, '-h'],
    ];
    if (path.length === 2) forms.push([path[0]!, 'help', path[1]!]);
    for (const args of forms) {
      it(`verity ${args.join(' ')} (exit 0)`, async () => {
        const r = await parse(args);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.contain(`Usage: verity ${path.join(' ')}`);
        expect(r.command).to.equal(undefined);
      });
    }
  }

  it('says what each option does and its default', async () => {
    const demo = (await parse(['help', 'demo'])).stdout;
    expect(demo).to.match(/--seconds <n>\s+how long to send traffic \(default: 60, env: DEMO_SECONDS\)/);
    const tail = (await parse(['topics', 'tail', '--help'])).stdout;
    expect(tail).to.match(/--timeout <seconds>\s+stop after this many seconds \(default: follow until SIGINT\)/);
    expect(tail).to.contain('ci.pipeline.events.v1.dlq');
  });
});

describe('verity up: the default services', () => {
  it('runs the exporter only when it has a sink (EXPORTER_SINK_URL)', async () => {
    const { defaultServices } = await import('./commands/serve.js');
    expect(defaultServices({})).to.deep.equal(ALL_SERVICES);
    expect(defaultServices({ EXPORTER_SINK_URL: 'http://127.0.0.1:9/sink' })).to.deep.equal([
      ...ALL_SERVICES,
      'exporter',
    ]);
  });
});
