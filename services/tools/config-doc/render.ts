// The Markdown of docs/CONFIGURATION.md from specs: one section per service or tool, one table per section
// (variable, default, values, description). config-doc.ts assembles the sections and writes it.
import type { Spec } from '../../lib/platform/config/index.js';

export interface DocSection {
  title: string;
  /** A paragraph under the title: who reads these variables. */
  intro?: string;
  spec: Spec;
}

/** A paragraph in lines of at most 110 characters. */
function wrap(text: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= 110) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** A table cell: `|` would end the cell, even inside a code span. */
const cell = (text: string) => text.replaceAll('|', '\\|');

function renderSection({ title, intro, spec }: DocSection): string {
  const rows = Object.entries(spec).map(([name, v]) => {
    const shown = v.secret ? '(secret)' : (v.shownDefault ?? '–');
    return `| \`${name}\` | ${cell(shown)} | ${cell(v.allowed)} | ${cell(v.description)} |`;
  });
  const table = ['| variable | default | values | description |', '| --- | --- | --- | --- |', ...rows];
  return [`## ${title}`, ...(intro ? [wrap(intro)] : []), table.join('\n')].join('\n\n');
}

/** The whole document: the header, then each section. */
export function renderConfigDoc(header: string, sections: DocSection[]): string {
  return `${[header.trimEnd(), ...sections.map(renderSection)].join('\n\n')}\n`;
}
