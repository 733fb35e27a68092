/**
 * ejabberdctl creates a missing spool dir with `mkdir -p` run as INSTALLUSER (through su) and
 * then enters it; exit 6 when it cannot. ejctl does the same without a shell: /bin/mkdir runs
 * with INSTALLUSER's uid and gid, no supplementary groups, in a session of its own with no
 * terminal. That user then creates only what it could create anyway, and root never mkdirs or
 * chowns a path that user can change (an earlier mkdir-then-chown as root let it swap the new
 * directory for a symlink and be handed any file). Without INSTALLUSER, ejctl creates the
 * directory itself, as root only where no other user can change the way there.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit } from '../errors.js';
import type { LaunchPlan } from '../run/plan.js';
import { describeChangeable, findChangeableDir } from './trustedPath.js';

export const MKDIR = '/bin/mkdir';
const MKDIR_TIMEOUT_MS = 30_000;

/** The spool dir exists and can be entered, or an EjctlError with ejabberdctl's line and exit 6. */
export async function ensureSpoolDir(
  s: Pick<Settings, 'spoolDir'>,
  runAs: LaunchPlan['user'],
  ctx: Pick<Ctx, 'uid' | 'stderr'>,
): Promise<void> {
  if (!isDirectory(s.spoolDir)) {
    const why = runAs ? await mkdirAs(s.spoolDir, runAs, ctx) : mkdirAsMe(s.spoolDir, ctx.uid);
    if (why !== undefined) throw spoolError(s.spoolDir, why);
  }
  try {
    if (!statSync(s.spoolDir).isDirectory()) throw new Error('not a directory');
    accessSync(s.spoolDir, constants.X_OK);
  } catch {
    throw spoolError(s.spoolDir, undefined);
  }
}

/** `mkdir -p -m 0700 -- DIR` as INSTALLUSER, planned as data. */
export function spoolMkdirPlan(dir: string, user: NonNullable<LaunchPlan['user']>): LaunchPlan {
  return {
    file: MKDIR,
    args: ['-p', '-m', '0700', '--', dir],
    env: {},
    cwd: '/',
    user,
    stdin: { kind: 'ignore' },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}

/** undefined when made; else why not (mkdir's own words are passed on to stderr, as ejabberdctl shows them). */
async function mkdirAs(dir: string, user: NonNullable<LaunchPlan['user']>, ctx: Pick<Ctx, 'stderr'>): Promise<string | undefined> {
  // Loaded only when a spool dir is missing: every forwarded command passes here (start-up cost).
  const { runPlan } = await import('../run/runner.js');
  const outcome = await runPlan(spoolMkdirPlan(dir, user), { timeoutMs: MKDIR_TIMEOUT_MS });
  if (outcome.kind === 'exited' || outcome.kind === 'killed') ctx.stderr.write(outcome.stderr);
  if (outcome.kind === 'exited' && outcome.code === 0) return undefined;
  if (outcome.kind === 'not-found') return `${MKDIR} was not found`;
  return `${MKDIR} as ${user.name} failed`;
}

/** As root (no INSTALLUSER) only where no other user can change the way; as anyone else, with their own rights. */
function mkdirAsMe(dir: string, uid: number): string | undefined {
  try {
    const changeable = uid === 0 ? findChangeableDir(dir, [0]) : undefined;
    if (changeable) return `not created as root: ${describeChangeable(changeable)}`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

function spoolError(dir: string, why: string | undefined): EjctlError {
  const fix = 'Set SPOOL_DIR in ejabberdctl.cfg or pass --spool DIR.';
  return new EjctlError(`ERROR: can not access directory ${dir}`, Exit.spoolDir, {
    toStdout: true,
    hint: why === undefined ? fix : `${why}. ${fix}`,
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
