/**
 * One resolution rule for every setting: built-in defaults < ejabberdctl.cfg < environment
 * variables ejabberdctl honours < command-line options. Pure: the cfg text arrives parsed.
 */
import { configError } from '../errors.js';
import type { ParsedCfg } from './cfgParse.js';
import {
  checkIpAddress,
  checkPositiveInt,
  parseFirewallWindow,
  parseNodeName,
  parsePort,
  type NodeName,
  type PortRange,
} from './validate.js';
import type { UnixUser } from '../system/users.js';

/** Every variable ejabberdctl.cfg may set, ejabberdctl's and ejctl's own. */
export const KNOWN_VARIABLES = [
  'ERLANG_NODE',
  'POLL',
  'ERL_MAX_PORTS',
  'ERL_PROCESSES',
  'ERL_MAX_ETS_TABLES',
  'FIREWALL_WINDOW',
  'INET_DIST_INTERFACE',
  'ERL_DIST_PORT',
  'ERL_EPMD_ADDRESS',
  'ERL_OPTIONS',
  'EJABBERD_OPTS',
  'MNESIA_OPTIONS',
  'EJABBERD_PID_PATH',
  'EJABBERD_CONFIG_PATH',
  'CONTRIB_MODULES_PATH',
  'CONTRIB_MODULES_CONF_DIR',
  'EJABBERD_BYPASS_WARNINGS',
  'SPOOL_DIR',
  'LOGS_DIR',
  'CTL_OVER_HTTP',
  'CONFIG_DIR',
  'EJABBERD_LOG_PATH',
  'VMARGS',
  'INSTALLUSER',
  'COOKIE_FILE',
  'EJCTL_TRANSPORT',
] as const;
export type Variable = (typeof KNOWN_VARIABLES)[number];

/**
 * Environment variables that override the cfg. ejabberdctl resets ERLANG_NODE, POLL,
 * ERL_MAX_PORTS, ERL_PROCESSES, ERL_MAX_ETS_TABLES, FIREWALL_WINDOW and INET_DIST_INTERFACE
 * before it reads the cfg, so those are not taken from the environment.
 */
export const ENV_VARIABLES: readonly Variable[] = [
  'CONFIG_DIR',
  'LOGS_DIR',
  'SPOOL_DIR',
  'EJABBERD_CONFIG_PATH',
  'EJABBERD_LOG_PATH',
  'VMARGS',
  'ERL_OPTIONS',
  'ERL_EPMD_ADDRESS',
  'ERL_DIST_PORT',
  'EJABBERD_OPTS',
  'MNESIA_OPTIONS',
  'EJABBERD_PID_PATH',
  'CONTRIB_MODULES_PATH',
  'CONTRIB_MODULES_CONF_DIR',
  'EJABBERD_BYPASS_WARNINGS',
  'CTL_OVER_HTTP',
  'INSTALLUSER',
  'COOKIE_FILE',
  'EJCTL_TRANSPORT',
];

/** What the command line said (ejabberdctl's options and ejctl's own). */
export interface LocationFlags {
  node?: string;
  spool?: string;
  logs?: string;
  config?: string;
  ctlConfig?: string;
  configDir?: string;
  cookieFile?: string;
  noTimeout?: boolean;
}

export type Origin = 'default' | 'env' | 'flag' | { file: string; line: number };

export interface Settings {
  node: string;
  nodeName: NodeName;
  configDir: string;
  /** The cfg file that was read, or the path that would be (for messages and help). */
  ctlConfigPath: string;
  ctlConfigRead: boolean;
  ejabberdConfigPath: string;
  logsDir: string;
  logPath: string;
  spoolDir: string;
  vmArgs: string;
  poll: string;
  erlMaxPorts: string;
  erlProcesses: string;
  erlMaxEtsTables: string;
  firewallWindow: PortRange | undefined;
  inetDistInterface: string | undefined;
  erlDistPort: number | undefined;
  erlEpmdAddress: string | undefined;
  erlOptions: string[];
  ejabberdOpts: string;
  mnesiaOptions: string;
  pidPath: string | undefined;
  contribModulesPath: string | undefined;
  contribModulesConfDir: string | undefined;
  bypassWarnings: boolean;
  installUser: UnixUser | undefined;
  cookieFile: string;
  transport: string | undefined;
  noTimeout: boolean;
  origins: Partial<Record<Variable, Origin>>;
}

export interface ResolveInput {
  flags: LocationFlags;
  env: NodeJS.ProcessEnv;
  cfg: ParsedCfg | undefined;
  ctlConfigPath: string;
  /** Defaults that depend on where ejctl runs (system install or per-user). */
  base: { configDir: string; logsDir: string; spoolDir: string };
  /** Looks INSTALLUSER up; `undefined` when no such user. */
  findUser: (name: string) => UnixUser | undefined;
  /** Home of the user running ejctl, for the cookie when there is no INSTALLUSER. */
  currentHome: string;
}

export function resolveSettings(input: ResolveInput): Settings {
  const { flags, env, cfg } = input;
  const origins: Partial<Record<Variable, Origin>> = {};
  const get = (name: Variable, flag?: string, fallback?: string): string | undefined => {
    if (flag !== undefined) return ((origins[name] = 'flag'), flag);
    if (ENV_VARIABLES.includes(name) && env[name] !== undefined) return ((origins[name] = 'env'), env[name]);
    const fromCfg = cfg?.assignments.filter((a) => a.name === name).at(-1);
    if (fromCfg && cfg) return ((origins[name] = { file: cfg.file, line: fromCfg.line }), fromCfg.value);
    if (fallback !== undefined) origins[name] = 'default';
    return fallback;
  };
  const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);
  const where = (name: Variable): string => describeOrigin(origins[name]);
  const invalid = (name: Variable, reason: string) =>
    configError(`${name} ${where(name)}: ${reason}`, fixHint(name, origins[name], input.ctlConfigPath));

  const configDir = get('CONFIG_DIR', flags.configDir, input.base.configDir) ?? input.base.configDir;
  const logsDir = get('LOGS_DIR', flags.logs, input.base.logsDir) ?? input.base.logsDir;
  const node = get('ERLANG_NODE', flags.node, 'ejabberd@localhost') ?? 'ejabberd@localhost';
  const nodeName = parseNodeName(node);
  if (typeof nodeName === 'string') throw invalid('ERLANG_NODE', nodeName);

  const windowText = nonEmpty(get('FIREWALL_WINDOW'));
  const firewallWindow = windowText === undefined ? undefined : parseFirewallWindow(windowText);
  if (typeof firewallWindow === 'string') throw invalid('FIREWALL_WINDOW', firewallWindow);
  const inetDistInterface = nonEmpty(get('INET_DIST_INTERFACE'));
  const ifaceProblem = inetDistInterface && checkIpAddress(inetDistInterface);
  if (ifaceProblem) throw invalid('INET_DIST_INTERFACE', ifaceProblem);
  const erlEpmdAddress = nonEmpty(get('ERL_EPMD_ADDRESS'));
  const epmdProblem =
    erlEpmdAddress &&
    erlEpmdAddress
      .split(',')
      .map((a) => checkIpAddress(a.trim()))
      .find(Boolean);
  if (epmdProblem) throw invalid('ERL_EPMD_ADDRESS', epmdProblem);
  const distPortText = nonEmpty(get('ERL_DIST_PORT'));
  const erlDistPort = distPortText === undefined ? undefined : parsePort(distPortText);
  if (typeof erlDistPort === 'string') throw invalid('ERL_DIST_PORT', erlDistPort);

  const numeric = (name: Variable, fallback: string): string => {
    const value = get(name, undefined, fallback) ?? fallback;
    const problem = checkPositiveInt(value);
    if (problem) throw invalid(name, problem);
    return value;
  };
  const poll = get('POLL', undefined, 'true') ?? 'true';
  if (poll !== 'true' && poll !== 'false') throw invalid('POLL', `'${poll}' is neither true nor false`);

  const installUserName = get('INSTALLUSER', undefined, input.findUser('ejabberd') ? 'ejabberd' : '');
  const installUser = nonEmpty(installUserName) === undefined ? undefined : input.findUser(installUserName ?? '');
  if (nonEmpty(installUserName) && !installUser) {
    throw invalid('INSTALLUSER', `there is no Unix user '${installUserName}'`);
  }
  const defaultCookie = `${installUser?.home ?? input.currentHome}/.erlang.cookie`;
  const ejabberdConfigPath = get('EJABBERD_CONFIG_PATH', flags.config, `${configDir}/ejabberd.yml`) ?? '';

  return {
    node,
    nodeName,
    configDir,
    ctlConfigPath: input.ctlConfigPath,
    ctlConfigRead: cfg !== undefined,
    ejabberdConfigPath,
    logsDir,
    logPath: get('EJABBERD_LOG_PATH', undefined, `${logsDir}/ejabberd.log`) ?? '',
    spoolDir: get('SPOOL_DIR', flags.spool, input.base.spoolDir) ?? input.base.spoolDir,
    vmArgs: get('VMARGS', undefined, `${configDir}/vm.args`) ?? '',
    poll,
    erlMaxPorts: numeric('ERL_MAX_PORTS', '32000'),
    erlProcesses: numeric('ERL_PROCESSES', '250000'),
    erlMaxEtsTables: numeric('ERL_MAX_ETS_TABLES', '1400'),
    firewallWindow,
    inetDistInterface,
    erlDistPort,
    erlEpmdAddress,
    erlOptions: splitWords(get('ERL_OPTIONS') ?? ''),
    ejabberdOpts: get('EJABBERD_OPTS') ?? '',
    mnesiaOptions: get('MNESIA_OPTIONS') ?? '',
    pidPath: nonEmpty(get('EJABBERD_PID_PATH')),
    contribModulesPath: nonEmpty(get('CONTRIB_MODULES_PATH')),
    contribModulesConfDir: nonEmpty(get('CONTRIB_MODULES_CONF_DIR')),
    bypassWarnings: get('EJABBERD_BYPASS_WARNINGS') === 'true',
    installUser,
    cookieFile: get('COOKIE_FILE', flags.cookieFile, defaultCookie) ?? defaultCookie,
    transport: nonEmpty(get('EJCTL_TRANSPORT')),
    noTimeout: flags.noTimeout ?? false,
    origins,
  };
}

/** The options that set a variable from the command line (src/argv.ts), for a hint that names them. */
const FLAG_FOR: Partial<Record<Variable, string>> = {
  ERLANG_NODE: '-n/--node',
  SPOOL_DIR: '-s/--spool',
  LOGS_DIR: '-l/--logs',
  EJABBERD_CONFIG_PATH: '-f/--config',
  CONFIG_DIR: '-d/--config-dir',
  COOKIE_FILE: '--cookie-file',
  EJCTL_TRANSPORT: '--transport',
};

/** Where to fix a bad value: where it came from (the command line, the environment or a cfg line). */
export function fixHint(name: Variable, origin: Origin | undefined, ctlConfigPath: string): string {
  if (origin === 'flag') return `Fix the value of ${FLAG_FOR[name] ?? name} on the command line.`;
  if (origin === 'env') return `Fix or unset ${name} in the environment (it overrides ${ctlConfigPath}).`;
  if (origin !== undefined && origin !== 'default')
    return `Fix ${name} in ${origin.file} line ${origin.line} (see ejabberdctl.cfg.example).`;
  return `Set ${name} in ${ctlConfigPath} (see ejabberdctl.cfg.example).`;
}

export function describeOrigin(origin: Origin | undefined): string {
  if (origin === undefined || origin === 'default') return '(default)';
  if (origin === 'env') return '(from the environment)';
  if (origin === 'flag') return '(from the command line)';
  return `(${origin.file}:${origin.line})`;
}

/** ejabberdctl uses ERL_OPTIONS unquoted, so the shell splits it on blanks. */
export function splitWords(text: string): string[] {
  return text.split(/[ \t\n]+/).filter((w) => w !== '');
}

/** Names the cfg sets that ejctl does not know: a warning, never an error. */
export function unknownVariables(cfg: ParsedCfg): { name: string; line: number }[] {
  const known = new Set<string>(KNOWN_VARIABLES);
  return cfg.assignments.filter((a) => !known.has(a.name)).map((a) => ({ name: a.name, line: a.line }));
}
