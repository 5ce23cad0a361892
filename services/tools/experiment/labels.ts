// Failure-category labels of build logs (docs/FAILURE-CATEGORIES.md): the category ids of the rubric and
// label files in JSON Lines, one `{"id": "repo#build_id", "category": "<id>", "note": "<why>"}` a line.
// A labelling pass may be split over several files (pass-a-0-159.jsonl, pass-a-160-446.jsonl); they are
// read as one, and an id labelled twice within a pass is an error. Parsing is pure; reading is not.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUBRIC_CATEGORIES, type RubricCategory } from '../../lib/core/remediation/category/categories.js';

/** The rubric's category ids (the remediation core's list), in its precedence order (unknown last). */
export const LABEL_CATEGORIES = RUBRIC_CATEGORIES;

export type LabelCategory = RubricCategory;

export interface Label {
  /** `repo#build_id`. */
  id: string;
  category: LabelCategory;
  note: string;
}

/** The longest note a label may have. */
export const MAX_NOTE = 120;

const ID = /^[^\s#]+\/[^\s#]+#\S+$/;

/** One line of a label file as a label, or an Error saying what is wrong with it. */
export function parseLabel(text: string): Label | Error {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (err) {
    return new Error(`not JSON (${(err as Error).message})`);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return new Error('not an object');
  const { id, category, note } = row as Record<string, unknown>;
  if (typeof id !== 'string' || !ID.test(id))
    return new Error(`id must be "owner/repo#build_id", not ${JSON.stringify(id)}`);
  if (!(LABEL_CATEGORIES as readonly unknown[]).includes(category)) {
    return new Error(`${id}: category must be one of ${LABEL_CATEGORIES.join(', ')}, not ${JSON.stringify(category)}`);
  }
  if (note !== undefined && typeof note !== 'string') return new Error(`${id}: note must be a string`);
  const n = note ?? '';
  if (n.length > MAX_NOTE) return new Error(`${id}: note is ${n.length} characters, at most ${MAX_NOTE}`);
  return { id, category: category as LabelCategory, note: n };
}

/** The labels of one pass's file texts, by id; throws `<file>:<line>: <what>` at the first bad line. */
export function parseLabelFiles(files: readonly { name: string; text: string }[]): Map<string, Label> {
  const labels = new Map<string, Label>();
  const where = new Map<string, string>();
  for (const { name, text } of files) {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const at = `${name}:${i + 1}`;
      const label = parseLabel(line);
      if (label instanceof Error) throw new Error(`${at}: ${label.message}`);
      const before = where.get(label.id);
      if (before !== undefined) throw new Error(`${at}: ${label.id} is labelled already at ${before}`);
      labels.set(label.id, label);
      where.set(label.id, at);
    });
  }
  return labels;
}

/** The files of `dir` named `<prefix>*.jsonl`, sorted by name. */
export function passFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}

/** The labels of a pass: every `<prefix>*.jsonl` in `dir`, read as one. */
export function readPass(dir: string, prefix: string): { files: string[]; labels: Map<string, Label> } {
  const files = passFiles(dir, prefix);
  return { files, labels: parseLabelFiles(files.map((name) => ({ name, text: readFileSync(name, 'utf8') }))) };
}
