// One current result per benchmark, overwritten by each run, and one HISTORY.md row per run.
//   VERITY_TEST_STACK=none npx mocha load-tests/result-files.test.ts
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyRow, writeResults } from './result-files.js';

const rebuildRun = (perS: number) => ({
  machine: '2 cores (Xeon), 24 GiB; Kafka, registry, Postgres and the benchmark on the same machine',
  rows: [
    { what: 'raw_consume', per_s: 80_000 },
    { what: 'rebuild', per_s: perS, events: 1_000_000 },
  ],
});

describe('load-tests: result files and HISTORY.md', () => {
  let dir: string;
  const env = { dir: process.env.BENCH_RESULTS_DIR, profile: process.env.BENCH_PROFILE };
  const quiet = console.log;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'verity-results-'));
    process.env.BENCH_RESULTS_DIR = dir;
    delete process.env.BENCH_PROFILE;
    console.log = () => undefined; // writeResults prints the Markdown
  });
  afterEach(() => {
    console.log = quiet;
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of [
      ['BENCH_RESULTS_DIR', env.dir],
      ['BENCH_PROFILE', env.profile],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('overwrites <bench>.json, .md and its charts; appends one history row per run under one header', () => {
    writeResults('rebuild', '2026-12-01T10:00:00.000Z', rebuildRun(8000), '# first\n', { speed: '<svg/>' });
    process.env.BENCH_PROFILE = 'quick';
    writeResults('rebuild', '2026-12-02T11:30:00.000Z', rebuildRun(12_000), '# second\n', { speed: '<svg>2</svg>' });
    const files = ['HISTORY.md', 'rebuild-speed.svg', 'rebuild.json', 'rebuild.md'];
    expect(readdirSync(dir).sort()).to.deep.equal(files);
    const json = JSON.parse(readFileSync(join(dir, 'rebuild.json'), 'utf8')) as Record<string, unknown>;
    expect(json.date).to.equal('2026-12-02T11:30:00.000Z');
    expect(json.profile).to.equal('quick');
    expect(json.git).to.have.keys('commit', 'uncommitted_changes');
    expect(readFileSync(join(dir, 'rebuild.md'), 'utf8')).to.equal('# second\n');
    expect(readFileSync(join(dir, 'rebuild-speed.svg'), 'utf8')).to.equal('<svg>2</svg>');
    const history = readFileSync(join(dir, 'HISTORY.md'), 'utf8').split('\n');
    expect(history.filter((l) => l.startsWith('# Benchmark history'))).to.have.length(1);
    const rows = history.filter((l) => l.startsWith('| 2026-'));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.include('| 2026-12-01 10:00 | rebuild |').and.include('| standalone |');
    expect(rows[0]).to.include('rebuild 8,000 events/s (1,000,000 events)').and.include('0.10× raw consume');
    expect(rows[1]).to.include('| 2026-12-02 11:30 | rebuild |').and.include('| quick |');
    expect(rows[1]).to.include('0.15× raw consume');
    expect(rows[1]).to.match(/\| 2 cores \(Xeon\), 24 GiB \|$/);
  });

  it('a row says what a result does not record, and escapes pipes in its cells', () => {
    const row = historyRow('log-excerpt-recall', { results: [] }, '≤ 2026-11-28 05:53');
    const cells = ['≤ 2026-11-28 05:53', 'log-excerpt-recall', 'not recorded', 'not recorded'];
    cells.push('excerpt recall — at 16,000 B (— logs)', '— a plain tail (—)', 'not recorded');
    expect(row).to.equal(`| ${cells.join(' | ')} |`);
    const routes = [{ name: 'a|b', api: { p99_ms: 10 }, p99_ratio_api_over_sql: 2 }];
    const query = { date: '2026-11-28T06:36:58Z', results: routes };
    expect(historyRow('query', query)).to.include('worst API p99 10 ms (a\\|b) over 1 routes');
    const unknown = historyRow('unknown-bench', { date: '2026-11-28T06:36:58Z' });
    expect(unknown).to.include('| unknown-bench | not recorded | not recorded | — | — |');
  });
});
