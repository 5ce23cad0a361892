// The `verity` program on commander: every command registers itself (commands/*.ts), this file only
// lists them. Commander refuses unknown commands, unknown options and values that do not parse (exit 2,
// the message, then the command's help); `verity help [command...]`, `verity <command> --help` and
// `verity <command> help <subcommand>` print help (exit 0).
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { runner, type Invoke } from './invoke.js';
import { registerTopics } from './commands/topics.js';
import { registerSchemas } from './commands/schemas.js';
import { registerMigrate } from './commands/migrate.js';
import { registerDemo } from './commands/demo.js';
import { registerUp } from './commands/up.js';
import { registerStatus } from './commands/status.js';
import { registerServices } from './commands/serve.js';
import { registerRebuild } from './commands/rebuild.js';
import { registerReplay } from './commands/replay.js';
import { registerExperiment } from './commands/experiment.js';
import { registerDlq } from './commands/dlq.js';
import { registerSetup } from './commands/setup.js';
import { registerStack } from './commands/stack.js';
import { registerImport } from './commands/import.js';

/** In the order `verity --help` lists them. */
const COMMANDS: ((program: Command, invoke: Invoke) => void)[] = [
  registerTopics,
  registerSchemas,
  registerMigrate,
  registerDemo,
  registerUp,
  registerStatus,
  registerServices,
  registerRebuild,
  registerReplay,
  registerExperiment,
  registerDlq,
  registerSetup,
  registerStack,
  registerImport,
];

export interface ProgramOptions {
  invoke: Invoke;
  /** Where help and errors go (default: stdout and stderr). */
  output?: OutputConfiguration;
  /** Wrap help at this width (default: the terminal's). */
  helpWidth?: number;
}

/**
 * A fresh program (commander keeps parsed values in it: one program per parse). It never exits the
 * process: commander's exits are thrown as CommanderError (runCli turns them into exit codes).
 */
export function buildProgram(opts: ProgramOptions): Command {
  const program = new Command('verity')
    .description('Verity, the event-sourced CI control plane on Kafka: one command for every operational task.')
    .usage('<command> [options]')
    .exitOverride()
    .showHelpAfterError();
  // Set before the commands are added: subcommands copy these settings when they are created.
  if (opts.output) program.configureOutput(opts.output);
  if (opts.helpWidth) program.configureHelp({ helpWidth: opts.helpWidth });
  for (const register of COMMANDS) register(program, opts.invoke);
  // One help command for any depth (`verity help topics tail`); subcommands keep commander's own.
  program.helpCommand(false);
  program
    .command('help')
    .description('show the help of a command (verity help topics tail)')
    .argument('[command...]', 'the command, with its subcommand if it has one')
    .action((path: string[]) => {
      let target = program;
      for (const name of path) {
        const next = target.commands.find((c) => c.name() === name);
        if (next === undefined) {
          const message = `error: unknown command '${path.join(' ')}'`;
          return program.error(message, { exitCode: 2, code: 'commander.unknownCommand' });
        }
        target = next;
      }
      target.help();
    });
  return program;
}

/** Parses `args` (without node and the script) and runs the command: its exit code; 2 when commander refused. */
export async function runCli(args: readonly string[], opts: Partial<ProgramOptions> = {}): Promise<number> {
  const run = runner();
  const program = buildProgram({ ...opts, invoke: opts.invoke ?? run.invoke });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return run.code();
}
