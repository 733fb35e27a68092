/**
 * Step 1: look at what is there, changing nothing. The cfg in use (and the file behind a
 * symlink), the settings it gives, the cookie, the host's addresses, ejabberd's listeners,
 * whether the node runs, what the audit finds about file permissions, and systemd's EPMD units.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { LIMITS, LocalInputError, readBounded } from '../system/readBounded.js';
import { readEjabberdYml } from '../system/files.js';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { LocationFlags, Settings } from '../config/settings.js';
import { loadSettings } from '../config/load.js';
import { configError } from '../errors.js';
import { checkCookie } from '../cookie/check.js';
import { epmdNames, epmdPort } from '../system/epmd.js';
import { runAudit, SYSTEM_ROOTS } from '../audit/index.js';
import { detectSystemEpmd } from '../audit/systemd.js';
import type { Finding } from '../audit/types.js';
import { refuseToEdit } from './cfgEdit.js';
import { parseListeners, type Listener } from './listeners.js';
import { readSystemEpmd } from './systemEpmd.js';
import type { Detected, FileState, HostAddress } from './types.js';

export type DetectCtx = Pick<Ctx, 'uid' | 'files' | 'env' | 'now'>;

export async function detect(ctx: DetectCtx, flags: LocationFlags, systemdDir: string): Promise<Detected> {
  const { settings, cfgText } = loadSettingsForSetup(ctx, flags);
  const cfgPath = settings.ctlConfigPath;
  const cfgRealPath = existsSync(cfgPath) ? realpathSync(cfgPath) : cfgPath;
  const cookie = checkCookie(settings, ctx);
  const audit = await auditPermissions(ctx, settings, systemdDir, [cfgRealPath, cfgPath, cookie.path]);
  return {
    settings,
    cfgPath,
    cfgRealPath,
    cfgText,
    cfgState: fileState(cfgRealPath),
    installGid: settings.installUser?.gid ?? fileState(cfgRealPath)?.gid ?? 0,
    cookie: { path: cookie.path, problems: cookie.problems, fingerprint: cookie.fingerprint },
    addresses: hostAddresses(),
    listeners: readListeners(settings.ejabberdConfigPath),
    nodeRunning: await isRegistered(settings, ctx.env),
    mnesiaSchema: existsSync(join(settings.spoolDir, 'schema.DAT')),
    permissionFindings: audit,
    systemdDir,
    systemEpmd: readSystemEpmd(systemdDir, detectSystemEpmd({ ...SYSTEM_ROOTS, systemdDir }), fileState),
  };
}

/** A cfg holding shell code is refused with words about editing it; the text is kept for the edit. */
function loadSettingsForSetup(ctx: DetectCtx, flags: LocationFlags): { settings: Settings; cfgText: string } {
  const { settings } = loadSettings(ctx, flags, {
    onUnparsableCfg: (err) => {
      throw refuseToEdit(err);
    },
  });
  return { settings, cfgText: readCfgText(settings.ctlConfigPath) };
}

function readCfgText(path: string): string {
  try {
    return readBounded(path, { limit: LIMITS.cfg, what: 'the cfg file' });
  } catch (err) {
    if (!(err instanceof LocalInputError)) throw err;
    if (err.reason === 'missing') return '';
    if (err.reason === 'denied') throw configError(`${path}: cannot read it (${err.code ?? 'EACCES'})`, 'Run ejctl setup as root.');
    throw err;
  }
}

export function fileState(path: string): FileState | undefined {
  try {
    const st = statSync(path);
    return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    return undefined;
  }
}

export function hostAddresses(): HostAddress[] {
  return Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? [])
      // Link-local IPv6 needs a scope id that inet_dist_use_interface cannot take.
      .filter((i) => !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80:')))
      .map((i) => ({ interface: name, address: i.address, family: i.family, internal: i.internal })),
  );
}

function readListeners(ymlPath: string): Listener[] | undefined {
  // A FIFO or an oversized file throws (78): setup runs as root in a directory ejabberd writes.
  const text = readEjabberdYml(ymlPath);
  if (text === undefined) return undefined;
  try {
    return parseListeners(text);
  } catch {
    return undefined;
  }
}

async function isRegistered(s: Settings, env: NodeJS.ProcessEnv): Promise<boolean> {
  const answer = await epmdNames(s.nodeName.host, epmdPort(env), 1000);
  return answer.ok && answer.names.some((n) => n.name === s.nodeName.name);
}

/** Permission findings a chmod clears; the cfg and the cookie are rewritten by setup itself. */
async function auditPermissions(ctx: DetectCtx, settings: Settings, systemdDir: string, ownPaths: string[]): Promise<Finding[]> {
  const report = await runAudit(ctx, settings, { roots: { systemdDir } });
  return report.findings.filter((f) => f.path !== undefined && f.fixMode !== undefined && !ownPaths.includes(f.path));
}
