// A quick rerun of the mutants that matter after tests were written for survivors: StrykerJS's incremental mode
// reruns every mutant a changed test file covers (most of them, once 40 test files changed), so instead mutate
// only the lines where mutants survived, plus whole files whose source changed, and merge per mutant.
//
//   npx tsx load-tests/mutation/rerun.ts lines <base.json> <changed,files> <scope>...   → the --mutate list
//   npx stryker run --mutate "$(that list)"                                            (writes mutation.json)
//   npx tsx load-tests/mutation/rerun.ts merge <base.json> <changed,files> <scope>...   → mutation.json merged
//   npx tsx load-tests/mutation/summary.ts
//
// <base.json>: the earlier full report (StrykerJS JSON) of the scope; <scope>: path fragments of the files
// that run measured (e.g. pipeline/ coordination/). merge writes, for every file of the scope, the base's
// mutants with the rerun's status wherever the rerun tested the same mutant (same place, mutator and
// replacement), and a changed file's mutants from the rerun only.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir } from '../result-files.js';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  [k: string]: unknown;
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[]; [k: string]: unknown }>;
  [k: string]: unknown;
}

const [command, baseFile, changedList, ...scopes] = process.argv.slice(2);
if ((command !== 'lines' && command !== 'merge') || !baseFile || changedList === undefined || scopes.length === 0) {
  console.error('usage: rerun.ts lines|merge <base.json> <changed,files> <scope>...');
  process.exit(2);
}
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;
const base = read(baseFile);
const changed = new Set(changedList.split(',').filter(Boolean));
const relative = (path: string) => path.replace(/^.*?(services\/lib\/core\/)/, '$1');
const inScope = (path: string) => scopes.some((s) => relative(path).includes(s));
const open = (m: Mutant) => m.status === 'Survived' || m.status === 'NoCoverage';
const key = (m: Mutant) =>
  `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;

if (command === 'lines') {
  const list = [...changed];
  for (const [path, f] of Object.entries(base.files)) {
    if (!inScope(path) || changed.has(relative(path))) continue;
    const lines = [...new Set(f.mutants.filter(open).map((m) => m.location.start.line))].sort((a, b) => a - b);
    let start = -1;
    lines.forEach((line, i) => {
      if (start < 0) start = line;
      if (lines[i + 1] !== line + 1) {
        list.push(`${relative(path)}:${start}-${line}`);
        start = -1;
      }
    });
  }
  console.log(list.join(','));
} else {
  const reportFile = join(resultsDir(), 'mutation', 'mutation.json');
  const rerun = read(reportFile);
  const rerunOf = new Map(Object.entries(rerun.files).map(([path, f]) => [relative(path), f]));
  const files: Report['files'] = {};
  let replaced = 0;
  for (const [path, f] of Object.entries(base.files)) {
    if (!inScope(path)) continue;
    const again = rerunOf.get(relative(path));
    if (changed.has(relative(path))) {
      if (!again) throw new Error(`${relative(path)} changed but the rerun did not mutate it`);
      files[path] = again;
      continue;
    }
    const statusOf = new Map((again?.mutants ?? []).map((m) => [key(m), m]));
    files[path] = {
      ...f,
      mutants: f.mutants.map((m) => {
        const r = statusOf.get(key(m));
        if (r) replaced++;
        return r ?? m;
      }),
    };
  }
  writeFileSync(reportFile, JSON.stringify({ ...rerun, files }));
  console.log(`${Object.keys(files).length} files; ${replaced} mutants of unchanged files taken from the rerun`);
}
