/** Each lifecycle command's own options, parsed with commander after the command word. */
import { InvalidArgumentError } from 'commander';
import type { Ctx } from '../../context.js';
import { Exit } from '../../errors.js';
import { helpShownOrThrow, ownCommand } from '../ownCommand.js';

export interface LifecycleOptions {
  allowRoot: boolean;
  /** Seconds `started`/`stopped` wait. */
  timeout: number;
  /** The positional arguments (ping's NODE). */
  args: string[];
  /** The help was printed: the command returns this exit code at once. (A usage error is thrown.) */
  done: number | undefined;
}

export const DEFAULT_WAIT_SECONDS = 60;

export interface OptionSpec {
  allowRoot?: boolean;
  timeout?: boolean;
  /** e.g. '[node]' for ping. */
  argument?: string;
  description: string;
}

export function parseLifecycleOptions(ctx: Pick<Ctx, 'stdout' | 'stderr'>, words: readonly string[], spec: OptionSpec): LifecycleOptions {
  const [name = '', ...rest] = words;
  const cmd = ownCommand(`ejctl ${name}`, ctx).description(spec.description);
  if (spec.allowRoot) cmd.option('--allow-root', 'run ejabberd as root when there is no INSTALLUSER (not recommended)');
  if (spec.timeout) cmd.option('--timeout <seconds>', `give up after this many seconds (default ${DEFAULT_WAIT_SECONDS})`, parseSeconds);
  if (spec.argument) cmd.argument(spec.argument);
  try {
    cmd.parse(rest, { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, cmd);
    return { allowRoot: false, timeout: 0, args: [], done: Exit.ok };
  }
  const o = cmd.opts<{ allowRoot?: boolean; timeout?: number }>();
  return { allowRoot: o.allowRoot === true, timeout: o.timeout ?? DEFAULT_WAIT_SECONDS, args: cmd.args, done: undefined };
}

function parseSeconds(text: string): number {
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected a whole number of seconds, at least 1');
  return Number(text);
}
