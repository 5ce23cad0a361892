// After `make mutation` (MUTATE=<globs> in the environment when the run was narrowed to them): the mutation score of every module issue 19 names (modules.ts) and of every file,
// from StrykerJS's JSON report (load-tests/results/mutation/mutation.json, with the HTML report beside it;
// both left out of git for their size), into load-tests/results/mutation.{json,md} and a HISTORY.md row.
// The committed mutation.json is what load-tests/mutation/floors.test.ts holds to the floors in floors.json.
//
//   npx tsx load-tests/mutation/summary.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { resultsDir, writeResults } from '../result-files.js';
import { countsByFile, moduleScore, MODULES } from './modules.js';

const reportFile = join(resultsDir(), 'mutation', 'mutation.json');
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Parameters<typeof countsByFile>[0];
const byFile = countsByFile(report, REPO_ROOT.replace(/\/$/, ''));
const modules = MODULES.map((m) => ({ module: m.name, target: m.target, ...moduleScore(m, byFile) }));
const pct = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)}%`);
const files = Object.entries(byFile)
  .map(([path, c]) => ({ path, ...c, ...moduleScore({ name: path, paths: [path], target: 0 }, { [path]: c }) }))
  .sort((a, b) => (a.score ?? 101) - (b.score ?? 101));
const scope = process.env.MUTATE;
const command = scope ? `make mutation MUTATE='${scope}'` : 'make mutation';
const md = [
  '# Mutation testing (StrykerJS) of the pure core',
  '',
  `Command: \`${command}\` (StrykerJS over ${scope ? 'the files named' : '`services/lib/core`'}, their unit tests, mocha runner, TypeScript checker; stryker.config.json), then \`npx tsx load-tests/mutation/summary.ts\`. Score = (killed + timeout) ÷ (killed + timeout + survived + no coverage); static mutants ignored. The HTML report is load-tests/results/mutation/mutation.html (not in git).`,
  ...(scope
    ? [
        '',
        '**A narrowed run:** a module scores only its files mutated in this run (the files column); the others are not measured here.',
      ]
    : []),
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
  '| file | killed | timeout | survived | no coverage | score |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...files.map(
    (f) => `| ${f.path} | ${f.killed} | ${f.timeout} | ${f.survived} | ${f.no_coverage} | ${pct(f.score)} |`,
  ),
  '',
].join('\n');
writeResults('mutation', new Date().toISOString(), { command, scope: scope ?? null, modules, files: byFile }, md);
