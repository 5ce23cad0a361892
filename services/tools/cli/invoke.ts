// How a parsed command runs. Commander parses and checks the arguments; each command's action hands the
// options it parsed to an `Invoke`: in the CLI that runs the command's function and keeps its exit code
// (an error it throws: its message on stderr, exit 1); in the parsing tests it records what the command
// would have received.

/** A command's own function: its options in, its exit code out. */
export type Run<O> = (opts: O) => Promise<number>;

export type Invoke = <O>(command: string, opts: O, run: Run<O>) => Promise<void>;

/** The CLI's Invoke: runs the command; `code()` is its exit code once the action finished. */
export function runner(): { invoke: Invoke; code: () => number } {
  let code = 0;
  const invoke: Invoke = async (command, opts, run) => {
    try {
      code = await run(opts);
    } catch (err) {
      console.error(`verity ${command}: ${(err as Error).message}`);
      code = 1;
    }
  };
  return { invoke, code: () => code };
}
