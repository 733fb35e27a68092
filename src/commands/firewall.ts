/**
 * `ejctl firewall remove [--nftables-dir DIR] [--nftables-conf FILE] [--dry-run]`: deletes the
 * nftables table inet ejctl that `ejctl setup --apply-firewall` loaded, its persisted file and
 * the include of it. Other tables are never touched. (Applying is setup's: it knows the peers,
 * the window and the listeners.)
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { Exit } from '../errors.js';
import { describeFirewallPlan, planFirewallRemove, runFirewallPlan } from '../firewall/apply.js';
import { DEFAULT_NFT_CONF, DEFAULT_NFT_DIR } from '../firewall/ruleset.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface RemoveOptions {
  nftablesDir: string;
  nftablesConf: string;
  dryRun?: boolean;
}

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  let chosen: RemoveOptions | undefined;
  const program = ownCommand('ejctl firewall', ctx).description(
    "ejctl's nftables table (table inet ejctl), as ejctl setup --apply-firewall loads it.",
  );
  program
    .command('remove')
    .description('delete table inet ejctl, its persisted file and the include of it')
    .option('--nftables-dir <dir>', 'where the table was persisted (ejctl.nft)', DEFAULT_NFT_DIR)
    .option('--nftables-conf <file>', 'the file nftables loads at boot', DEFAULT_NFT_CONF)
    .option('--dry-run', 'print what would be removed and change nothing')
    .action((o: RemoveOptions) => {
      chosen = o;
    });
  try {
    program.parse(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  if (!chosen) return Exit.ok;
  const plan = planFirewallRemove({ dir: chosen.nftablesDir, conf: chosen.nftablesConf });
  ctx.stdout.write(describeFirewallPlan(plan));
  if (chosen.dryRun === true || opts.dryRun) return Exit.ok;
  await runFirewallPlan(plan);
  ctx.stdout.write('Done.\n');
  return Exit.ok;
}
