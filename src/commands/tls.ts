/**
 * `ejctl tls init-ca|import-ca|issue|import-node|show|check`: certificates for TLS distribution
 * (docs/tls.md). Keys are never printed, logged, or put in any argv or environment.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { settingsFor } from '../config/settingsFor.js';
import { Exit, usageError } from '../errors.js';
import { importCa, initCa, readPemFile } from '../tls/ca.js';
import { installNodeTls } from '../tls/install.js';
import { issueNode } from '../tls/issue.js';
import { showTls, checkTls } from '../tls/show.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface CaDir {
  caDir?: string;
}

const days = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 36500) throw usageError(`--days ${v} is not a number of days between 1 and 36500`);
  return n;
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  let exitCode: number = Exit.ok;
  const program = ownCommand('ejctl tls', ctx).description('certificates for TLS distribution (docs/tls.md)').helpCommand(false);
  program
    .command('init-ca')
    .description('create the cluster CA (its key stays with you: 0400, never on a node)')
    .option('--ca-dir <dir>', 'where to keep it (default: ~/.config/ejctl/ca)')
    .option('--name <cn>', 'its common name', 'ejabberd cluster CA')
    .option('--days <n>', 'validity in days (default 3650)', days)
    .action(async (o: CaDir & { name?: string; days?: number }) => {
      await initCa(ctx, { ...o, dryRun: opts.dryRun });
    });
  program
    .command('import-ca')
    .description('use an existing CA: its certificate, and its key to issue with')
    .requiredOption('--cert <file>', 'the CA certificate (PEM)')
    .option('--key <file>', 'its private key (PEM, unencrypted)')
    .option('--ca-dir <dir>', 'where to keep it (default: ~/.config/ejctl/ca)')
    .action((o: CaDir & { cert: string; key?: string }) => {
      importCa(ctx, { ...o, dryRun: opts.dryRun });
    });
  program
    .command('issue [node]')
    .description("issue a node certificate (default: this cfg's node) and install it here, or write it to --out")
    .option('--ca-dir <dir>', 'the CA (default: ~/.config/ejctl/ca)')
    .option('--days <n>', 'validity in days (default 825)', days)
    .option('--host <name>', 'another name or address the certificate should carry (repeatable)', collect)
    .option('--out <dir>', 'write HOST.pem, HOST.key and ca.pem there instead of installing')
    .option('--no-cfg', 'install, but leave ERL_OPTIONS in ejabberdctl.cfg alone')
    .action(async (node: string | undefined, o: CaDir & { days?: number; host?: string[]; out?: string; cfg: boolean }) => {
      await issueNode(ctx, settingsFor(ctx, opts), node, { ...o, hosts: o.host ?? [], noCfg: !o.cfg, dryRun: opts.dryRun });
    });
  program
    .command('import-node')
    .description("install this node's certificate, key and CA certificate, write ssl_dist.conf, set ERL_OPTIONS")
    .requiredOption('--cert <file>', "the node's certificate (PEM)")
    .requiredOption('--key <file>', 'its private key (PEM, unencrypted)')
    .requiredOption('--ca <file>', 'the cluster CA certificate (PEM)')
    .option('--no-cfg', 'leave ERL_OPTIONS in ejabberdctl.cfg alone')
    .action((o: { cert: string; key: string; ca: string; cfg: boolean }) => {
      const material = {
        certPem: readPemFile(o.cert).toString(),
        keyPem: readPemFile(o.key).toString(),
        caPem: readPemFile(o.ca).toString(),
      };
      installNodeTls(ctx, settingsFor(ctx, opts), material, { noCfg: !o.cfg, dryRun: opts.dryRun });
    });
  program
    .command('show')
    .description("this node's TLS distribution: option file, certificates, names, expiry")
    .action(() => {
      showTls(ctx, settingsFor(ctx, opts));
    });
  program
    .command('check')
    .description("audit's TLS findings for this node; exit 78 when there is one")
    .option('--json', 'print one JSON object')
    .action((o: { json?: boolean }) => {
      exitCode = checkTls(ctx, settingsFor(ctx, opts), o.json === true);
    });
  try {
    await program.parseAsync(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  return exitCode;
}
