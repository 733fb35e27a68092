/**
 * A temp dir laid out like a fresh Debian ejabberd install, for `ejctl setup` to harden:
 * ejabberdctl.cfg a symlink to default/ejabberd (as /etc/ejabberd/ejabberdctl.cfg points to
 * /etc/default/ejabberd), that file 0644 root:root with Debian's commented defaults, the weak
 * cookie OTP makes (20 upper-case letters) at a loose 0644, ejabberd.yml readable by all,
 * logs readable by all. The cfg's location variables point into the temp dir, never /etc.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createTestNodeFiles, writeFileMode, type TestNode } from '../helpers/node.js';
import { nodeUser, tempDir } from '../helpers/env.js';

export const WEAK_COOKIE = 'QWERTYUIOPASDFGHJKLZ';

/** `systemdDir`: an empty unit dir for `--systemd-dir`, so no test reads or writes the real /etc/systemd. */
export type Install = Omit<TestNode, 'stop'> & { realCfg: string; systemdDir: string };

/** Modelled on Debian's /etc/default/ejabberd: doc blocks, commented-out defaults, two live lines. */
export function debianCfgText(locations: string[]): string {
  return [
    '#',
    '# In this file you can configure options that are passed by ejabberdctl',
    '# to the erlang runtime system when starting ejabberd',
    '#',
    '',
    "#' POLL: Kernel polling ([true|false])",
    '#',
    '# Default: true',
    '#',
    '#POLL=true',
    '',
    '#.',
    "#' FIREWALL_WINDOW: Range of allowed ports to pass through a firewall",
    '#',
    '# Default: not defined',
    '# Example: 4200-4210',
    '#',
    '#FIREWALL_WINDOW=',
    '',
    '#.',
    "#' INET_DIST_INTERFACE: IP address where this Erlang node listens other nodes",
    '#',
    '# Default: 0.0.0.0',
    '#',
    '#INET_DIST_INTERFACE=127.0.0.1',
    '',
    '#.',
    "#' ERL_OPTIONS: Additional Erlang options",
    '#',
    '# Default: "-env ERL_CRASH_DUMP_BYTES 0"',
    '#',
    'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"   # keep crash dumps small',
    '',
    '#.',
    "#' ERLANG_NODE: Erlang node name",
    '#',
    '# Default: ejabberd@localhost',
    '#',
    '#ERLANG_NODE=ejabberd@localhost',
    '',
    '#.',
    "#' Locations (this test install lives in a temp dir, not in /etc)",
    ...locations,
    '',
    '#.',
    "#'",
    "# vim: foldmarker=#',#. foldmethod=marker:",
    '',
  ].join('\n');
}

export async function createDebianInstall(): Promise<Install> {
  const files = await createTestNodeFiles({ cookie: WEAK_COOKIE });
  const user = nodeUser();
  const locations = [
    `export ERLANG_NODE=${files.node}`,
    `CONFIG_DIR=${files.dir}`,
    `SPOOL_DIR=${files.spool}`,
    `LOGS_DIR=${files.logs}`,
    `EJABBERD_CONFIG_PATH=${files.ymlPath}`,
    `COOKIE_FILE=${files.cookieFile}`,
    `INSTALLUSER=${user?.name ?? ''}`,
  ];
  const defaults = join(files.dir, 'default');
  mkdirSync(defaults, { mode: 0o755 });
  const realCfg = join(defaults, 'ejabberd');
  writeFileMode(realCfg, debianCfgText(locations), 0o644);
  rmSync(files.cfgPath);
  symlinkSync('default/ejabberd', files.cfgPath);
  // What OTP leaves behind, and what a careless package leaves readable.
  chmodSync(files.cookieFile, 0o644);
  chmodSync(files.ymlPath, 0o644);
  chmodSync(files.logs, 0o755);
  return { ...files, realCfg, systemdDir: tempDir('ejctl-systemd-') };
}

export interface Entry {
  type: 'file' | 'dir' | 'link';
  mode: number;
  uid: number;
  gid: number;
  content: string;
}

/** Every entry under `dir`: type, mode, owner and bytes (link targets for links). */
export function snapshot(dir: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
      const content = type === 'link' ? readlinkSync(p) : type === 'file' ? readFileSync(p).toString('base64') : '';
      out[p] = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, content };
      if (type === 'dir') walk(p);
    }
  };
  walk(dir);
  return out;
}

/** epmd.socket enabled in the install's unit dir, as Debian's erlang package leaves it. */
export function enableSystemEpmd(inst: Pick<Install, 'systemdDir'>): void {
  mkdirSync(join(inst.systemdDir, 'sockets.target.wants'), { recursive: true });
  symlinkSync('/lib/systemd/system/epmd.socket', join(inst.systemdDir, 'sockets.target.wants/epmd.socket'));
}
