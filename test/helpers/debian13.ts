/**
 * A Debian 13 (trixie: ejabberd 24.12, Erlang/OTP 27, Node 20.19) root for release tests. The
 * root is built once (scripts/debian13-root.sh; CI builds it once per run) and never changed:
 * each test file works on an overlay of it in a temp dir, with its own /proc, ejctl copied in,
 * and its own node names; the nodes share the host's network and this run's EPMD. Everything
 * Debian 13 runs (ejabberdctl, erl, ejctl on Debian's Node) runs inside the root.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epmdPort, ROOT, type CliResult } from './env.js';
import { ejabberdYml, uniqueName } from './node.js';

export const DEBIAN13_ROOT = process.env.EJCTL_DEBIAN13_ROOT ?? join(tmpdir(), 'ejctl-debian13-root');
const PREFIX = 'ejctl-d13-';
/** Building the root downloads and unpacks about 450 MB of packages. */
export const BUILD_TIMEOUT_MS = 20 * 60_000;

export interface ReleaseRoot {
  /** The overlay's merged view: the root the commands see. */
  dir: string;
  /** The ejabberd user of the root (its uid differs from Debian 12's). */
  user: { uid: number; gid: number };
  /** Runs a program inside the root, as root or as the ejabberd user, with a clean environment. */
  run: (argv: string[], opts?: { asEjabberd?: boolean; env?: Record<string, string>; input?: string; cwd?: string }) => Promise<CliResult>;
  /** ejctl inside the root, on Debian 13's Node. */
  ejctl: (args: string[], opts?: { env?: Record<string, string>; input?: string }) => Promise<CliResult>;
  close: () => Promise<void>;
}

export async function openDebian13(): Promise<ReleaseRoot> {
  await cleanStale();
  await execa('bash', [join(ROOT, 'scripts/debian13-root.sh'), DEBIAN13_ROOT], { timeout: BUILD_TIMEOUT_MS, stdio: 'inherit' });
  const base = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(base, 'owner.pid'), String(process.pid));
  const [upper, work, dir] = ['upper', 'work', 'merged'].map((d) => join(base, d)) as [string, string, string];
  for (const d of [upper, work, dir]) mkdirSync(d);
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${DEBIAN13_ROOT},upperdir=${upper},workdir=${work}`, dir]);
  await execa('mount', ['-t', 'proc', 'proc', join(dir, 'proc')]);
  // debootstrap writes no /etc/hosts; Debian's installer does (and erl resolves localhost from it).
  if (!existsSync(join(dir, 'etc/hosts')))
    writeFileSync(join(dir, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  // ejctl as built by this run (a copy: nothing of the repository is mounted into the root).
  mkdirSync(join(dir, 'opt/ejctl'), { recursive: true });
  await execa('cp', ['-a', ...['bin', 'dist', 'node_modules', 'package.json'].map((f) => join(ROOT, f)), join(dir, 'opt/ejctl/')]);
  const user = ejabberdUser(dir);
  const env = (extra: Record<string, string> = {}) => [
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    'LANG=C.UTF-8',
    `ERL_EPMD_PORT=${epmdPort()}`,
    ...Object.entries({ HOME: '/root', ...extra }).map(([k, v]) => `${k}=${v}`),
  ];
  const run: ReleaseRoot['run'] = async (argv, opts = {}) => {
    const who = opts.asEjabberd ? ['setpriv', '--reuid', 'ejabberd', '--regid', 'ejabberd', '--clear-groups'] : [];
    const inside = [...who, '/usr/bin/env', '-i', ...env(opts.env), ...(opts.cwd ? ['/usr/bin/env', '-C', opts.cwd] : []), ...argv];
    const r = await execa('/usr/sbin/chroot', [dir, ...inside], {
      reject: false,
      stripFinalNewline: false,
      extendEnv: false,
      env: {},
      timeout: 120_000,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  };
  return {
    dir,
    user,
    run,
    ejctl: (args, opts = {}) => run(['/usr/bin/node', '/opt/ejctl/bin/ejctl.js', ...args], opts),
    close: () => closeRoot(base),
  };
}

function ejabberdUser(dir: string): { uid: number; gid: number } {
  const line = readFileSync(join(dir, 'etc/passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ejabberd:'));
  const f = line?.split(':') ?? [];
  if (f.length < 4) throw new Error('the Debian 13 root has no ejabberd user');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Kills what still runs inside the overlay, unmounts it, then removes it (only once unmounted). */
async function closeRoot(base: string): Promise<void> {
  const merged = join(base, 'merged');
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/root`) === merged) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone, or not ours to read */
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  await execa('umount', ['-R', '-l', merged], { reject: false });
  if (mountedUnder(base)) throw new Error(`${merged} is still mounted: not removing ${base}`);
  rmSync(base, { recursive: true, force: true });
}

function mountedUnder(base: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => (l.split(' ')[4] ?? '').startsWith(`${base}/`));
}

/** A run that crashed may have left an overlay mounted: unmount and remove those whose test process is gone. */
async function cleanStale(): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const base = join(tmpdir(), name);
    try {
      process.kill(Number(readFileSync(join(base, 'owner.pid'), 'utf8')), 0);
      continue; // another run, still going
    } catch {
      await closeRoot(base).catch(() => {});
    }
  }
}

/** Writes a file inside the root with its final mode and owner. */
export function writeInRoot(r: ReleaseRoot, path: string, text: string, mode: number, owner?: { uid: number; gid: number }): void {
  const full = join(r.dir, path);
  writeFileSync(full, text, { mode, flag: 'wx' });
  if (owner) chownSync(full, owner.uid, owner.gid);
}

/** An ejabberd node of the root (paths are inside the root). */
export interface RootNode {
  node: string;
  dir: string;
  cfg: string;
  home: string;
  spool: string;
  logs: string;
  /** ejctl inside the root with this node's cfg. */
  ctl: (args: string[], opts?: { env?: Record<string, string>; input?: string }) => Promise<CliResult>;
  /** Debian 13's ejabberdctl; `home` gives it another HOME (so another cookie file). */
  ejabberdctl: (args: string[], opts?: { home?: string }) => Promise<CliResult>;
}

/**
 * A node's files inside the root, owned by the root's ejabberd user; started by `ejctl start`.
 * Its own name, dirs and cookie (random unless given: cluster members share one); no listener
 * unless given loopback ports for c2s and for ejabberd's HTTP API (test/helpers/httpApi.ts).
 */
export function rootNode(r: ReleaseRoot, opts: { cookie?: string; c2sPort?: number; apiPort?: number } = {}): RootNode {
  const name = uniqueName('ejd13');
  const node = `${name}@localhost`;
  const dir = `/srv/ejctl/${name}`;
  const [home, spool, logs] = ['home', 'spool', 'logs'].map((d) => `${dir}/${d}`) as [string, string, string];
  mkdirSync(join(r.dir, dir), { recursive: true, mode: 0o755 });
  for (const d of [home, spool, logs]) {
    mkdirSync(join(r.dir, d), { mode: 0o700 });
    chownSync(join(r.dir, d), r.user.uid, r.user.gid);
  }
  writeInRoot(r, `${home}/.erlang.cookie`, opts.cookie ?? randomBytes(32).toString('hex'), 0o400, r.user);
  writeInRoot(r, `${dir}/ejabberd.yml`, ejabberdYml(opts.c2sPort, opts.apiPort), 0o600, r.user);
  // As Debian ships it: ejabberdctl exports ERL_INETRC=CONFIG_DIR/inetrc (README: differences).
  writeInRoot(r, `${dir}/inetrc`, '{lookup,["file","native"]}.\n{hosts_file, "/etc/hosts"}.\n', 0o644);
  const cfg = `${dir}/ejabberdctl.cfg`;
  writeInRoot(
    r,
    cfg,
    [
      `ERLANG_NODE=${node}`,
      `CONFIG_DIR=${dir}`,
      `SPOOL_DIR=${spool}`,
      `LOGS_DIR=${logs}`,
      `EJABBERD_CONFIG_PATH=${dir}/ejabberd.yml`,
      `COOKIE_FILE=${home}/.erlang.cookie`,
      'INSTALLUSER=ejabberd',
      '',
    ].join('\n'),
    0o644,
  );
  return {
    node,
    dir,
    cfg,
    home,
    spool,
    logs,
    ctl: (args, opts) => r.ejctl(['-c', cfg, ...args], opts),
    // Debian 13's ejabberdctl, as the ejabberd user (run as root it would su), with the node's cfg.
    ejabberdctl: (args, o = {}) =>
      r.run(
        ['/usr/sbin/ejabberdctl', '--config-dir', dir, '--ctl-config', cfg, '--node', node, '--spool', spool, '--logs', logs, ...args],
        {
          asEjabberd: true,
          env: { HOME: o.home ?? home },
          cwd: spool,
        },
      ),
  };
}

/** The node's own logs, for a failure message. */
export function logsOf(r: ReleaseRoot, n: RootNode): string {
  const dir = join(r.dir, n.logs);
  return readdirSync(dir)
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-3000)}`)
    .join('\n');
}
