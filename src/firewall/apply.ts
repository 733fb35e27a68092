/**
 * Loads, persists and removes ejctl's nftables table. The plan is data (what nft gets on stdin,
 * which files change); `runFirewallPlan` is the one place that acts: nft first (a rule nft
 * refuses leaves every file as it was), then the persisted file, then the conf's include.
 * nft runs with an argv array and reads the rules on stdin (`nft -f -`): no shell, no temp file.
 */
import { existsSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configError, EjctlError, Exit } from '../errors.js';
import { readTextIfPresent } from '../system/files.js';
import { runPlan, describeOutcome } from '../run/runner.js';
import type { LaunchPlan } from '../run/plan.js';
import { commit, discard, stageFile, type StagedFile } from '../setup/stagedFile.js';
import { fileState } from '../setup/detect.js';
import { applyScript, confWithInclude, confWithoutInclude, NFT, PERSIST_BASENAME, persistedText, REMOVE_SCRIPT } from './ruleset.js';

export interface FirewallPaths {
  /** Where the table is persisted (`/etc/nftables.d`). */
  dir: string;
  /** The file the distribution's nftables service loads (`/etc/nftables.conf`). */
  conf: string;
}

export interface FirewallPlan {
  action: 'apply' | 'remove';
  /** nft's input. */
  script: string;
  persist: { path: string; text: string | undefined };
  /** The conf's new text; undefined when it stays as it is (or is missing: see note). */
  conf: { path: string; newText: string | undefined; missing: boolean };
}

const ROOT_FILE = { mode: 0o644, uid: 0, gid: 0 };

export function planFirewallApply(table: string, paths: FirewallPaths): FirewallPlan {
  const persistPath = join(paths.dir, PERSIST_BASENAME);
  const confText = readTextIfPresent(paths.conf);
  return {
    action: 'apply',
    script: applyScript(table),
    persist: { path: persistPath, text: persistedText(table) },
    conf: {
      path: paths.conf,
      newText: confText === undefined ? undefined : confWithInclude(confText, persistPath),
      missing: confText === undefined,
    },
  };
}

export function planFirewallRemove(paths: FirewallPaths): FirewallPlan {
  const persistPath = join(paths.dir, PERSIST_BASENAME);
  const confText = readTextIfPresent(paths.conf);
  return {
    action: 'remove',
    script: REMOVE_SCRIPT,
    persist: { path: persistPath, text: undefined },
    conf: {
      path: paths.conf,
      newText: confText === undefined ? undefined : confWithoutInclude(confText, persistPath),
      missing: confText === undefined,
    },
  };
}

/** For people, before and after: what the plan does. */
export function describeFirewallPlan(p: FirewallPlan): string {
  const lines =
    p.action === 'apply'
      ? [`Firewall: load the nftables table inet ejctl (nft -f -), and persist it in ${p.persist.path}`]
      : [`Firewall: delete the nftables table inet ejctl, and remove ${p.persist.path}`];
  if (p.conf.newText !== undefined)
    lines.push(`  ${p.action === 'apply' ? 'add an include of it to' : 'remove its include from'} ${p.conf.path}`);
  if (p.conf.missing && p.action === 'apply') lines.push(`  ${p.conf.path} does not exist: load ${p.persist.path} at boot yourself`);
  return `${lines.join('\n')}\n`;
}

export async function runFirewallPlan(p: FirewallPlan): Promise<void> {
  // Every file is staged (written beside its target) before nft runs, and put in place after.
  const staged: StagedFile[] = [];
  try {
    if (p.persist.text !== undefined) {
      ensureRootDir(dirname(p.persist.path));
      staged.push(stageFile(p.persist.path, p.persist.text, ROOT_FILE, undefined));
    }
    if (p.conf.newText !== undefined) {
      const from = fileState(p.conf.path);
      staged.push(stageFile(p.conf.path, p.conf.newText, from ?? ROOT_FILE, from));
    }
    await runNft(p.script);
  } catch (err) {
    staged.forEach(discard);
    throw err;
  }
  staged.forEach(commit);
  if (p.persist.text === undefined && existsSync(p.persist.path)) {
    if (!lstatSync(p.persist.path).isFile()) throw configError(`${p.persist.path} is not a regular file; left as it is`);
    unlinkSync(p.persist.path);
  }
}

function nftLaunch(script: string): LaunchPlan {
  return {
    file: NFT,
    args: ['-f', '-'],
    env: {},
    cwd: '/',
    stdin: { kind: 'secret', data: script, redacted: script },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}

async function runNft(script: string): Promise<void> {
  const outcome = await runPlan(nftLaunch(script), { timeoutMs: 30_000 });
  if (outcome.kind === 'not-found')
    throw new EjctlError(`${NFT} was not found`, Exit.unavailable, { hint: 'Install nftables (apt-get install nftables).' });
  if (outcome.kind !== 'exited' || outcome.code !== 0) {
    const detail = 'stderr' in outcome ? outcome.stderr.trim() : '';
    throw configError(`nft ${describeOutcome(outcome)}${detail ? `: ${detail}` : ''}; the firewall and its files were left as they were`);
  }
}

/** The persistence directory: made 0755 root when missing; refused when others may write in it. */
function ensureRootDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
  const st = statSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw configError(`${dir} must be a directory owned by root that others cannot write; nothing was persisted`);
  }
}
