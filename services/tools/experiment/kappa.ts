// Agreement of two independent labelling passes (docs/FAILURE-CATEGORIES.md): Cohen's κ with its
// large-sample 95% interval, the confusion table, per-category agreement and the disagreements.
// `cohenKappa` and `agreementReport` are pure; `main` reads data/failure-categories/pass-a*.jsonl and
// pass-b*.jsonl and prints the report:
//   npx tsx services/tools/experiment/kappa.ts [dir]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABEL_CATEGORIES, readPass, type Label } from './labels.js';

export interface Pair {
  a: string;
  b: string;
}

export interface CategoryAgreement {
  category: string;
  /** How often pass A and pass B chose it. */
  a: number;
  b: number;
  /** How often both chose it for the same log. */
  both: number;
  /** Specific agreement 2·both / (a + b): the chance that, one pass having chosen it, the other did. */
  agreement: number;
}

export interface Kappa {
  n: number;
  /** Observed agreement p_o. */
  observed: number;
  /** Agreement expected by chance from the two passes' marginals, p_e. */
  expected: number;
  /** (p_o − p_e) / (1 − p_e); NaN when p_e = 1 (both passes used one category only) or n = 0. */
  kappa: number;
  /** Large-sample standard error √(p_o(1 − p_o) / (n(1 − p_e)²)) and the 95% interval κ ± 1.96·se. */
  se: number;
  ci95: [number, number];
  /** The categories of the table: `order` first, then any other seen, sorted. */
  categories: string[];
  /** confusion[i][j]: logs pass A put in categories[i] and pass B in categories[j]. */
  confusion: number[][];
  perCategory: CategoryAgreement[];
}

/** Cohen's κ of paired labels. Categories in `order` (default: those seen, sorted) head the table. */
export function cohenKappa(pairs: readonly Pair[], order: readonly string[] = []): Kappa {
  const seen = new Set(pairs.flatMap((p) => [p.a, p.b]));
  const categories = [...order.filter((c) => seen.has(c)), ...[...seen].filter((c) => !order.includes(c)).sort()];
  const index = new Map(categories.map((c, i) => [c, i]));
  const k = categories.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const p of pairs) confusion[index.get(p.a)!]![index.get(p.b)!]!++;
  const n = pairs.length;
  const rowSum = confusion.map((row) => row.reduce((s, x) => s + x, 0));
  const colSum = categories.map((_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  const diagonal = categories.map((_, i) => confusion[i]![i]!);
  const observed = n === 0 ? NaN : diagonal.reduce((s, x) => s + x, 0) / n;
  const expected = n === 0 ? NaN : rowSum.reduce((s, r, i) => s + r * colSum[i]!, 0) / (n * n);
  const kappa = n === 0 || expected === 1 ? NaN : (observed - expected) / (1 - expected);
  const se = Number.isNaN(kappa) ? NaN : Math.sqrt((observed * (1 - observed)) / (n * (1 - expected) ** 2));
  return {
    n,
    observed,
    expected,
    kappa,
    se,
    ci95: [kappa - 1.96 * se, kappa + 1.96 * se],
    categories,
    confusion,
    perCategory: categories.map((category, i) => ({
      category,
      a: rowSum[i]!,
      b: colSum[i]!,
      both: diagonal[i]!,
      agreement: (2 * diagonal[i]!) / (rowSum[i]! + colSum[i]!),
    })),
  };
}

const fixed = (x: number, digits = 3): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The Markdown report of two passes' labels, in the order of `ids` (the sample), then any other id. */
export function agreementReport(
  a: ReadonlyMap<string, Label>,
  b: ReadonlyMap<string, Label>,
  ids: readonly string[] = [],
): string {
  const all = [...new Set([...ids, ...[...a.keys()].sort(), ...[...b.keys()].sort()])];
  const both = all.filter((id) => a.has(id) && b.has(id));
  const r = cohenKappa(
    both.map((id) => ({ a: a.get(id)!.category, b: b.get(id)!.category })),
    LABEL_CATEGORIES,
  );
  const out: string[] = [];
  const onlyA = all.filter((id) => a.has(id) && !b.has(id));
  const onlyB = all.filter((id) => b.has(id) && !a.has(id));
  const neither = ids.filter((id) => !a.has(id) && !b.has(id));
  out.push('# Agreement of the failure-category labels', '');
  out.push(
    `Labelled by both passes: ${r.n}; only by A: ${onlyA.length}; only by B: ${onlyB.length}` +
      (ids.length > 0 ? `; in the sample but by neither: ${neither.length} of ${ids.length}` : '') +
      '.',
    '',
  );
  out.push(
    `**Cohen's κ = ${fixed(r.kappa)}** (95% CI ${fixed(r.ci95[0])} to ${fixed(r.ci95[1])}, large-sample); ` +
      `observed agreement ${fixed(r.observed)}, by chance ${fixed(r.expected)}.`,
    '',
  );
  if (r.n === 0) return out.join('\n');
  out.push('## Confusion (rows: pass A, columns: pass B)', '');
  out.push(`| A \\ B | ${r.categories.join(' | ')} | total |`, `|---|${r.categories.map(() => '---:|').join('')}---:|`);
  r.categories.forEach((c, i) => {
    out.push(`| ${c} | ${r.confusion[i]!.join(' | ')} | ${r.perCategory[i]!.a} |`);
  });
  out.push(`| total | ${r.perCategory.map((p) => p.b).join(' | ')} | ${r.n} |`, '');
  out.push('## Per category', '', '| category | A | B | both | specific agreement |', '|---|---:|---:|---:|---:|');
  for (const p of r.perCategory) out.push(`| ${p.category} | ${p.a} | ${p.b} | ${p.both} | ${fixed(p.agreement, 2)} |`);
  const disagreements = both.filter((id) => a.get(id)!.category !== b.get(id)!.category);
  out.push('', `## Disagreements (${disagreements.length})`, '');
  if (disagreements.length > 0) {
    out.push('| id | A | B | note A | note B |', '|---|---|---|---|---|');
    for (const id of disagreements) {
      const [x, y] = [a.get(id)!, b.get(id)!];
      out.push(`| ${id} | ${x.category} | ${y.category} | ${cell(x.note)} | ${cell(y.note)} |`);
    }
  }
  return out.join('\n');
}

function main(argv: readonly string[]): void {
  const dir = argv[0] ?? 'data/failure-categories';
  const a = readPass(dir, 'pass-a');
  const b = readPass(dir, 'pass-b');
  if (a.files.length === 0 || b.files.length === 0) {
    console.error(`kappa: need ${dir}/pass-a*.jsonl and ${dir}/pass-b*.jsonl`);
    process.exitCode = 2;
    return;
  }
  let ids: string[] = [];
  try {
    ids = JSON.parse(readFileSync(`${dir}/sample.json`, 'utf8')) as string[];
  } catch {
    // No sample: report in id order.
  }
  console.log(`Pass A: ${a.files.join(', ')}\nPass B: ${b.files.join(', ')}\n`);
  console.log(agreementReport(a.labels, b.labels, ids));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
