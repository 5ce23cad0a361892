// The benchmark suite (issue 6, `make bench`): runs every benchmark of QUALITY.md in sequence, each in
// its own child process (`npx tsx …`, environment inherited) with its baseline measured in the same
// run, then writes load-tests/results/bench.json and .md (every measurement with its ratio, the
// QUALITY.md targets met / not met) and two SVG charts: bench-throughput.svg (msgs/s per stage beside
// its raw Kafka baseline) and bench-lag.svg (end-to-end lag p50/p99 at 25% and 75% load). Like every
// benchmark's, these are the current result, overwritten by the next run; each run also appends a row
// to load-tests/results/HISTORY.md (load-tests/result-files.ts). So does each benchmark it runs: a quick
// run replaces the current full-size results of the benchmarks it runs (their HISTORY.md rows remain).
//
//   BENCH_PROFILE=quick npx tsx load-tests/bench/run.ts     small sizes, ~5–8 minutes on a 2-core box
//   BENCH_PROFILE=full  npx tsx load-tests/bench/run.ts     the sizes the issues name (default; ~1 hour,
//                                                           most of it seeding 10M job rows and 1M events)
// Env: BENCH_ONLY=write-side,rebuild (run only these), BENCH_SKIP=query, BENCH_NOTE="…" (context written
// into the results, e.g. what else ran on the machine), BENCH_KEEP_FIXED=1 (see below). A size variable
// already set in the environment (BENCH_PIPELINES, BENCH_EVENTS, BENCH_JOBS, …) wins over the profile's.
//
// Measurements come from the results file each benchmark just wrote (load-tests/results/<name>.json,
// modified after the child started and holding a row it printed), else from the JSON lines it printed on
// stdout. A benchmark that fails is recorded (exit code, last stderr lines) and the others still run; the
// suite then exits 1. The log-excerpt results (log-excerpt-recall.json, log-excerpt-evidence.json) are the
// repository's reference results over the whole data set: the suite reads the new ones and puts the old
// ones back (BENCH_KEEP_FIXED=1 leaves the new ones; the runs' HISTORY.md rows stay either way).
// Not run here: load-tests/stack-footprint.sh (it stops and restarts the stack; its latest recorded
// line is reported) and the soak (`make soak`, load-tests/bench/soak.ts; its latest result is reported).
//
// The parts: suite/specs.ts (what it runs, per profile), suite/runner.ts (one benchmark in a child
// process), suite/read-figures.ts, measurements.ts and targets.ts (the figures, the table and the
// verdicts), suite/not-run.ts (the soak and footprint results it reports) and suite/report.ts (the files).
import { loadavg } from 'node:os';
import { codeState, writeResults } from '../result-files.js';
import { measurements } from './suite/measurements.js';
import { figures } from './suite/read-figures.js';
import { CHART_FILES, suiteResults } from './suite/report.js';
import { progress, RESULTS, runOne, shown, type Run } from './suite/runner.js';
import { PROFILE, selectedSpecs } from './suite/specs.js';
import { targets } from './suite/targets.js';

async function main(): Promise<void> {
  const specs = selectedSpecs();
  const started = new Date();
  const code = codeState();
  const [commit, dirty] = [code.commit, code.uncommitted_changes];
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  progress(
    `profile ${PROFILE}: ${specs.map((s) => s.name).join(', ')}; commit ${commit.slice(0, 12)} (${dirty} uncommitted changes); load average ${loadStart.join(' ')}`,
  );

  const runs = new Map<string, Run>();
  for (const spec of specs) runs.set(spec.name, await runOne(spec));

  const wallS = Math.round((Date.now() - started.getTime()) / 1000);
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const f = figures(runs);
  const table = measurements(f, runs);
  const goals = targets(f, runs);
  const { json, md, charts } = suiteResults({ started, wallS, code, loadStart, loadEnd, runs, f, table, goals });

  for (const m of table) console.log(JSON.stringify({ what: 'measurement', ...m }));
  for (const { what: row, ...g } of goals) console.log(JSON.stringify({ what: 'target', row, ...g }));
  writeResults('bench', json.date, json, md, charts);
  progress(
    `wrote bench.json, .md, ${CHART_FILES.throughput}, ${CHART_FILES.lag} and a HISTORY.md row in ${shown(RESULTS)}`,
  );
  process.exitCode = json.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
