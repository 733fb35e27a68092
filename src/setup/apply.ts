/**
 * Step 5, the only one that writes, after the confirmation. Order, so a failure half-way leaves
 * the previous files in place: stage the new cfg and the epmd.socket drop-in (temp files and
 * backups), store the cookie (one atomic rename of its own), put the cfg in place, then the
 * drop-in; on any error before the cfg's rename the staged files are removed, and if that rename
 * itself fails the previous cookie is put back. Permission fixes come last and touch only the
 * files the operator agreed to.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync, renameSync, type Stats } from 'node:fs';
import type { Ctx } from '../context.js';
import { EjctlError, Exit } from '../errors.js';
import { generateCookie } from '../cookie/generate.js';
import { cookieFingerprint } from '../cookie/fingerprint.js';
import { inspectCookieFile } from '../cookie/inspect.js';
import { cookieOwner } from '../cookie/store.js';
import { writeCookieFile } from '../cookie/write.js';
import { describeChangeable, findChangeableDir, trustedUids } from '../system/trustedPath.js';
import { commit, discard, stageFile, type StagedFile } from './stagedFile.js';
import { stageEpmdDropin } from './systemEpmd.js';
import type { Detected, PermissionFix, SetupPlan, SetupSecrets } from './types.js';

export interface ApplyResult {
  cfgBackup: string | undefined;
  cookieBackup: string | undefined;
  /** The fingerprint of the cookie in place afterwards. */
  cookieFingerprint: string | undefined;
  fixed: PermissionFix[];
}

export async function applyPlan(plan: SetupPlan, secrets: SetupSecrets, d: Detected, ctx: Pick<Ctx, 'uid'>): Promise<ApplyResult> {
  const staged = plan.cfg.newText === undefined ? undefined : stageFile(plan.cfg.realPath, plan.cfg.newText, plan.cfg.to, plan.cfg.from);
  const dropinPlan = plan.systemEpmd;
  let dropin: StagedFile | undefined;
  let cookie: { backupPath?: string; fingerprint: string | undefined };
  try {
    dropin = dropinPlan?.newText === undefined ? undefined : stageEpmdDropin({ ...dropinPlan, newText: dropinPlan.newText });
    cookie = await storeCookie(plan, secrets, d, ctx);
  } catch (err) {
    for (const s of [staged, dropin]) if (s) discard(s);
    throw err;
  }
  if (staged) {
    try {
      commitOrRestoreCookie(staged, plan, cookie.backupPath);
    } catch (err) {
      if (dropin) discard(dropin);
      throw err;
    }
  }
  if (dropin) commit(dropin);
  applyFixes(plan.fixes);
  return {
    cfgBackup: staged?.backup,
    cookieBackup: cookie.backupPath,
    cookieFingerprint: cookie.fingerprint ?? d.cookie.fingerprint,
    fixed: plan.fixes,
  };
}

async function storeCookie(
  plan: SetupPlan,
  secrets: SetupSecrets,
  d: Detected,
  ctx: Pick<Ctx, 'uid'>,
): Promise<{ backupPath?: string; fingerprint: string | undefined }> {
  const { action, path } = plan.cookie;
  if (action === 'none') return { fingerprint: d.cookie.fingerprint };
  const cookie = cookieToStore(plan, secrets, d, ctx);
  const { owner } = cookieOwner(d.settings, ctx);
  const { backupPath } = await writeCookieFile(path, cookie, { ...(owner ? { owner } : {}), replace: action !== 'create' });
  return { ...(backupPath ? { backupPath } : {}), fingerprint: cookieFingerprint(cookie) };
}

function cookieToStore(plan: SetupPlan, secrets: SetupSecrets, d: Detected, ctx: Pick<Ctx, 'uid'>): string {
  switch (plan.cookie.action) {
    case 'import':
      if (secrets.importedCookie === undefined) throw new Error('no imported cookie');
      return secrets.importedCookie;
    case 'rewrite': {
      // Its mode or owner is loose, not its content: read it as it is (never a symlink).
      const current = inspectCookieFile(plan.cookie.path, { allowedUids: [ctx.uid], allowedText: 'anyone' }).cookie;
      if (current === undefined || cookieFingerprint(current) !== d.cookie.fingerprint) {
        throw new EjctlError(`${plan.cookie.path} changed while setup ran; nothing was changed`, Exit.cookie, {
          hint: 'Run ejctl setup again.',
        });
      }
      return current;
    }
    default:
      return generateCookie();
  }
}

function commitOrRestoreCookie(staged: StagedFile, plan: SetupPlan, cookieBackup: string | undefined): void {
  try {
    commit(staged);
  } catch (err) {
    // The cfg stayed as it was; put the previous cookie back so both files match again.
    if (cookieBackup) {
      try {
        renameSync(cookieBackup, plan.cookie.path);
      } catch {
        /* the message below says where the old cookie is */
      }
    }
    throw err;
  }
}

/**
 * chmod through a descriptor opened without following a symlink, so a swapped-in link is refused;
 * and only a file that still has the mode the operator agreed to change, on a way no one but
 * root and the file's own owner can redirect: a swap then can only lead to another file of
 * that owner, which the owner could chmod anyway.
 */
function applyFixes(fixes: readonly PermissionFix[]): void {
  const failed: string[] = [];
  for (const f of fixes) {
    try {
      const fd = openSync(f.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
      try {
        const why = refuseFix(f, fstatSync(fd));
        if (why) failed.push(`${f.path} (${why})`);
        else fchmodSync(fd, f.toMode);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      failed.push(`${f.path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if (failed.length > 0) {
    throw new EjctlError(
      `the configuration and cookie were written, but these permissions could not be fixed: ${failed.join(', ')}`,
      Exit.error,
      { hint: 'Fix them by hand, then run ejctl audit.' },
    );
  }
}

function refuseFix(f: PermissionFix, st: Stats): string | undefined {
  if (f.fromMode !== undefined && (st.mode & 0o7777) !== f.fromMode) return 'changed since setup looked at it';
  const changeable = findChangeableDir(f.path, trustedUids(process.geteuid?.() ?? 0, [st.uid]));
  return changeable ? describeChangeable(changeable) : undefined;
}
