/**
 * `ejctl cookie init|check|fingerprint|import`: make, check and compare the Erlang cookie. The
 * cookie is never printed, logged, or put in any argv or environment.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { settingsFor } from '../config/settingsFor.js';
import type { Settings } from '../config/settings.js';
import { cookieError, EjctlError, Exit } from '../errors.js';
import { checkCookie } from '../cookie/check.js';
import { MAX_COOKIE_LENGTH } from '../cookie/inspect.js';
import { cookieFingerprint } from '../cookie/fingerprint.js';
import { generateCookie } from '../cookie/generate.js';
import { readCookie } from '../cookie/read.js';
import { checkJson, checkText } from '../cookie/report.js';
import { storeCookie, validateImported } from '../cookie/store.js';
import { probeNodeCookie } from '../cookie/live.js';
import { readSecret } from '../secret.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface FileOption {
  file?: string;
}

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  let exitCode: number = Exit.ok;
  const settings = (o: FileOption): Settings => {
    const s = settingsFor(ctx, opts);
    return o.file === undefined ? s : { ...s, cookieFile: o.file };
  };
  const program = ownCommand('ejctl cookie', ctx).description('make, check and compare the Erlang cookie').helpCommand(false);
  program
    .command('init')
    .description('generate a strong cookie and store it (mode 0400, owner INSTALLUSER)')
    .option('--file <path>', 'where to store it (default: COOKIE_FILE)')
    .option('--force', 'replace an existing cookie, keeping it as a 0400 backup (refused while the node runs with it)')
    .action(async (o: FileOption & { force?: boolean }) => {
      if (o.force === true) await refuseUnderRunningNode(settings(o), ctx);
      await storeCookie(settings(o), ctx, {
        cookie: generateCookie(),
        force: o.force === true,
        dryRun: opts.dryRun,
        verb: 'Created a new cookie',
      });
    });
  program
    .command('check')
    .description('list every problem of the cookie file; exit 77 when there is one')
    .option('--file <path>', 'the cookie file to check (default: COOKIE_FILE)')
    .option('--json', 'print one JSON object')
    .option('--cluster', 'check every node of the cluster: reachable with this cookie, file and memory agree')
    .action(async (o: FileOption & { json?: boolean; cluster?: boolean }) => {
      if (o.cluster) {
        exitCode = await (await import('../rotate/index.js')).checkCluster(ctx, settings(o), { json: o.json === true });
        return;
      }
      const check = checkCookie(settings(o), ctx);
      ctx.stdout.write(o.json ? `${JSON.stringify(checkJson(check), null, 2)}\n` : checkText(check));
      exitCode = check.problems.length === 0 ? Exit.ok : Exit.cookie;
    });
  program
    .command('fingerprint')
    .description('a short hash to compare cookies across hosts without showing them')
    .option('--file <path>', 'the cookie file (default: COOKIE_FILE)')
    .action((o: FileOption) => {
      const s = settings(o);
      ctx.stdout.write(`${cookieFingerprint(readCookie(s, ctx.uid))}  ${s.cookieFile}\n`);
    });
  program
    .command('import')
    .description('store a cookie read from stdin (one line), e.g. to join a cluster')
    .option('--file <path>', 'where to store it (default: COOKIE_FILE)')
    .option('--force', 'replace an existing cookie, keeping it as a 0400 backup')
    .option('--allow-weak', 'accept a guessable cookie (such as the one Erlang generates)')
    .action(async (o: FileOption & { force?: boolean; allowWeak?: boolean }) => {
      const s = settings(o);
      const cookie = validateImported(await readCookieLine(ctx), o.allowWeak === true, ctx);
      await storeCookie(s, ctx, { cookie, force: o.force === true, dryRun: opts.dryRun, verb: 'Imported the cookie' });
    });
  program
    .command('backups')
    .description('list the old cookies kept next to COOKIE_FILE (.bak-*), or remove them')
    .option('--remove', 'remove them (refused while a rotation or a running node may need one)')
    .option('--json', 'print one JSON object')
    .action(async (o: { remove?: boolean; json?: boolean }) => {
      const { cookieBackups } = await import('./cookieBackups.js');
      exitCode = await cookieBackups(ctx, settingsFor(ctx, opts), {
        remove: o.remove === true,
        json: o.json === true,
        dryRun: opts.dryRun,
      });
    });
  program
    .command('rotate')
    .description('replace the cookie of a live cluster: no downtime, no lock-out (docs/rotate.md)')
    .option('--dry-run', 'check the cluster and print the steps; change nothing')
    .option('--yes', 'accept that the new cookie crosses the network over plain TCP distribution')
    .option('--json', 'print a report of every step with timings as one JSON object')
    .option('--skip-down <node...>', 'leave out a cluster member that is down (import the cookie there later)')
    .option('--resume', 'complete an interrupted rotation from its journal')
    .option('--finalize', 'remove the backups of the old cookie everywhere')
    .action(async (o: { dryRun?: boolean; yes?: boolean; json?: boolean; skipDown?: string[]; resume?: boolean; finalize?: boolean }) => {
      const { runRotate } = await import('../rotate/index.js');
      exitCode = await runRotate(ctx, settingsFor(ctx, opts), {
        dryRun: opts.dryRun || o.dryRun === true,
        yes: o.yes === true,
        json: o.json === true,
        skipDown: o.skipDown ?? [],
        resume: o.resume === true,
        finalize: o.finalize === true,
      });
    });
  try {
    await program.parseAsync(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  return exitCode;
}

/**
 * `init --force` under a node that runs with the current cookie would lock ejctl out of it: the
 * node keeps its boot-time cookie, the file gets a new one, and `stop` then fails with exit 3.
 */
async function refuseUnderRunningNode(s: Settings, ctx: Pick<Ctx, 'uid' | 'env'>): Promise<void> {
  let current: string;
  try {
    current = readCookie(s, ctx.uid);
  } catch {
    return; // no usable cookie now: nothing can be running on it through ejctl
  }
  if ((await probeNodeCookie(s, current, ctx.env)) !== 'accepts') return;
  throw new EjctlError(
    `${s.node} is running with the cookie in ${s.cookieFile}: replacing the file would lock ejctl out of it (the node keeps the cookie it started with); nothing was changed`,
    Exit.cookie,
    {
      hint: 'Change it live instead: ejctl cookie rotate (it works on a single node too, without a restart). Or stop the node first: ejctl stop && ejctl stopped && ejctl cookie init --force && ejctl start',
    },
  );
}

/** One line from stdin, or typed at a hidden prompt on a terminal; never echoed. */
async function readCookieLine(ctx: Pick<Ctx, 'stdin' | 'stderr'>): Promise<string> {
  try {
    // At most 255 characters (OTP's limit) before the newline: an endless stdin cannot grow us.
    return await readSecret(ctx, { limit: MAX_COOKIE_LENGTH, what: 'the cookie', exitCode: Exit.cookie });
  } catch (err) {
    // readSecret's only usage error is an empty line; say it in this command's words.
    if (err instanceof EjctlError && err.exitCode === Exit.usage) {
      throw cookieError(
        'no cookie on stdin; nothing was stored',
        'Give the cookie as one line on stdin, e.g. ejctl cookie import < cookie-file',
      );
    }
    throw err;
  }
}
