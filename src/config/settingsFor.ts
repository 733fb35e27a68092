/**
 * The settings a command runs with: loaded, with the cfg warnings printed and, with --verbose,
 * where each value came from. Below the commands and the entry point (src/cli.ts), which both use it.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { loadSettings, type Loaded } from './load.js';
import { describeOrigin, type Settings } from './settings.js';

export function settingsFor(ctx: Ctx, opts: GlobalOptions): Settings {
  const loaded: Loaded = loadSettings(ctx, opts);
  for (const w of loaded.warnings) ctx.stderr.write(`${w}\n`);
  if (opts.verbose) ctx.stderr.write(verboseLines(loaded.settings));
  return loaded.settings;
}

function verboseLines(s: Settings): string {
  const o = s.origins;
  return [
    `ejctl: cfg ${s.ctlConfigPath}${s.ctlConfigRead ? '' : ' (not found: defaults apply)'}`,
    `ejctl: node ${s.node} ${describeOrigin(o.ERLANG_NODE)}`,
    `ejctl: cookie file ${s.cookieFile} ${describeOrigin(o.COOKIE_FILE)}`,
    `ejctl: install user ${s.installUser?.name ?? '(none)'} ${describeOrigin(o.INSTALLUSER)}`,
    `ejctl: spool ${s.spoolDir} ${describeOrigin(o.SPOOL_DIR)}`,
    '',
  ].join('\n');
}
