/**
 * What every command that starts a control node settles first: whom it runs as, the vm.args text
 * (read by ejctl, so the control node needs no access to it), whether its user can read inetrc,
 * and the warnings about the cfg's options it leaves out.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { chooseControlUser } from '../runAs.js';
import { inetrcPresent, readVmArgs } from '../system/files.js';
import { controlWarnings } from './controlLaunch.js';
import { inetrcPath } from './erlArgs.js';

export interface ControlSetup {
  runAs: LaunchPlan['user'];
  vmArgsText: string | undefined;
  inetrcExists: boolean;
  warnings: string[];
}

export function controlSetup(ctx: Pick<Ctx, 'uid' | 'files'>, s: Settings): ControlSetup {
  const runAs = chooseControlUser(s, ctx);
  const vmArgsText = readVmArgs(s.vmArgs);
  const inetrc = inetrcPath(s);
  const exists = inetrcPresent(inetrc);
  const readable = exists && (runAs === undefined || readableBy(inetrc, runAs));
  return { runAs, vmArgsText, inetrcExists: readable, warnings: controlWarnings(s, vmArgsText, exists && !readable) };
}

/** Prints the warnings of a control setup, once per command. */
export function warnControl(ctx: Pick<Ctx, 'stderr'>, setup: Pick<ControlSetup, 'warnings'>): void {
  for (const w of setup.warnings) ctx.stderr.write(`${w}\n`);
}

/**
 * Whether a process with this uid and gid (and no supplementary groups, as the runner starts it)
 * may read the file: search permission on every directory above it, read permission on it.
 * ACLs are not looked at.
 */
export function readableBy(path: string, user: { uid: number; gid: number }): boolean {
  if (user.uid === 0) return true;
  const dirs: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    dirs.push(d);
    if (d === dirname(d)) break;
  }
  return dirs.every((d) => allows(d, user, 0o1)) && allows(path, user, 0o4);
}

function allows(path: string, user: { uid: number; gid: number }, bit: number): boolean {
  try {
    const st = statSync(path);
    const shift = st.uid === user.uid ? 6 : st.gid === user.gid ? 3 : 0;
    return ((st.mode >> shift) & bit) !== 0;
  } catch {
    return false;
  }
}
