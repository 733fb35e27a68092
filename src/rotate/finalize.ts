/** `ejctl cookie rotate --finalize`: remove the old cookie's backups everywhere, then the journal. */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit, usageError } from '../errors.js';
import { readCookie } from '../cookie/read.js';
import { removeFile, writeJournal, type Journal } from './journal.js';
import { buildSessionLaunch, openSession } from './session.js';
import { reach } from './preflight.js';

export async function finalizeRotation(
  ctx: Pick<Ctx, 'uid' | 'files' | 'stdout' | 'stderr'>,
  settings: Settings,
  journal: Journal | undefined,
  path: string,
  json: boolean,
): Promise<number> {
  if (!journal) {
    // Run twice, or after a rotation finalized elsewhere: the wanted state is already there.
    ctx.stdout.write(
      json
        ? `${JSON.stringify({ rotation: null, removed: [], failed: [] }, null, 2)}\n`
        : 'Nothing to finalize: no rotation keeps backups of the old cookie. (`ejctl cookie backups` lists any other old cookies.)\n',
    );
    return Exit.ok;
  }
  if (journal.state === 'rolled-back') throw usageError('there is no completed rotation to finalize');
  if (journal.state !== 'complete') {
    throw new EjctlError(`the rotation ${journal.id} is not complete`, Exit.error, {
      hint: 'Run `ejctl cookie rotate --resume` first; the backups are the way back until then.',
    });
  }
  // The rotation is complete, so COOKIE_FILE holds the new cookie, which every node accepts.
  const session = await openSession(buildSessionLaunch(settings, ctx), { old: readCookie(settings, ctx.uid), new: undefined });
  const removed: string[] = [];
  const failed: string[] = [];
  try {
    for (const n of journal.nodes) {
      const r = (await reach(session, n.node, 'old')) ? await session.call('delete', n.node, n.backup) : { error: 'unreachable' };
      if (r.error === undefined) removed.push(`${n.node}:${n.backup}`);
      else failed.push(`${n.node}:${n.backup} (${JSON.stringify(r.error)})`);
    }
  } finally {
    await session.close();
  }
  if (journal.localBackup) {
    removeFile(journal.localBackup);
    removed.push(`local:${journal.localBackup}`);
  }
  if (failed.length === 0) removeFile(path);
  else
    writeJournal(path, {
      ...journal,
      nodes: journal.nodes.filter((n) => failed.some((f) => f.startsWith(`${n.node}:`))),
      localBackup: undefined,
    });
  if (json) ctx.stdout.write(`${JSON.stringify({ rotation: journal.id, removed, failed }, null, 2)}\n`);
  else
    ctx.stdout.write(
      [
        `Removed the old cookie's backups of rotation ${journal.id}:`,
        ...removed.map((r) => `  ${r}`),
        ...failed.map((f) => `Could not remove ${f}; run --finalize again when the node is back.`),
      ].join('\n') + '\n',
    );
  return failed.length === 0 ? Exit.ok : Exit.error;
}
