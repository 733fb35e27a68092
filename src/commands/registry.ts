/**
 * ejctl's own commands, each loaded only when used, so a forwarded command (the common case)
 * loads none of them. Any other word is forwarded to the ejabberd node.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';

export type CommandHandler = (ctx: Ctx, opts: GlobalOptions) => Promise<number>;

export const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  cookie: () => import('./cookie.js').then((m) => m.run),
};
