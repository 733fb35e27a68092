/**
 * The entry point's logic: parse, dispatch, and turn every error into one message and one exit
 * code. Nothing below this file exits or prints errors itself.
 */
import type { Ctx } from './context.js';
import { parseGlobalArgs } from './argv.js';
import { EjctlError, Exit, usageError } from './errors.js';
import { painter } from './colour.js';
import { COMMANDS } from './commands/registry.js';
import { settingsFor } from './config/settingsFor.js';
// Static: forwarding is what most calls do. The commands ejctl handles itself are loaded on
// demand (registry.ts).
import { forwardCommand } from './commands/forward.js';
import { typoHint } from './typoHint.js';

export async function run(argv: readonly string[], ctx: Ctx): Promise<number> {
  try {
    const opts = parseGlobalArgs(argv);
    if (opts.help) {
      ctx.stdout.write((await import('./help/text.js')).renderHelp());
      return Exit.ok;
    }
    if (opts.version) {
      ctx.stdout.write(`ejctl ${(await import('./help/spec.js')).EJCTL_VERSION}\n`);
      return Exit.ok;
    }
    const name = opts.words[0];
    const load = name !== undefined && !opts.forceForward ? COMMANDS[name] : undefined;
    if (load) {
      if (opts.json && name !== 'batch') throw usageError(`--json before the command is for ejabberd's commands, not ${name}`, JSON_HINT);
      return await (
        await load()
      )(ctx, opts);
    }
    // --json is loaded only when given; --dry-run shows the plain command's plan.
    const code =
      opts.json && !opts.dryRun
        ? await (await import('./json/forward.js')).forwardJson(ctx, opts, settingsFor(ctx, opts))
        : await forwardCommand(ctx, opts, settingsFor(ctx, opts));
    const hint = code === Exit.ok || opts.forceForward ? undefined : typoHint(name);
    if (hint) ctx.stderr.write(`ejctl: ${hint}\n`);
    return code;
  } catch (err) {
    return report(ctx, err);
  }
}

const JSON_HINT =
  "Where one of ejctl's own commands has a --json option it comes after the command (ejctl audit --json, ejctl batch --json); see docs/json.md.";

export function report(ctx: Pick<Ctx, 'stdout' | 'stderr' | 'env'>, err: unknown): number {
  const paint = painter(ctx.stderr, ctx.env);
  if (err instanceof EjctlError) {
    if (err.toStdout) ctx.stdout.write(`${err.message}\n`);
    else ctx.stderr.write(`${paint('error', `${err.message.startsWith('ERROR') ? '' : 'ejctl: '}${err.message}`)}\n`);
    if (err.hint) ctx.stderr.write(`ejctl: ${err.hint}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  ctx.stderr.write(`ejctl: internal error: ${message}\n`);
  return Exit.internal;
}
