// The grouped-CV result as Markdown: the headline (CV mean with its interval, the fit beside it, the gap),
// the per-category F1 when there are category labels, the per-format table and the worst logs. Pure.

import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';
import type { CvResult, Interval, TunableCv } from './cv.js';
import { HEADLINE_BUDGET } from './log-score.js';

const p1 = (x: number) => (Number.isNaN(x) ? 'n/a' : (x * 100).toFixed(1));
const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${p1(x)}%`);
const withInterval = (i: Interval) => (Number.isNaN(i.value) ? 'n/a' : `${pct(i.value)} [${p1(i.low)}–${p1(i.high)}]`);
const signed = (x: number) => {
  if (Number.isNaN(x)) return 'n/a';
  const r = Math.abs(x).toFixed(1);
  return r === '0.0' ? '0.0' : `${x > 0 ? '+' : '−'}${r}`;
};

/** What a figure of `t` can be trusted for. */
function caveat(t: TunableCv): string {
  return t.tuned
    ? `${t.tunable}: fitted on the training folds only, so its CV figure is one on repositories it has not seen.`
    : `${t.tunable}: nothing in it is fitted per fold (fit does nothing), so CV and fit differ only in how the ` +
        'logs are averaged (per fold, then over folds); rules written against all these repositories make ' +
        'its CV figure still optimistic for projects never seen.';
}

/** The headline: one row per measure, CV [interval], fit [interval] and the gap per Tunable. */
export function headlineTable(r: CvResult): string {
  const head = r.tunables.flatMap((t) => [`${t.tunable} CV [95%]`, `${t.tunable} fit [95%]`, 'gap (pts)']);
  const rows = r.tunables[0]!.measures.map((m, i) => {
    const cells = r.tunables.flatMap((t) => {
      const f = t.measures[i]!;
      return [withInterval(f.cv), withInterval(f.fit), signed(f.gapPoints)];
    });
    return `| ${m.measure} | ${cells.join(' | ')} |`;
  });
  return [
    `Grouped cross-validation by repository: ${r.folds.length} folds over ${r.repos} repositories ` +
      `(${r.logs} logs; ${r.folds.map((f) => `${f.logs}`).join(', ')} per fold), seed ${r.seed}. CV: mean over ` +
      `the held-out folds; fit: fitted on all, measured on all. Intervals: 95% cluster bootstrap over ` +
      `repositories (${r.resamples} resamples, within each held-out fold for CV). Gap: fit − CV.`,
    '',
    `| measure | ${head.join(' | ')} |`,
    `| --- | ${head.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
    ...r.tunables.map((t) => `- ${caveat(t)}`),
  ].join('\n');
}

/** Per-category F1 of each Tunable, or the line saying there are no category labels. */
export function categoryTable(r: CvResult): string {
  if (r.categoryLabels === 0) return 'Category macro-F1: no category labels.';
  const cats = [...new Set(r.tunables.flatMap((t) => Object.keys(t.categoryF1 ?? {})))].sort();
  return [
    `Category F1 per category, held-out predictions pooled (${r.categoryLabels} labelled logs):`,
    '',
    `| category | support | ${r.tunables.map((t) => t.tunable).join(' | ')} |`,
    `| --- | ---: | ${r.tunables.map(() => '---:').join(' | ')} |`,
    ...cats.map((c) => {
      const of = (t: TunableCv) => t.categoryF1?.[c as Category];
      const support = r.tunables.map(of).find((x) => x !== undefined)?.support ?? 0;
      return `| ${c} | ${support} | ${r.tunables.map((t) => pct(of(t)?.f1 ?? Number.NaN)).join(' | ')} |`;
    }),
  ].join('\n');
}

/** The per-format table of the first Tunable, held out. */
export function formatsTable(r: CvResult): string {
  return [
    `Per format (${r.tunables[0]?.tunable ?? '—'}, held out; format detected from the log's failing step, ` +
      'services/lib/core/remediation/formats.ts):',
    '',
    `| format | logs | repos | recall @${HEADLINE_BUDGET} B | hit@1 | hit@3 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...r.formats.map(
      (f) => `| ${f.format} | ${f.logs} | ${f.repos} | ${pct(f.recall)} | ${pct(f.hit1)} | ${pct(f.hit3)} |`,
    ),
  ].join('\n');
}

/** The worst logs of the first Tunable. */
export function worstTable(r: CvResult): string {
  return [
    `The ${r.worst.length} worst logs (${r.tunables[0]?.tunable ?? '—'}, held out; most measures failed first):`,
    '',
    '| # | repo | build | format | lines | label | why |',
    '| ---: | --- | --- | --- | ---: | --- | --- |',
    ...r.worst.map(
      (w, i) => `| ${i + 1} | ${w.repo} | ${w.build_id} | ${w.format} | ${w.lines} | ${w.label} | ${w.why} |`,
    ),
  ].join('\n');
}

/** Everything, headline first. */
export function cvReport(r: CvResult): string {
  return [headlineTable(r), categoryTable(r), formatsTable(r), worstTable(r)].join('\n\n');
}
