// The final failure-category labels (data/failure-categories/README.md): where passes A and B agree,
// their category; where they disagree, the adjudicated one (`adjudicated*.jsonl`, a third file made
// after both passes). finalLabels and joinLabels are pure; readFinalLabels reads a directory.

import { existsSync } from 'node:fs';
import type { RubricCategory } from '../../lib/core/remediation/category/categories.js';
import type { LabelledLog } from './dataset.js';
import { readPass, type Label } from './labels.js';

export interface FinalLabels {
  /** By `repo#build_id`. */
  labels: Map<string, RubricCategory>;
  /** Ids both passes labelled alike. */
  agreed: number;
  /** Ids decided by the adjudicated file. */
  adjudicated: number;
}

/**
 * The final label of every id labelled by both passes: theirs where they agree, else the adjudicated
 * one. Throws naming the ids that one pass lacks, the disagreements without an adjudicated label, and
 * adjudicated ids that are not disagreements (an adjudication overrides nothing the passes agreed on).
 */
export function finalLabels(
  a: ReadonlyMap<string, Label>,
  b: ReadonlyMap<string, Label>,
  adjudicated: ReadonlyMap<string, Label>,
): FinalLabels {
  const onlyOne = [...a.keys()].filter((id) => !b.has(id)).concat([...b.keys()].filter((id) => !a.has(id)));
  if (onlyOne.length > 0) throw new Error(`labelled by one pass only: ${onlyOne.join(', ')}`);
  const labels = new Map<string, RubricCategory>();
  const undecided: string[] = [];
  let agreed = 0;
  let decided = 0;
  for (const [id, la] of a) {
    const lb = b.get(id)!;
    if (la.category === lb.category) {
      labels.set(id, la.category);
      agreed++;
      continue;
    }
    const adj = adjudicated.get(id);
    if (adj === undefined) undecided.push(id);
    else {
      labels.set(id, adj.category);
      decided++;
    }
  }
  if (undecided.length > 0) throw new Error(`disagreements without an adjudicated label: ${undecided.join(', ')}`);
  const extra = [...adjudicated.keys()].filter((id) => !a.has(id) || a.get(id)!.category === b.get(id)!.category);
  if (extra.length > 0) throw new Error(`adjudicated but not a disagreement of the passes: ${extra.join(', ')}`);
  return { labels, agreed, adjudicated: decided };
}

/** The final labels of a label directory (pass-a*.jsonl, pass-b*.jsonl, adjudicated*.jsonl). */
export function readFinalLabels(dir: string): FinalLabels {
  if (!existsSync(dir)) throw new Error(`no label directory ${dir}`);
  return finalLabels(
    readPass(dir, 'pass-a').labels,
    readPass(dir, 'pass-b').labels,
    readPass(dir, 'adjudicated').labels,
  );
}

/** The records with `category` set from `labels` by `repo#build_id` (others unchanged); how many were. */
export function joinLabels(
  records: readonly LabelledLog[],
  labels: ReadonlyMap<string, RubricCategory>,
): { records: LabelledLog[]; joined: number } {
  let joined = 0;
  const out = records.map((r) => {
    const category = labels.get(`${r.repo}#${r.build_id}`);
    if (category === undefined) return r;
    joined++;
    return { ...r, category };
  });
  return { records: out, joined };
}

/** The label directory `verity experiment --file` uses unless told otherwise (relative to the working directory). */
export const DEFAULT_LABELS = 'data/failure-categories';

/**
 * The records with the final labels of `dir` joined (DEFAULT_LABELS when `dir` is undefined and that
 * directory exists; none when false), and a line saying what was joined, for the output.
 */
export function labelRecords(
  records: readonly LabelledLog[],
  dir: string | false | undefined,
): { records: LabelledLog[]; note: string } {
  if (dir === false) return { records: [...records], note: 'Category labels: none joined (--no-labels).' };
  const path = dir ?? DEFAULT_LABELS;
  if (dir === undefined && !existsSync(path)) {
    return { records: [...records], note: `Category labels: none joined (no ${DEFAULT_LABELS} here; --labels <dir>).` };
  }
  const f = readFinalLabels(path);
  const { records: out, joined } = joinLabels(records, f.labels);
  const how = dir === undefined ? 'the default, as the directory exists' : '--labels';
  return {
    records: out,
    note:
      `Category labels: ${path} (${how}): ${joined} of ${records.length} logs labelled; final labels = ` +
      `passes A and B where they agree (${f.agreed}), else adjudicated (${f.adjudicated}).`,
  };
}
