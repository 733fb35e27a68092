/**
 * Configuration findings: shell code in ejabberdctl.cfg, the cookie on a command line, debug
 * logging, and ejabberd running as root (from its beam process).
 */
import { LIMITS, readOptional } from '../system/readBounded.js';
import type { Settings } from '../config/settings.js';
import { parseCtlConfig } from '../config/cfgParse.js';
import { describeOrigin, splitWords } from '../config/settings.js';
import { finding } from './catalog.js';
import { filterControlOptions } from '../erl/controlOptions.js';
import { readArgsFileWords } from '../erl/vmArgs.js';
import type { BeamProcess } from '../system/procs.js';
import type { CheckResult, Finding } from './types.js';

/** ejabberdctl sources the cfg as root: anything ejctl's parser refuses would run there. */
export function checkCtlConfigShellCode(s: Pick<Settings, 'ctlConfigPath'>, env: NodeJS.ProcessEnv): Finding[] {
  const text = readOptional(s.ctlConfigPath, { limit: LIMITS.cfg, what: 'the cfg file' });
  if (text === undefined) return [];
  try {
    parseCtlConfig(text, s.ctlConfigPath, env);
    return [];
  } catch (err) {
    return [
      finding('ctl-config-shell-code', {
        path: s.ctlConfigPath,
        evidence: err instanceof Error ? err.message : String(err),
        fix: 'Keep only plain assignments (NAME=value) and comments; move any logic out of the file. Until then the audit used the default settings.',
      }),
    ];
  }
}

const SETCOOKIE_FIX =
  'Remove -setcookie; keep the cookie in the cookie file (COOKIE_FILE, 0400), then rotate it: it has been visible in ps.';

/** Where the cfg puts `-setcookie` on the VM's command line. Never quotes the cookie. */
export function checkSetcookie(
  s: Pick<Settings, 'erlOptions' | 'ejabberdOpts' | 'vmArgs' | 'origins'>,
  vmArgsText: string | undefined,
  beams: readonly BeamProcess[],
): Finding[] {
  const out: Finding[] = [];
  const add = (evidence: string, path?: string) =>
    out.push(finding('setcookie-on-command-line', { evidence, fix: SETCOOKIE_FIX, ...(path === undefined ? {} : { path }) }));
  if (s.erlOptions.includes('-setcookie')) add(`ERL_OPTIONS ${describeOrigin(s.origins.ERL_OPTIONS)} holds -setcookie`);
  if (splitWords(s.ejabberdOpts).includes('-setcookie')) add(`EJABBERD_OPTS ${describeOrigin(s.origins.EJABBERD_OPTS)} holds -setcookie`);
  const line = setcookieLine(vmArgsText);
  if (line !== undefined) add(`${s.vmArgs}:${line} holds -setcookie`, s.vmArgs);
  for (const beam of beams) {
    if (beam.argv.includes('-setcookie')) add(`the running beam (pid ${beam.pid}) has -setcookie in its command line`);
  }
  return out;
}

/** 1-based line of a `-setcookie` outside comments, in vm.args syntax (`#` starts a comment). */
export function setcookieLine(text: string | undefined): number | undefined {
  const index = text?.split('\n').findIndex((l) => /(^|\s)-setcookie(\s|$)/.test(l.replace(/#.*/, '')));
  return index === undefined || index < 0 ? undefined : index + 1;
}

/**
 * Options in ERL_OPTIONS or vm.args that run or load code (`-eval`, `-s`, `-pa`, ...). The
 * server may mean them, but ejabberdctl gives them to every control node it starts too, as root
 * where INSTALLUSER is empty; ejctl's control nodes leave them out (controlOptions.ts).
 */
export function checkControlCodeOptions(
  s: Pick<Settings, 'erlOptions' | 'vmArgs' | 'origins' | 'installUser'>,
  vmArgsText: string | undefined,
): Finding[] {
  const asRoot = s.installUser === undefined || s.installUser.uid === 0;
  const fix = `ejctl's control nodes leave these out; ejabberdctl runs them in each of its control nodes${asRoot ? ', as root while INSTALLUSER is empty' : ''}. Keep in ERL_OPTIONS and vm.args only what the server needs${asRoot ? ', and set INSTALLUSER to the ejabberd user' : ''}.`;
  const severity = asRoot ? ('high' as const) : undefined;
  const out: Finding[] = [];
  const options = filterControlOptions(s.erlOptions.map((text) => ({ text }))).dropped.filter((o) => o.runsCode);
  if (options.length > 0) {
    const names = [...new Set(options.map((o) => o.name))].join(', ');
    out.push(
      finding('control-node-code-options', {
        evidence: `ERL_OPTIONS ${describeOrigin(s.origins.ERL_OPTIONS)} holds ${names}`,
        fix,
        ...(severity ? { severity } : {}),
      }),
    );
  }
  const vmArgs = filterControlOptions(readArgsFileWords(vmArgsText ?? '')).dropped.filter((o) => o.runsCode);
  if (vmArgs.length > 0) {
    const names = vmArgs.map((o) => `${o.name} (line ${o.line ?? '?'})`).join(', ');
    out.push(
      finding('control-node-code-options', {
        evidence: `${s.vmArgs} holds ${names}`,
        fix,
        path: s.vmArgs,
        ...(severity ? { severity } : {}),
      }),
    );
  }
  return out;
}

/** ejabberd.yml's top-level `loglevel: debug` (or the old numeric 5). */
export function checkLoglevel(s: Pick<Settings, 'ejabberdConfigPath'>, ymlText: string | undefined): CheckResult {
  if (ymlText === undefined) return { findings: [], skipped: [{ check: 'loglevel', reason: `cannot read ${s.ejabberdConfigPath}` }] };
  const lines = ymlText.split('\n');
  const index = lines.findIndex((l) => /^loglevel\s*:\s*["']?(debug|5)["']?\s*(#.*)?$/.test(l.trimEnd()));
  if (index < 0) return { findings: [], skipped: [] };
  return {
    findings: [
      finding('loglevel-debug', {
        path: s.ejabberdConfigPath,
        evidence: `${s.ejabberdConfigPath}:${index + 1}: ${(lines[index] ?? '').trim()}`,
        fix: 'Set `loglevel: info` (or warning), run `ejctl reload_config`, and clear old logs that may hold passwords.',
      }),
    ],
    skipped: [],
  };
}

export function checkRunsAsRoot(node: string, beams: readonly BeamProcess[] | { reason: string }): CheckResult {
  if ('reason' in beams) return { findings: [], skipped: [{ check: 'node-user', reason: beams.reason }] };
  if (beams.length === 0)
    return { findings: [], skipped: [{ check: 'node-user', reason: `no beam process runs ${node} (the node is not running)` }] };
  const root = beams.filter((b) => b.uid === 0 || b.euid === 0);
  return {
    findings: root.map((b) =>
      finding('runs-as-root', {
        evidence: `beam pid ${b.pid} of ${node} runs as uid ${b.uid} (effective ${b.euid})`,
        fix: "Set INSTALLUSER=ejabberd in ejabberdctl.cfg (a user that owns the spool and logs) and replace the VM with `ejctl restart-vm` (ejabberd's own `restart` keeps the VM, and with it the user).",
      }),
    ),
    skipped: [],
  };
}
