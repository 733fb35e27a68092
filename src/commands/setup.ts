/** `ejctl setup`: parses its options and hands them to the setup pipeline (src/setup). */
import { Option, type Command } from 'commander';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { Exit, usageError } from '../errors.js';
import { splitList } from '../setup/answerChecks.js';
import { DEFAULT_SYSTEMD_DIR } from '../audit/systemd.js';
import { DEFAULT_NFT_CONF, DEFAULT_NFT_DIR } from '../firewall/ruleset.js';
import { runSetup } from '../setup/index.js';
import type { CookieChoice, SetupFlags } from '../setup/types.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface Parsed {
  node?: string;
  single?: boolean;
  cluster?: boolean;
  interface?: string;
  firewallWindow?: string;
  peers?: string;
  cookie?: CookieChoice;
  importCookie?: string;
  cookieFile?: string;
  fixPermissions?: boolean;
  restrictSystemEpmd?: boolean;
  systemdDir: string;
  applyFirewall?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tls?: boolean;
  nftablesDir: string;
  nftablesConf: string;
  configDir?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

function setupProgram(ctx: Pick<Ctx, 'stdout' | 'stderr'>): Command {
  // No .default() anywhere: a value not given is asked, or taken from --yes's secure defaults.
  return (
    ownCommand('ejctl setup', ctx)
      .description(
        'First-run setup with secure defaults: node name, distribution and EPMD addresses, firewall window, cookie, permissions.',
      )
      .option('--node <name>', 'node name, e.g. ejabberd@localhost (-sname unless it holds a dot)')
      .option('--single', 'a single node: distribution and EPMD on loopback only')
      .option('--cluster', 'a cluster member: distribution on --interface, inside --firewall-window')
      .option('--interface <address>', "the address distribution listens on (cluster); one of the host's addresses")
      .option('--firewall-window <min-max>', 'distribution port range, e.g. 4370-4379')
      .option('--peers <addresses>', "the other nodes' addresses, comma-separated (for the firewall rules)")
      .addOption(
        new Option('--cookie <choice>', "keep the cookie, make a new one, or import a cluster's").choices(['keep', 'new', 'import']),
      )
      .option('--import-cookie <file>', 'import the cookie from this file (implies --cookie import; default: stdin)')
      // Before the command, --cookie-file names where the cookie lives: one name, one meaning.
      .addOption(new Option('--cookie-file <path>').hideHelp())
      .option('--fix-permissions', 'fix the file permissions the audit finds')
      .option('--no-fix-permissions', 'leave file permissions as they are')
      .option('--restrict-system-epmd', "restrict systemd's epmd.socket to this choice's addresses with a drop-in")
      .option('--no-restrict-system-epmd', "leave systemd's epmd.socket as it is")
      .option('--tls-cert <file>', "cluster: this node's certificate for TLS distribution (from ejctl tls issue NODE --out DIR)")
      .option('--tls-key <file>', 'cluster: its private key')
      .option('--tls-ca <file>', 'cluster: the cluster CA certificate')
      .option('--no-tls', 'cluster: plain-TCP distribution instead of TLS (audit reports it)')
      .option(
        '--apply-firewall',
        'load the recommended rules as the nftables table inet ejctl and persist them (remove: ejctl firewall remove)',
      )
      // Not cfg values either: where the distribution's nftables service finds its rules.
      .option('--nftables-dir <dir>', 'where --apply-firewall persists the table (ejctl.nft)', DEFAULT_NFT_DIR)
      .option('--nftables-conf <file>', 'the file nftables loads at boot, which gets an include of ejctl.nft', DEFAULT_NFT_CONF)
      .option('--config-dir <dir>', 'where ejabberdctl.cfg and ejabberd.yml are (default: /etc/ejabberd)')
      // Not a cfg value, so a commander default breaks no resolution rule.
      .option('--systemd-dir <dir>', "systemd's unit links and drop-ins (epmd.socket)", DEFAULT_SYSTEMD_DIR)
      .option('-y, --yes', 'take the secure default for every question no flag answers; do not ask for confirmation')
      .option('--dry-run', 'print the plan and change nothing')
      .option('--json', 'print the plan (with --dry-run) or the result as JSON')
      .helpOption('-h, --help', 'show this help')
  );
}

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const program = setupProgram(ctx);
  try {
    program.parse(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  const p = program.opts<Parsed>();
  if (p.cookieFile !== undefined) {
    throw usageError(
      "after 'setup', --cookie-file is no longer an option: to import a cluster's cookie from a file, use --import-cookie FILE",
      `Before the command (ejctl --cookie-file PATH setup) it names where this node's cookie lives, as for every command.`,
    );
  }
  if (p.single && p.cluster) throw usageError('--single and --cluster exclude each other');
  const flags: SetupFlags = {
    ...(p.node !== undefined ? { node: p.node } : {}),
    ...(p.single ? { topology: 'single' as const } : p.cluster ? { topology: 'cluster' as const } : {}),
    ...(p.interface !== undefined ? { interface: p.interface } : {}),
    ...(p.firewallWindow !== undefined ? { firewallWindow: p.firewallWindow } : {}),
    ...(p.peers !== undefined ? { peers: splitList(p.peers) } : {}),
    ...(p.cookie !== undefined ? { cookie: p.cookie } : {}),
    ...(p.importCookie !== undefined ? { cookieFile: p.importCookie } : {}),
    ...(p.fixPermissions !== undefined ? { fixPermissions: p.fixPermissions } : {}),
    ...(p.restrictSystemEpmd !== undefined ? { restrictSystemEpmd: p.restrictSystemEpmd } : {}),
    systemdDir: p.systemdDir,
    ...(p.applyFirewall ? { firewall: { dir: p.nftablesDir, conf: p.nftablesConf } } : {}),
    nftables: { dir: p.nftablesDir, conf: p.nftablesConf },
    tls: {
      ...(p.tlsCert !== undefined ? { cert: p.tlsCert } : {}),
      ...(p.tlsKey !== undefined ? { key: p.tlsKey } : {}),
      ...(p.tlsCa !== undefined ? { ca: p.tlsCa } : {}),
      ...(p.tls === false ? { off: true } : {}),
    },
    yes: p.yes === true,
    dryRun: p.dryRun === true || opts.dryRun,
    json: p.json === true,
  };
  if (flags.cookieFile !== undefined && flags.cookie !== undefined && flags.cookie !== 'import') {
    throw usageError('--import-cookie names a cookie to import: it goes with --cookie import');
  }
  return runSetup(ctx, flags, { ...opts, ...(p.configDir !== undefined ? { configDir: p.configDir } : {}) });
}
