/**
 * Permissions and owners of the files the security guidance names: ejabberdctl.cfg (run as root
 * by ejabberdctl), the config dir, ejabberd.yml (passwords), inetrc, vm.args, the logs dir and
 * its files, the spool dir. (The cookie file is cookie.ts's.) Read-only: stat and readdir.
 */
import { formatMode } from '../system/files.js';
import { readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { lookupGroupName, lookupUid } from '../system/users.js';
import { CATALOG, finding, type FindingId } from './catalog.js';
import type { CheckResult, Finding } from './types.js';

type Role = 'ctl-config' | 'config-dir' | 'ejabberd-yml' | 'inetrc' | 'vm-args' | 'logs-dir' | 'spool-dir';

export interface FileTarget {
  role: Role;
  path: string;
  /** Others reading it is a finding. */
  secret: boolean;
  /** Report when it does not exist (expected), or stay silent (optional). */
  expected: boolean;
}

export interface OwnerRules {
  /** Owners of what ejabberdctl runs as root (the cfg and its dir). */
  rootOnly: { uids: number[]; text: string };
  /** Owners of everything else. */
  service: { uids: number[]; text: string };
  /** Groups that may hold group bits (root's, the node user's; `adm` for logs). */
  groups: number[];
}

export type FileSettings = Pick<
  Settings,
  'ctlConfigPath' | 'configDir' | 'ejabberdConfigPath' | 'vmArgs' | 'logsDir' | 'logPath' | 'spoolDir' | 'installUser'
>;

export function fileTargets(s: FileSettings): FileTarget[] {
  return [
    { role: 'ctl-config', path: s.ctlConfigPath, secret: false, expected: false },
    { role: 'config-dir', path: s.configDir, secret: false, expected: false },
    { role: 'ejabberd-yml', path: s.ejabberdConfigPath, secret: true, expected: true },
    { role: 'inetrc', path: join(s.configDir, 'inetrc'), secret: false, expected: false },
    { role: 'vm-args', path: s.vmArgs, secret: false, expected: false },
    { role: 'logs-dir', path: s.logsDir, secret: true, expected: true },
    { role: 'spool-dir', path: s.spoolDir, secret: true, expected: true },
  ];
}

export function ownerRules(s: Pick<Settings, 'installUser'>, ctx: Pick<Ctx, 'uid' | 'files'>): OwnerRules {
  const user = s.installUser;
  const self = lookupUid(ctx.files, ctx.uid);
  const uid = user?.uid ?? ctx.uid;
  const name = user?.name ?? self?.name ?? `uid ${ctx.uid}`;
  const shared = { uids: [...new Set([0, uid])], text: uid === 0 ? 'root' : `${name} or root` };
  // ejabberdctl sources the cfg as root: on a system install only root may own it.
  const rootOnly = user || ctx.uid === 0 ? { uids: [0], text: 'root' } : shared;
  return { rootOnly, service: shared, groups: [...new Set([0, user?.gid ?? self?.gid ?? 0])] };
}

export function auditFiles(s: FileSettings, ctx: Pick<Ctx, 'uid' | 'files'>): CheckResult {
  const rules = ownerRules(s, ctx);
  const result: CheckResult = { findings: [], skipped: [] };
  for (const target of fileTargets(s)) {
    const st = statOrSkip(target, result);
    if (st) result.findings.push(...checkTarget(target, st, rules, ctx));
  }
  const logs = auditLogFiles(s);
  result.findings.push(...logs.findings);
  result.skipped.push(...logs.skipped);
  return result;
}

function statOrSkip(target: FileTarget, result: CheckResult): Stats | undefined {
  try {
    return statSync(target.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !target.expected) return undefined;
    const reason =
      code === 'ENOENT' ? `${target.path} does not exist` : `cannot examine ${target.path} (${code ?? String(err)}); run the audit as root`;
    result.skipped.push({ check: `file:${target.role}`, reason });
    return undefined;
  }
}

/** Bits of `st` that let the wrong people read (when secret) or write. */
export function looseBits(
  st: Pick<Stats, 'mode' | 'gid' | 'isDirectory'>,
  secret: boolean,
  groups: readonly number[],
): { read: number; write: number } {
  const foreignGroup = !groups.includes(st.gid);
  const readMask = st.isDirectory() ? 0o005 : 0o004;
  const read = secret ? st.mode & ((foreignGroup ? readMask << 3 : 0) | readMask) : 0;
  const write = st.mode & ((foreignGroup ? 0o020 : 0) | 0o002);
  return { read, write };
}

function checkTarget(target: FileTarget, st: Stats, rules: OwnerRules, ctx: Pick<Ctx, 'files'>): Finding[] {
  const groups = target.role === 'logs-dir' ? [...rules.groups, ...admGroup(st.gid, ctx)] : rules.groups;
  const { read, write } = looseBits(st, target.secret, groups);
  const fixMode = st.mode & 0o7777 & ~(read | write);
  const evidence = `${target.path} has mode ${formatMode(st.mode)}, owner uid ${st.uid}, group ${groupText(st.gid, ctx)}`;
  const fix = `chmod ${formatMode(fixMode)} ${target.path}`;
  const out: Finding[] = [];
  if (read) out.push(finding(roleId(target.role, 'readable'), { path: target.path, evidence, fix, fixMode }));
  if (write) out.push(finding(roleId(target.role, 'writable'), { path: target.path, evidence, fix, fixMode }));
  const owners = target.role === 'ctl-config' || target.role === 'config-dir' ? rules.rootOnly : rules.service;
  if (!owners.uids.includes(st.uid)) {
    const who = owners.text.split(' ')[0] ?? 'root';
    out.push(
      finding(roleId(target.role, 'owner'), {
        path: target.path,
        evidence: `${evidence}; it should belong to ${owners.text}`,
        fix: `chown ${who} ${target.path}`,
      }),
    );
  }
  return out;
}

function roleId(role: Role, problem: 'readable' | 'writable' | 'owner'): FindingId {
  const id = `${role}-${problem}`;
  if (!(id in CATALOG)) throw new Error(`internal: ${id} is not in the audit catalog`);
  return id as FindingId;
}

/** Debian gives the logs dir to group adm (2750 ejabberd:adm): adm may read logs. */
function admGroup(gid: number, ctx: Pick<Ctx, 'files'>): number[] {
  return lookupGroupName(ctx.files, gid) === 'adm' ? [gid] : [];
}

function groupText(gid: number, ctx: Pick<Ctx, 'files'>): string {
  const name = lookupGroupName(ctx.files, gid);
  return name ? `${gid} (${name})` : String(gid);
}

/** Log files (current, rotated, crash dumps) others can reach: the dir lets them in, the file is open. */
export function auditLogFiles(s: Pick<Settings, 'logsDir' | 'logPath'>): CheckResult {
  const result: CheckResult = { findings: [], skipped: [] };
  let names: string[];
  try {
    names = readdirSync(s.logsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      result.skipped.push({ check: 'log-files', reason: `cannot list ${s.logsDir} (${code ?? String(err)}); run the audit as root` });
    names = [];
  }
  const paths = names.map((n) => join(s.logsDir, n));
  if (resolve(dirname(s.logPath)) !== resolve(s.logsDir)) paths.push(s.logPath);
  for (const path of paths) result.findings.push(...checkLogFile(path));
  return result;
}

function checkLogFile(path: string): Finding[] {
  let st: Stats;
  let dirMode: number;
  try {
    st = statSync(path);
    dirMode = statSync(dirname(path)).mode;
  } catch {
    return [];
  }
  if (!st.isFile() || (dirMode & 0o001) === 0) return [];
  const fixMode = st.mode & 0o7777 & ~0o007;
  const parts = {
    path,
    evidence: `${path} has mode ${formatMode(st.mode)} in a directory others may enter (${formatMode(dirMode)})`,
    fix: `chmod ${formatMode(fixMode)} ${path}`,
    fixMode,
  };
  const out: Finding[] = [];
  if (st.mode & 0o004) out.push(finding('log-file-readable', parts));
  if (st.mode & 0o002) out.push(finding('log-file-writable', parts));
  return out;
}
