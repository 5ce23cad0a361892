// The shape of the repository in numbers (issue 12's before/after): files per folder, file lengths,
// imports that cross a service boundary other than through a library or a public entry (index.ts),
// README length and lines over 120 characters. `npx tsx services/tools/shape/metrics.ts [--list]`.
// Reads the files git tracks, as they are in the working tree; prints JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const read = (f: string): string => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return ''; // deleted in the working tree
  }
};
const generated = (f: string) =>
  f.includes('generated') || f.startsWith('load-tests/results/') || f.endsWith('-lock.json');
const code = files.filter((f) => /\.(ts|js|cjs|mjs|sh)$/.test(f) && !generated(f));
const textual = files.filter((f) => /\.(ts|js|cjs|mjs|sh|md|json|ya?ml|sql)$|Makefile$/.test(f) && !generated(f));

/** The service or tool a file belongs to: services/<group>/<name> (or services/<name> before the layout). */
function unit(f: string): string {
  const p = f.split('/');
  if (p[0] === 'services') return ['lib', 'run', 'tools'].includes(p[1]!) ? `${p[1]}/${p[2]}` : p[1]!;
  return p[0]!;
}
const isLibrary = (u: string) => u === 'core' || u === 'platform' || u.startsWith('lib/') || u === 'schemas';
const isEntry = (target: string) => /^services\/(run|tools)\/[^/]+\/index\.ts$/.test(target);

const crossing: string[] = [];
for (const f of code.filter((c) => c.endsWith('.ts') && (c.startsWith('services/') || c.startsWith('load-tests/')))) {
  for (const m of read(f).matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    const target = path.normalize(path.join(path.dirname(f), m[1]!)).replace(/\.js$/, '.ts');
    const [a, b] = [unit(f), unit(target)];
    if (a === b || isLibrary(b) || b === 'test' || isEntry(target)) continue;
    crossing.push(`${f} -> ${target}`);
  }
}

const lengths = code.map((f) => [f, read(f).split('\n').length] as const).sort((x, y) => x[1] - y[1]);
const perFolder: Record<string, number> = {};
for (const f of files) perFolder[path.dirname(f)] = (perFolder[path.dirname(f)] ?? 0) + 1;
const readme = read('README.md');
const over120 = (fs: string[]) =>
  fs.reduce(
    (n, f) =>
      n +
      read(f)
        .split('\n')
        .filter((l) => l.length > 120).length,
    0,
  );

console.log(
  JSON.stringify(
    {
      trackedFiles: files.length,
      codeFiles: code.length,
      medianFileLines: lengths[Math.floor(lengths.length / 2)]?.[1],
      largestFiles: lengths
        .slice(-5)
        .reverse()
        .map(([f, n]) => `${n} ${f}`),
      crossServiceImports: crossing.length,
      readme: { lines: readme.split('\n').length, bytes: Buffer.byteLength(readme) },
      linesOver120: { code: over120(code), all: over120(textual) },
      filesPerFolder: Object.fromEntries(Object.entries(perFolder).sort()),
    },
    null,
    2,
  ),
);
if (process.argv.includes('--list')) console.log(crossing.join('\n'));
