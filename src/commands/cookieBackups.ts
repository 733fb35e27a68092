/**
 * `ejctl cookie backups [--remove] [--json]`: the old cookies kept next to COOKIE_FILE
 * (src/cookie/backups.ts), listed, and removed on request. Removal is refused while something
 * may still need one: an unfinished rotation (its backups are the way back), or a running node
 * that does not accept the current cookie (it may run on an old one: restart it first).
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit } from '../errors.js';
import { listCookieBackups, removeCookieBackup, type CookieBackup, type Removal } from '../cookie/backups.js';
import { probeNodeCookie } from '../cookie/live.js';
import { readCookie } from '../cookie/read.js';
import { journalPath, readJournal, stateDir } from '../rotate/journal.js';
import { formatMode } from '../system/files.js';

export interface BackupsOptions {
  remove: boolean;
  json: boolean;
  dryRun: boolean;
}

type BackupsCtx = Pick<Ctx, 'uid' | 'env' | 'stdout'>;

export async function cookieBackups(ctx: BackupsCtx, s: Settings, o: BackupsOptions): Promise<number> {
  const backups = listCookieBackups(s.cookieFile);
  if (!o.remove || backups.length === 0) {
    ctx.stdout.write(
      o.json ? `${JSON.stringify({ cookieFile: s.cookieFile, backups: backups.map(asJson) }, null, 2)}\n` : listText(s, backups),
    );
    return Exit.ok;
  }
  await assertNothingNeedsThem(ctx, s);
  if (o.dryRun) {
    ctx.stdout.write(
      backups.map((b) => `would remove ${b.path}${b.regular ? '' : ' (not a regular file: it would be left alone)'}\n`).join(''),
    );
    return Exit.ok;
  }
  const results = backups.map((b) => removeCookieBackup(b.path));
  ctx.stdout.write(o.json ? `${JSON.stringify({ cookieFile: s.cookieFile, removals: results }, null, 2)}\n` : removalText(results));
  return results.every((r) => r.removed) ? Exit.ok : Exit.error;
}

function asJson(b: CookieBackup): Record<string, unknown> {
  return { path: b.path, madeAt: new Date(b.mtimeMs).toISOString(), regularFile: b.regular, mode: formatMode(b.mode), uid: b.uid };
}

function listText(s: Pick<Settings, 'cookieFile'>, backups: CookieBackup[]): string {
  if (backups.length === 0) return `No old cookies next to ${s.cookieFile}.\n`;
  const lines = [
    `${backups.length} old cookie${backups.length === 1 ? '' : 's'} next to ${s.cookieFile} (each still opens any node that runs with it):`,
    ...backups.map((b) => `  ${b.path}  made ${isoMinute(b.mtimeMs)}  ${b.regular ? `mode ${formatMode(b.mode)}` : 'not a regular file'}`),
    'Remove them, once no node runs with an old cookie: ejctl cookie backups --remove',
  ];
  return `${lines.join('\n')}\n`;
}

function removalText(results: Removal[]): string {
  return results.map((r) => (r.removed ? `Removed ${r.path}\n` : `Not removed: ${r.path} (${r.reason})\n`)).join('');
}

const isoMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function assertNothingNeedsThem(ctx: Pick<Ctx, 'uid' | 'env'>, s: Settings): Promise<void> {
  const journal = readJournal(journalPath(stateDir(ctx), s.node));
  if (journal && journal.state !== 'rolled-back') {
    throw new EjctlError(`the cookie rotation ${journal.id} still owns backups of the old cookie; nothing was removed`, Exit.error, {
      hint:
        journal.state === 'complete'
          ? 'Run `ejctl cookie rotate --finalize`: it removes them on every node.'
          : 'Run `ejctl cookie rotate --resume` to complete it first; until then the backups are the way back.',
    });
  }
  const live = await probeNodeCookie(s, readCookie(s, ctx.uid), ctx.env);
  if (live === 'rejects') {
    throw new EjctlError(
      `${s.node} is running but does not accept the cookie in ${s.cookieFile}: it may run on one of these backups; nothing was removed`,
      Exit.cookie,
      { hint: 'Restart its VM first, so it runs on the current cookie: ejctl restart-vm' },
    );
  }
}
