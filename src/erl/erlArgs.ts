/**
 * The Erlang VM arguments of the nodes ejctl starts: the distribution settings from the cfg,
 * ERL_OPTIONS and vm.args (all of them for the server, a filtered few for control nodes). Pure;
 * vm.args is passed in as text.
 */
import { isIP } from 'node:net';
import type { Settings } from '../config/settings.js';
import { configError } from '../errors.js';
import { ipToErlangTuple } from '../config/validate.js';
import { describeOrigin } from '../config/settings.js';
import { filterControlOptions, type DroppedOption } from './controlOptions.js';
import { readArgsFileWords } from './vmArgs.js';

export const ERL = '/usr/bin/erl';
export const EPMD = '/usr/bin/epmd';
export const IEX = '/usr/bin/iex';
export const ERL_LIBS = '/usr/lib/x86_64-linux-gnu';
/** ejabberdctl waits 60 s for a command, or forever with --no-timeout. */
export const RPC_TIMEOUT_MS = 60_000;

export type DistSettings = Pick<Settings, 'firewallWindow' | 'inetDistInterface' | 'erlDistPort' | 'erlOptions' | 'vmArgs' | 'origins'>;

/** `-sname` unless the node string holds a dot, as ejabberdctl decides. */
export function nameFlag(node: string): '-sname' | '-name' {
  return node.includes('.') ? '-name' : '-sname';
}

/**
 * The name of a control node (a dynamic one: no new atom on the server per call, OTP 23+). A
 * long name carries the target's host part, as ejabberdctl names its control nodes: a bare
 * `-name undefined` takes the local host's domain, and where the host name has none (most
 * containers) the VM dies with "Can't set long node name!".
 */
export function controlNodeName(node: string): string {
  return nameFlag(node) === '-name' ? `undefined@${node.slice(node.indexOf('@') + 1)}` : 'undefined';
}

/** The server's arguments: ERL_OPTIONS as they are, the cfg's distribution settings, vm.args as an -args_file. */
export function distributionArgs(s: DistSettings, vmArgsText: string | undefined): string[] {
  assertNoSetcookie(s, vmArgsText);
  return [...s.erlOptions, ...cfgDistributionArgs(s, s.erlOptions), ...(vmArgsText === undefined ? [] : ['-args_file', s.vmArgs])];
}

/** Options a control node left out, with where they came from. */
export interface DroppedFrom {
  /** `ERL_OPTIONS (FILE:LINE)` or the vm.args path. */
  source: string;
  options: DroppedOption[];
}

/**
 * A control node's arguments: from ERL_OPTIONS and vm.args only what reaching the node needs
 * (controlOptions.ts); vm.args is read here, by ejctl, not by erl as an -args_file.
 */
export function controlDistributionArgs(s: DistSettings, vmArgsText: string | undefined): { args: string[]; dropped: DroppedFrom[] } {
  assertNoSetcookie(s, vmArgsText);
  const options = filterControlOptions(s.erlOptions.map((text) => ({ text })));
  const vmArgs = filterControlOptions(vmArgsText === undefined ? [] : readArgsFileWords(vmArgsText));
  return {
    args: [...options.kept, ...cfgDistributionArgs(s, options.kept), ...vmArgs.kept],
    dropped: [
      { source: `ERL_OPTIONS ${describeOrigin(s.origins.ERL_OPTIONS)}`, options: options.dropped },
      { source: s.vmArgs, options: vmArgs.dropped },
    ].filter((d) => d.options.length > 0),
  };
}

/** FIREWALL_WINDOW, INET_DIST_INTERFACE and ERL_DIST_PORT as VM arguments, as ejabberdctl sets them. */
function cfgDistributionArgs(s: DistSettings, erlOptions: readonly string[]): string[] {
  const args: string[] = [];
  if (s.firewallWindow) {
    args.push('-kernel', 'inet_dist_listen_min', String(s.firewallWindow.min), 'inet_dist_listen_max', String(s.firewallWindow.max));
  }
  if (s.inetDistInterface) {
    args.push('-kernel', 'inet_dist_use_interface', ipToErlangTuple(s.inetDistInterface));
    // An IPv6 interface needs the IPv6 distribution carrier; ejabberdctl leaves this to ERL_OPTIONS.
    if (isIP(s.inetDistInterface) === 6 && !erlOptions.includes('-proto_dist')) args.push('-proto_dist', 'inet6_tcp');
  }
  if (s.erlDistPort !== undefined) args.push('-erl_epmd_port', String(s.erlDistPort), '-start_epmd', 'false');
  return args;
}

/** A cookie on a command line is readable by every local user in `ps`. */
function assertNoSetcookie(s: DistSettings, vmArgsText: string | undefined): void {
  if (s.erlOptions.includes('-setcookie')) {
    throw configError(
      'ERL_OPTIONS holds -setcookie, which shows the cookie to every local user in ps',
      'Remove -setcookie from ERL_OPTIONS; ejctl reads the cookie from COOKIE_FILE.',
    );
  }
  const line = vmArgsText?.split('\n').findIndex((l) => /(^|\s)-setcookie(\s|$)/.test(l.replace(/#.*/, '')));
  if (line !== undefined && line >= 0) {
    throw configError(
      `${s.vmArgs}:${line + 1}: -setcookie shows the cookie to every local user in ps`,
      'Remove the line; ejctl reads the cookie from COOKIE_FILE.',
    );
  }
}

/** The environment ejabberdctl exports to every node it starts. */
export function exportedEnv(s: Settings, crashDump: string, inetrcExists: boolean): Record<string, string> {
  const env: Record<string, string> = {
    EJABBERD_CONFIG_PATH: s.ejabberdConfigPath,
    EJABBERD_LOG_PATH: s.logPath,
    ERL_CRASH_DUMP: crashDump,
    ERL_MAX_PORTS: s.erlMaxPorts,
    ERL_MAX_ETS_TABLES: s.erlMaxEtsTables,
    ERL_LIBS,
  };
  const optional: [string, string | number | undefined][] = [
    ['EJABBERD_PID_PATH', s.pidPath],
    ['ERL_EPMD_ADDRESS', s.erlEpmdAddress],
    ['ERL_DIST_PORT', s.erlDistPort],
    ['CONTRIB_MODULES_PATH', s.contribModulesPath],
    ['CONTRIB_MODULES_CONF_DIR', s.contribModulesConfDir],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = String(value);
  // ejabberdctl exports ERL_INETRC even when the file is missing, and OTP then prints an error
  // report on stdout; ejctl exports it only when the file is there.
  if (inetrcExists) env.ERL_INETRC = inetrcPath(s);
  return env;
}

export const inetrcPath = (s: Pick<Settings, 'configDir'>): string => `${s.configDir}/inetrc`;
