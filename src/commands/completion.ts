/**
 * `ejctl completion bash|zsh|fish` prints a completion script; the script calls
 * `ejctl __complete WORDS...` at each TAB (src/completion/).
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { Exit, usageError } from '../errors.js';
import { complete, formatCompletion } from '../completion/complete.js';
import { nodeCommands } from '../completion/nodeCommands.js';
import { ownCommandWords } from '../completion/ownWords.js';
import { COMPLETION_SCRIPTS } from '../completion/scripts.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  let shell: string | undefined;
  const program = ownCommand('ejctl completion', ctx)
    .description(
      "print a shell completion script: ejctl's own commands and options, and ejabberd's commands and their arguments from the node (cached)",
    )
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      [
        '',
        'Install (as root, for every user):',
        '  ejctl completion bash > /usr/share/bash-completion/completions/ejctl',
        '  ejctl completion zsh > /usr/local/share/zsh/site-functions/_ejctl',
        '  ejctl completion fish > /usr/share/fish/vendor_completions.d/ejctl.fish',
      ].join('\n'),
    )
    .action((s: string) => {
      shell = s;
    });
  try {
    await program.parseAsync(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  if (shell === undefined) return Exit.ok;
  const script = COMPLETION_SCRIPTS[shell];
  if (!script) throw usageError(`no completion for the shell '${shell}'`, 'Use bash, zsh or fish.');
  ctx.stdout.write(script);
  return Exit.ok;
}

/** `ejctl __complete WORDS...`: the candidates for the last word, one per line. Never fails loudly. */
export async function runComplete(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const words = opts.words.slice(1);
  const result = await complete(words.length === 0 ? [''] : words, {
    ownCommandWords: (path) => ownCommandWords(ctx, path),
    nodeCommands: (global) => nodeCommands(ctx, global).catch(() => []),
  });
  ctx.stdout.write(formatCompletion(result));
  return Exit.ok;
}
