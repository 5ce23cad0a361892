// The results of a suite run: bench.json (every run, figure, measurement and target verdict), bench.md
// (the targets table, the measurements table, the runs, what failed and what the suite does not run) and
// its two charts, bench-throughput.svg and bench-lag.svg (result-charts.ts), for writeResults to write.
import { fmt } from '../../format.js';
import { machine } from '../../lib.js';
import type { codeState } from '../../result-files.js';
import type { Figures, Num } from '../figures.js';
import { lagChart, throughputChart } from '../result-charts.js';
import type { Measurement } from './measurements.js';
import { latestFootprint, latestSoak } from './not-run.js';
import type { Run } from './runner.js';
import { PROFILE } from './specs.js';
import type { Target } from './targets.js';

/** What the suite measured, as it stands after its last benchmark. */
export interface SuiteRun {
  started: Date;
  wallS: number;
  code: ReturnType<typeof codeState>;
  loadStart: number[];
  loadEnd: number[];
  runs: Map<string, Run>;
  f: Figures;
  table: Measurement[];
  goals: Target[];
}

/** The charts' files, written by writeResults beside bench.md. */
export const CHART_FILES = { throughput: 'bench-throughput.svg', lag: 'bench-lag.svg' };

const cell = (v: Num) => (v === null ? '—' : fmt(v));
const metCell = (m: boolean | null) => (m === true ? '**met**' : m === false ? '**not met**' : 'n/a');

/** bench.json, bench.md and the charts of a suite run. */
export function suiteResults({ started, wallS, code, loadStart, loadEnd, runs, f, table, goals }: SuiteRun) {
  const [commit, dirty] = [code.commit, code.uncommitted_changes];
  const failed = [...runs.values()].filter((r) => r.status === 'failed');
  const date = started.toISOString();
  const where = machine('Kafka, registry, Postgres, the services under test and the load drivers');
  const note =
    process.env.BENCH_NOTE ??
    'The machine is shared: other sessions may run tests and builds at the same time (see the load averages); absolute numbers are context, ratios to baselines measured in the same run are the result.';
  const footprint = latestFootprint();
  const subtitle = `${PROFILE} profile, ${date.slice(0, 16).replace('T', ' ')} UTC, commit ${commit.slice(0, 8)}; ${where.split(';')[0]}`;

  const json = {
    date,
    profile: PROFILE,
    command: `BENCH_PROFILE=${PROFILE} npx tsx load-tests/bench/run.ts`,
    wall_s: wallS,
    machine: where,
    load_average: { start: loadStart, end: loadEnd },
    context: note,
    git: code,
    ok: failed.length === 0,
    failed: failed.map((r) => r.name),
    targets: goals,
    measurements: table,
    figures: f,
    benchmarks: [...runs.values()],
    not_run: {
      stack_footprint: {
        why: 'load-tests/stack-footprint.sh stops and restarts the stack; run it by itself',
        latest: footprint,
      },
      soak: { why: 'a separate command: make soak (load-tests/bench/soak.ts)', latest: latestSoak()?.file ?? null },
    },
    charts: {
      throughput: `load-tests/results/${CHART_FILES.throughput}`,
      lag: `load-tests/results/${CHART_FILES.lag}`,
    },
  };

  const md = [
    `# Benchmark suite — ${date}`,
    '',
    `Profile **${PROFILE}** (\`BENCH_PROFILE=${PROFILE} npx tsx load-tests/bench/run.ts\`, whole run ${Math.floor(wallS / 60)} min ${wallS % 60} s). Machine: ${where}. Code: commit \`${commit.slice(0, 12)}\`${dirty ? ` with ${dirty} uncommitted change(s) in the tree` : ''}. Load average (1/5/15 min) ${loadStart.join(' / ')} at the start, ${loadEnd.join(' / ')} at the end. ${note}`,
    '',
    ...(PROFILE === 'quick'
      ? [
          'The **quick** profile runs small sizes to check that everything works: a raw consume of a few thousand records takes milliseconds, so ratios to raw consume, and targets stated at 1M events or 10M job rows, are indicative only; `BENCH_PROFILE=full` gives the verdict.',
          '',
        ]
      : []),
    failed.length
      ? `**${failed.length} benchmark(s) failed: ${failed.map((r) => r.name).join(', ')}** (details below).`
      : 'Every benchmark ran to completion.',
    '',
    '## QUALITY.md targets',
    '',
    '| what | metric | value | ratio | target | met | note |',
    '| --- | --- | ---: | ---: | --- | --- | --- |',
    ...goals.map(
      (g) =>
        `| ${g.what} | ${g.metric} | ${cell(g.value)} | ${cell(g.ratio)} | ${g.target} | ${metCell(g.met)} | ${[g.reason, g.note].filter(Boolean).join('; ')} |`,
    ),
    '',
    '## Every benchmark, with its baseline measured in the same run',
    '',
    '| benchmark | metric | value | unit | baseline (same run) | ratio | target |',
    '| --- | --- | ---: | --- | --- | ---: | --- |',
    ...table.map(
      (m) =>
        `| ${m.bench} | ${m.metric} | ${cell(m.value)} | ${m.unit} | ${m.baseline} | ${cell(m.ratio)} | ${m.target} |`,
    ),
    '',
    '## Runs',
    '',
    '| benchmark | command | status | wall s | load avg 1 min before → after | results file |',
    '| --- | --- | --- | ---: | --- | --- |',
    ...[...runs.values()].map(
      (r) =>
        `| ${r.name} | \`${r.command}\` | ${r.status}${r.reason ? ` (${r.reason})` : ''} | ${r.wall_s} | ${r.load_avg_1m[0]} → ${r.load_avg_1m[1]} | ${r.results_file ? `\`${r.results_file}\`${r.results_file_restored ? ' (reference file: read, then put back as it was; BENCH_KEEP_FIXED=1 keeps the new one)' : ''}` : '—'} |`,
    ),
    '',
    ...failed.flatMap((r) => [`### ${r.name} failed: ${r.reason}`, '', '```', ...r.stderr_tail.slice(-15), '```', '']),
    '## Not run by the suite',
    '',
    `- Stack footprint (\`load-tests/stack-footprint.sh\`): it stops and restarts the stack. Latest recorded: ${footprint ? `\`${JSON.stringify(footprint)}\`` : 'none'}.`,
    `- Memory soak (\`make soak\`, load-tests/bench/soak.ts): ${latestSoak()?.file ?? 'no result yet'}.`,
    '',
    '## Charts',
    '',
    `![throughput per stage](${CHART_FILES.throughput})`,
    '',
    `![lag against load](${CHART_FILES.lag})`,
    '',
  ].join('\n');

  const charts = { throughput: throughputChart(f, subtitle, PROFILE === 'quick'), lag: lagChart(f, subtitle) };
  return { json, md, charts };
}
