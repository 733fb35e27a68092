/**
 * `runAudit`: one read-only pass over an ejabberd installation, live and on disk. Gathers the
 * facts (sockets, EPMD, the node's beam, files), hands them to the check functions, and returns
 * findings and skipped checks as data. Changes nothing; prints nothing.
 */
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { epmdPort } from '../system/epmd.js';
import { auditCookie, auditCookieBackups, auditRootHomeCookie } from './cookie.js';
import { checkControlCodeOptions, checkCtlConfigShellCode, checkLoglevel, checkRunsAsRoot, checkSetcookie } from './config.js';
import { readEjabberdYml, readTextIfPresent, readVmArgs } from '../system/files.js';
import { auditFiles } from './files.js';
import { auditFirewall, firewallTargets } from './firewall.js';
import { evaluateNetwork, findDistPort, tlsInArgs, type NetworkFacts } from './network.js';
import { readListeningSockets } from './procfs.js';
import { findBeams, type BeamProcess } from '../system/procs.js';
import { detectSystemEpmd } from './systemd.js';
import { auditTls } from './tls.js';
import { mergeResults, sortFindings, type AuditReport } from './types.js';

export type { AuditReport, Finding, Skip, Severity } from './types.js';

export interface AuditRoots {
  /** /proc: sockets and processes. */
  proc: string;
  /** /etc and /run: systemd's units. */
  etc: string;
  run: string;
  /** Unit links and drop-ins (`ejctl audit --systemd-dir`); `<etc>/systemd/system` when not given. */
  systemdDir?: string;
  /** root's home, where a stray .erlang.cookie may lie. */
  rootHome: string;
}

export const SYSTEM_ROOTS: AuditRoots = { proc: '/proc', etc: '/etc', run: '/run', rootHome: '/root' };

export type AuditCtx = Pick<Ctx, 'env' | 'uid' | 'files' | 'now'>;

export async function runAudit(ctx: AuditCtx, settings: Settings, opts: { roots?: Partial<AuditRoots> } = {}): Promise<AuditReport> {
  const started = ctx.now();
  const roots = { ...SYSTEM_ROOTS, ...opts.roots };
  const beams = findBeamsOrReason(roots.proc, settings.node);
  const beam = Array.isArray(beams) ? beams[0] : undefined;
  const vmArgsText = readVmArgs(settings.vmArgs);
  const facts = await gatherNetworkFacts(ctx, settings, roots, beam, vmArgsText);
  const merged = mergeResults([
    evaluateNetwork(settings, facts),
    await auditFirewall(ctx.uid, firewallTargets(settings, facts)),
    auditCookie(settings, ctx),
    auditCookieBackups(settings),
    auditRootHomeCookie(settings, roots.rootHome),
    auditFiles(settings, ctx),
    { findings: checkCtlConfigShellCode(settings, ctx.env), skipped: [] },
    { findings: checkSetcookie(settings, vmArgsText, Array.isArray(beams) ? beams : []), skipped: [] },
    { findings: checkControlCodeOptions(settings, vmArgsText), skipped: [] },
    checkLoglevel(settings, readEjabberdYml(settings.ejabberdConfigPath)),
    checkRunsAsRoot(settings.node, beams),
    auditTls(settings, tlsWords(settings, vmArgsText, beam)),
  ]);
  return { findings: sortFindings(merged.findings), skipped: merged.skipped, durationMs: Math.round(ctx.now() - started) };
}

function findBeamsOrReason(procRoot: string, node: string): BeamProcess[] | { reason: string } {
  try {
    return ourNetnsFirst(findBeams(node, procRoot), procRoot);
  } catch (err) {
    return { reason: `cannot list processes in ${procRoot} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
}

/**
 * A node of the same name in another network namespace (another container, another host of the
 * test harness) is not the one this host's EPMD and sockets show: a beam in ejctl's own namespace
 * comes first. Where namespaces cannot be read, the order stays as found.
 */
export function ourNetnsFirst(beams: BeamProcess[], procRoot: string): BeamProcess[] {
  const netns = (pid: string): string | undefined => {
    try {
      return readlinkSync(join(procRoot, pid, 'ns', 'net'));
    } catch {
      return undefined;
    }
  };
  const ours = netns('self');
  if (ours === undefined) return beams;
  const mine = (b: BeamProcess): number => (netns(String(b.pid)) === ours ? 0 : 1);
  return [...beams].sort((a, b) => mine(a) - mine(b));
}

async function gatherNetworkFacts(
  ctx: AuditCtx,
  s: Settings,
  roots: AuditRoots,
  beam: BeamProcess | undefined,
  vmArgsText: string | undefined,
): Promise<NetworkFacts> {
  const port = epmdPort(ctx.env);
  const sockets = readListeningSockets(roots.proc);
  const dist = Array.isArray(sockets) ? await findDistPort(s, sockets, port) : { reason: sockets.reason };
  return { epmdPort: port, sockets, dist, beam, tlsSource: tlsSource(s, vmArgsText, beam), systemEpmd: detectSystemEpmd(roots) };
}

/** Where TLS distribution is asked for: the running beam's arguments when there is one, else the cfg. */
function tlsSource(
  s: Pick<Settings, 'erlOptions' | 'vmArgs'>,
  vmArgsText: string | undefined,
  beam: BeamProcess | undefined,
): string | undefined {
  if (beam) {
    if (tlsInArgs(beam.argv)) return `the command line of beam pid ${beam.pid}`;
    const argsFiles = beam.argv.flatMap((w, i) => (w === '-args_file' && beam.argv[i + 1] ? [beam.argv[i + 1] ?? ''] : []));
    return argsFiles.find((f) => tlsInArgs(argsFileWords(readTextIfPresent(f, 'the args file'))));
  }
  if (tlsInArgs(s.erlOptions)) return 'ERL_OPTIONS';
  return tlsInArgs(argsFileWords(vmArgsText)) ? s.vmArgs : undefined;
}

/** The words the node starts with: the running beam's (and its -args_files'), else ERL_OPTIONS and vm.args. */
function tlsWords(s: Pick<Settings, 'erlOptions'>, vmArgsText: string | undefined, beam: BeamProcess | undefined): string[] {
  if (!beam) return [...s.erlOptions, ...argsFileWords(vmArgsText)];
  return beam.argv.flatMap((w, i) => (beam.argv[i - 1] === '-args_file' ? argsFileWords(readTextIfPresent(w)) : [w]));
}

/** An -args_file's words: `#` starts a comment to the end of the line (erl(1)). */
function argsFileWords(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .flatMap((l) => l.replace(/#.*/, '').split(/\s+/))
    .filter(Boolean);
}
