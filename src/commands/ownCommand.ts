/**
 * commander, set up the same way for every command ejctl handles itself: `--help` prints to
 * stdout and exits 0; a usage error is not printed by commander but becomes one EjctlError
 * (exit 64, `ejctl: MESSAGE` and `ejctl: See ejctl NAME --help.`), which src/cli.ts reports like
 * every other error.
 */
import { Command, CommanderError } from 'commander';
import type { Ctx } from '../context.js';
import { usageError } from '../errors.js';

export function ownCommand(name: string, ctx: Pick<Ctx, 'stdout'>): Command {
  return new Command(name).exitOverride().configureOutput({ writeOut: (s) => void ctx.stdout.write(s), writeErr: () => undefined });
}

/**
 * For what parsing `program` threw: returns when commander printed the help (the command is
 * done, exit 0); throws ejctl's usage error for any other commander error; rethrows the rest.
 */
export function helpShownOrThrow(err: unknown, program: Command): void {
  if (!(err instanceof CommanderError)) throw err;
  if (err.exitCode === 0) return;
  const message =
    err.code === 'commander.help' // a subcommand was needed
      ? `${program.name()} needs one of: ${program.commands.map((c) => c.name()).join(', ')}`
      : err.message.replace(/^error: /, '');
  throw usageError(message, `See ${program.name()} --help.`);
}
