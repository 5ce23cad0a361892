// The `verity` program in-process, for tests: what a command line parses to, without running anything.
import type { Run } from './invoke.js';
import { runCli } from './program.js';

export interface Parsed {
  code: number;
  /** The command invoked (e.g. 'topics tail') and the options it received; undefined when commander refused. */
  command?: string;
  opts?: unknown;
  stdout: string;
  stderr: string;
}

/** Parses `args` as `verity <args>`; the command is recorded, not run (unless `run` says so). */
export async function parse(args: string[], opts: { run?: boolean } = {}): Promise<Parsed> {
  const out: Parsed = { code: 0, stdout: '', stderr: '' };
  let ran: number | undefined;
  const code = await runCli(args, {
    invoke: async <O>(command: string, o: O, run: Run<O>) => {
      out.command = command;
      out.opts = o;
      if (opts.run) ran = await run(o);
    },
    output: { writeOut: (s) => (out.stdout += s), writeErr: (s) => (out.stderr += s) },
    helpWidth: 100,
  });
  out.code = ran ?? code;
  return out;
}
