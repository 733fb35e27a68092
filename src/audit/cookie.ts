/**
 * Cookie findings: everything `ejctl cookie check` finds, plus a cookie left in root's home by
 * an `erl` once run as root (FACTS: OTP creates one there, guessable, CVE-2018-1279).
 */
import { lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { listCookieBackups } from '../cookie/backups.js';
import { checkCookie } from '../cookie/check.js';
import type { CookieProblem } from '../cookie/inspect.js';
import { CATALOG, finding, type FindingId } from './catalog.js';
import type { CheckResult, Finding } from './types.js';

export function auditCookie(settings: Pick<Settings, 'cookieFile' | 'installUser'>, ctx: Pick<Ctx, 'uid' | 'env'>): CheckResult {
  const check = checkCookie(settings, ctx);
  const result: CheckResult = { findings: [], skipped: [] };
  for (const problem of check.problems) {
    if (problem.id === 'unreadable') result.skipped.push({ check: 'cookie', reason: problem.message });
    else result.findings.push(cookieFinding(problem, check.path));
  }
  return result;
}

function cookieFinding(problem: CookieProblem, path: string): Finding {
  const id = `cookie-${problem.id}`;
  const parts: Parameters<typeof finding>[1] = { evidence: problem.message, fix: problem.fix, path };
  // A cookie's safe mode is the one OTP insists on; the wizard may apply it.
  if (problem.id === 'loose-mode') parts.fixMode = 0o400;
  if (id in CATALOG) return finding(id as FindingId, parts);
  // A problem `cookie check` learnt after this catalog: still reported, never dropped.
  return { id, severity: problem.severity === 'fatal' ? 'high' : 'medium', title: problem.message, ...parts };
}

/** Old cookies left by setup, `cookie init --force` or a rotation: each still opens a node that runs on it. */
export function auditCookieBackups(settings: Pick<Settings, 'cookieFile'>): CheckResult {
  const backups = listCookieBackups(settings.cookieFile);
  if (backups.length === 0) return { findings: [], skipped: [] };
  const shown = backups.slice(0, 3).map((b) => b.path);
  const more = backups.length > shown.length ? ` and ${backups.length - shown.length} more` : '';
  return {
    findings: [
      finding('cookie-backups', {
        path: backups[0]?.path ?? settings.cookieFile,
        evidence: `${backups.length} old cookie${backups.length === 1 ? '' : 's'} next to ${settings.cookieFile}: ${shown.join(', ')}${more}`,
        fix: 'Once every node runs on the current cookie: ejctl cookie backups --remove (ejctl cookie backups lists them)',
      }),
    ],
    skipped: [],
  };
}

/** `rootHome` is /root; only root can look inside it. */
export function auditRootHomeCookie(settings: Pick<Settings, 'cookieFile'>, rootHome: string): CheckResult {
  const path = join(rootHome, '.erlang.cookie');
  if (resolve(path) === resolve(settings.cookieFile)) return { findings: [], skipped: [] };
  try {
    lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { findings: [], skipped: [] };
    return {
      findings: [],
      skipped: [{ check: 'root-home-cookie', reason: `cannot look at ${path} (${code ?? String(err)}); run the audit as root` }],
    };
  }
  return {
    findings: [
      finding('root-home-cookie', {
        path,
        evidence: `${path} exists: an \`erl\` run as root left it (Erlang creates a guessable one), and it is not the node's cookie (${settings.cookieFile})`,
        fix: `Remove it (rm ${path}) unless an Erlang program run by root needs it; never run erl as root.`,
      }),
    ],
    skipped: [],
  };
}
