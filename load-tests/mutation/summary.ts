// After `make mutation` (MUTATE=<globs> in the environment when the run was narrowed to them): the mutation score of every module issue 19 names (modules.ts) and of every file,
// from StrykerJS's JSON report (load-tests/results/mutation/mutation.json, with the HTML report beside it;
// both left out of git for their size), into load-tests/results/mutation.{json,md} and a HISTORY.md row.
// Narrowed runs add up: the files this run mutated take its counts, the files of earlier runs keep theirs
// (each with its date and command; modules.ts mergeMeasured).
// The committed mutation.json is what load-tests/mutation/floors.test.ts holds to the floors in floors.json.
//
//   npx tsx load-tests/mutation/summary.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { resultsDir, writeResults } from '../result-files.js';
import { countsByFile, mergeMeasured, moduleScore, MODULES, type MeasuredCounts } from './modules.js';

const reportFile = join(resultsDir(), 'mutation', 'mutation.json');
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Parameters<typeof countsByFile>[0];
const scope = process.env.MUTATE;
const command = scope ? `make mutation MUTATE='${scope}'` : 'make mutation';
const date = new Date().toISOString();
const committedFile = join(resultsDir(), 'mutation.json');
const committed = existsSync(committedFile)
  ? (JSON.parse(readFileSync(committedFile, 'utf8')) as {
      date: string;
      command: string;
      files: Record<string, MeasuredCounts>;
    })
  : undefined;
// Results of before 2026-12-07 have no date per file: the run's.
const previous = Object.fromEntries(
  Object.entries(committed?.files ?? {}).map(([path, c]) => [
    path,
    { ...c, measured: c.measured ?? committed!.date, command: c.command ?? committed!.command },
  ]),
);
const byFile = mergeMeasured(previous, countsByFile(report, REPO_ROOT.replace(/\/$/, '')), date, command, (path) =>
  existsSync(join(REPO_ROOT, path)),
);
const modules = MODULES.map((m) => ({ module: m.name, target: m.target, ...moduleScore(m, byFile) }));
const pct = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)}%`);
const files = Object.entries(byFile)
  .map(([path, c]) => ({ path, ...c, ...moduleScore({ name: path, paths: [path], target: 0 }, { [path]: c }) }))
  .sort((a, b) => (a.score ?? 101) - (b.score ?? 101));
const md = [
  '# Mutation testing (StrykerJS) of the pure core',
  '',
  `Command: \`make mutation\` (StrykerJS over \`services/lib/core\`, or over the files of \`MUTATE=<globs>\`, with their unit tests, mocha runner, TypeScript checker; stryker.config.json), then \`npx tsx load-tests/mutation/summary.ts\`. Score = (killed + timeout) ÷ (killed + timeout + survived + no coverage); static mutants ignored. The HTML report is load-tests/results/mutation/mutation.html (not in git).`,
  '',
  `This run: \`${command}\`, ${date.slice(0, 16).replace('T', ' ')} UTC. Runs add up: each file below has the counts of the last run that mutated it (its date in the table); a module scores the files measured so far (the files column).`,
  '',
  '| module | files | killed | timeout | survived | no coverage | score | target |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...modules.map(
    (m) =>
      `| ${m.module} | ${m.files} | ${m.killed} | ${m.timeout} | ${m.survived} | ${m.no_coverage} | ${pct(m.score)} | ${m.target}% ${m.score === null ? 'not measured' : m.score >= m.target ? 'met' : '**not met**'} |`,
  ),
  '',
  '## Files, lowest score first',
  '',
  '| file | killed | timeout | survived | no coverage | score | measured |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...files.map(
    (f) =>
      `| ${f.path} | ${f.killed} | ${f.timeout} | ${f.survived} | ${f.no_coverage} | ${pct(f.score)} | ${f.measured.slice(0, 16).replace('T', ' ')} |`,
  ),
  '',
].join('\n');
writeResults('mutation', date, { command, scope: scope ?? null, modules, files: byFile }, md);
