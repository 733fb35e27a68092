/**
 * Before the first question: can this user write what setup writes? Without it, setup asked every
 * question, showed the plan, and only then failed with EACCES (issue 14). The cfg is written in its
 * real directory (a temp file renamed over it, keeping its owner), the cookie in its own.
 * access(2) answers for the real uid, which is ours; a read-only file system shows up too.
 */
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import type { Ctx } from '../context.js';
import { EjctlError, Exit } from '../errors.js';
import type { Detected } from './types.js';

export function assertCanWriteSetupFiles(d: Pick<Detected, 'cfgRealPath' | 'cfgState' | 'cookie'>, ctx: Pick<Ctx, 'uid'>): void {
  const problems: string[] = [];
  for (const dir of new Set([dirname(d.cfgRealPath), dirname(d.cookie.path)])) {
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (err) {
      problems.push(`cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if (ctx.uid !== 0 && d.cfgState && d.cfgState.uid !== ctx.uid) {
    problems.push(`${d.cfgRealPath} belongs to uid ${d.cfgState.uid}, and only root can write it for that user`);
  }
  if (problems.length === 0) return;
  throw new EjctlError(
    `setup cannot change this installation as uid ${ctx.uid}: ${problems.join('; ')}. Nothing was asked or changed`,
    Exit.cookie,
    {
      hint: 'Run it as root (sudo ejctl setup ...). ejctl setup --dry-run shows the plan without those rights.',
    },
  );
}
