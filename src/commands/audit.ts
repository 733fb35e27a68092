/**
 * `ejctl audit [--json] [--fail-on info|low|medium|high] [--systemd-dir DIR]`: the security
 * check. Exit 0 when no finding reaches --fail-on (default medium), 1 otherwise, 78 when the cfg
 * cannot be read.
 * A cfg holding shell code is itself a finding; the audit then runs on the default settings.
 */
import { Option } from 'commander';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { loadSettings } from '../config/load.js';
import { Exit } from '../errors.js';
import { colourWanted } from '../colour.js';
import { runAudit } from '../audit/index.js';
import { failed, reportJson, reportTable } from '../audit/report.js';
import { SEVERITIES, type Severity } from '../audit/types.js';
import { DEFAULT_SYSTEMD_DIR } from '../audit/systemd.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface AuditOptions {
  json: boolean;
  failOn: Severity;
  systemdDir: string;
}

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const options = parseAuditArgs(opts.words.slice(1), ctx);
  if (!options) return Exit.ok;
  const loaded = loadSettings(ctx, opts, { onUnparsableCfg: () => undefined });
  for (const w of loaded.warnings) ctx.stderr.write(`${w}\n`);
  const settings = loaded.settings;
  const report = await runAudit(ctx, settings, { roots: { systemdDir: options.systemdDir } });
  const meta = { node: settings.node, ctlConfig: settings.ctlConfigPath, failOn: options.failOn };
  const colour = colourWanted(ctx.stdout, ctx.env);
  ctx.stdout.write(options.json ? reportJson(report, meta) : reportTable(report, meta, colour));
  return failed(report, options.failOn) ? Exit.error : Exit.ok;
}

/** `undefined` after --help (printed). */
function parseAuditArgs(args: string[], ctx: Pick<Ctx, 'stdout'>): AuditOptions | undefined {
  const program = ownCommand('ejctl audit', ctx)
    .description('Read-only security check of this ejabberd installation (see docs/audit.md).')
    .option('--json', 'print one JSON object (schemaVersion 1) instead of the table', false)
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding reaches this severity').choices(SEVERITIES).default('medium'))
    .option('--systemd-dir <dir>', "systemd's unit links and drop-ins (epmd.socket)", DEFAULT_SYSTEMD_DIR);
  try {
    program.parse(args, { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return undefined;
  }
  return program.opts<AuditOptions>();
}
