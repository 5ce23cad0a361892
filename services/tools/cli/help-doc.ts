// docs/CLI.md: the help of every `verity` command, as commander prints it (at a fixed width), so that
// the reference is the program itself. `npm run docs:cli` writes it; help-doc.test.ts fails when the
// committed file differs from what the program says.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from './program.js';

export const HELP_DOC_PATH = join(fileURLToPath(new URL('../../..', import.meta.url)), 'docs/CLI.md');

const HEADER = `This file is generated from the help of the \`verity\` program by services/tools/cli/help-doc.ts:
do not edit it by hand. Regenerate it with \`npm run docs:cli\` after changing a command
(services/tools/cli/help-doc.test.ts fails while it is out of date).

# The \`verity\` command line

Every command answers \`verity help <command>\` and \`verity <command> --help\`. Unknown commands, unknown options and
values that do not parse exit 2; a command that fails exits 1 (some commands say more below).`;

/** The text of docs/CLI.md. */
export function helpDoc(): string {
  let text = '';
  const write = (s: string) => (text += s);
  const output = { writeOut: write, writeErr: write };
  const program = buildProgram({ invoke: async () => undefined, output, helpWidth: 100 });
  const sections: string[] = [];
  const visit = (cmd: Command, path: string[]) => {
    text = '';
    cmd.outputHelp();
    sections.push(`## ${['verity', ...path].join(' ')}\n\n\`\`\`text\n${text.trimEnd()}\n\`\`\``);
    for (const sub of cmd.commands) if (sub.name() !== 'help') visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return `${[HEADER, ...sections].join('\n\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(HELP_DOC_PATH, helpDoc());
  console.log(`wrote ${HELP_DOC_PATH}`);
}
