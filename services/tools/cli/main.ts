// The `verity` command line (bin/verity runs it): one entry for every operational task. The commands
// are in program.ts; docs/CLI.md holds the help of each.
import { runCli } from './program.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (err) {
  console.error(`verity: ${(err as Error).message}`);
  process.exitCode = 1;
}
