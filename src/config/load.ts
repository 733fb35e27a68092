/** Finds, reads and parses ejabberdctl.cfg, then resolves the settings. */
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Ctx } from '../context.js';
import { configError, EjctlError } from '../errors.js';
import { parseCtlConfig, type ParsedCfg } from './cfgParse.js';
import { resolveSettings, unknownVariables, type LocationFlags, type Settings } from './settings.js';
import { lookupUser } from '../system/users.js';
import { wrongUserError } from '../runAs.js';
import { LIMITS, LocalInputError, readBounded } from '../system/readBounded.js';

export interface Loaded {
  settings: Settings;
  warnings: string[];
}

/** Where things live by default: the system layout, or per-user dirs for a non-root user without one. */
export function baseLocations(ctx: Pick<Ctx, 'uid' | 'files' | 'env'>): { configDir: string; logsDir: string; spoolDir: string } {
  if (ctx.uid === 0 || existsSync(ctx.files.systemConfigDir)) {
    return { configDir: ctx.files.systemConfigDir, logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' };
  }
  // Loaded only here: root and system installs (every forwarded command there) never need it.
  // Node 20.19+ can require() an ES module synchronously. node:module is taken here too: loading it
  // costs every forwarded command time (it brings Node's ES module loader along).
  const { createRequire } = process.getBuiltinModule('node:module');
  const { default: envPaths } = createRequire(import.meta.url)('env-paths') as typeof import('env-paths');
  const paths = envPaths('ejctl', { suffix: '' });
  return { configDir: paths.config, logsDir: paths.log, spoolDir: paths.data };
}

export interface LoadOptions {
  /** Called instead of throwing when the cfg holds shell code; the defaults then apply (the audit). */
  onUnparsableCfg?: (err: EjctlError) => void;
}

export function loadSettings(ctx: Pick<Ctx, 'uid' | 'files' | 'env'>, flags: LocationFlags, opts: LoadOptions = {}): Loaded {
  const base = baseLocations(ctx);
  const configDir = flags.configDir ?? ctx.env.CONFIG_DIR ?? base.configDir;
  const explicit = flags.ctlConfig ?? ctx.env.EJABBERDCTL_CONFIG_PATH;
  const ctlConfigPath = explicit ?? `${configDir}/ejabberdctl.cfg`;
  refuseOtherUserWithoutCfg(ctx, ctlConfigPath, explicit !== undefined);
  const cfg = readCfg(ctlConfigPath, explicit !== undefined, ctx.env, opts.onUnparsableCfg);
  const settings = resolveSettings({
    flags,
    env: ctx.env,
    cfg,
    ctlConfigPath,
    base: { ...base, configDir },
    findUser: (name) => lookupUser(ctx.files, name),
    currentHome: ctx.env.HOME ?? homedir(),
  });
  const warnings = cfg
    ? unknownVariables(cfg).map(({ name, line }) => `ejctl: warning: ${cfg.file}:${line}: unknown variable ${name} (ignored)`)
    : [];
  return { settings, warnings };
}

/**
 * ejabberdctl decides who may run it before it reads the cfg, with INSTALLUSER's default
 * (`ejabberd`): someone who cannot read the cfg (Debian's /etc/ejabberd is 0750) gets its exit 7
 * and message, as monitoring scripts expect, not a configuration error. Who can read the cfg is
 * judged by the INSTALLUSER it names, later (chooseRunAs).
 */
function refuseOtherUserWithoutCfg(ctx: Pick<Ctx, 'uid' | 'files' | 'env'>, path: string, explicit: boolean): void {
  if (ctx.uid === 0 || cfgReadable(path, explicit)) return;
  const name = ctx.env.INSTALLUSER ?? (lookupUser(ctx.files, 'ejabberd') ? 'ejabberd' : '');
  if (name === '' || lookupUser(ctx.files, name)?.uid === ctx.uid) return;
  throw wrongUserError(name);
}

/** The cfg can be read, or is simply absent where absence means defaults. */
function cfgReadable(path: string, explicit: boolean): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit;
  }
}

function readCfg(
  path: string,
  explicit: boolean,
  env: NodeJS.ProcessEnv,
  onUnparsable?: LoadOptions['onUnparsableCfg'],
): ParsedCfg | undefined {
  let text: string;
  try {
    // Non-blocking, a regular file only, at most 1 MiB: `-c /dev/zero` or a FIFO cannot hang us.
    text = readBounded(path, { limit: LIMITS.cfg, what: 'the cfg file' });
  } catch (err) {
    if (!(err instanceof LocalInputError)) throw err;
    if (err.reason === 'missing' && !explicit) return undefined;
    if (err.reason === 'missing') {
      throw configError(`${path}: no such file`, 'Check -c/--ctl-config or EJABBERDCTL_CONFIG_PATH.');
    }
    if (err.reason === 'denied')
      throw configError(`${path}: cannot read it (${err.code ?? 'EACCES'})`, 'Run ejctl as root or as the ejabberd user.');
    throw err;
  }
  try {
    return parseCtlConfig(text, path, env);
  } catch (err) {
    if (!onUnparsable || !(err instanceof EjctlError)) throw err;
    onUnparsable(err);
    return undefined;
  }
}
