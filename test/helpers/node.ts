/**
 * Real ejabberd nodes for tests: each in its own temp dir with its own node name, spool, logs,
 * ejabberd.yml, ejabberdctl.cfg and cookie, started directly with erl (so the core tests do not
 * depend on `ejctl start`), and stopped afterwards. Never the system node.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, writeSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { httpApiListener, httpApiYml } from './httpApi.js';
import { chownToNodeUser, cleanupTempDirs, ejctl, epmdPort, nodeUser, tempDir, type CliResult } from './env.js';

export interface TestNode {
  /** Short name, e.g. ejt1234a. */
  name: string;
  /** name@localhost */
  node: string;
  dir: string;
  home: string;
  spool: string;
  logs: string;
  cookieFile: string;
  cookie: string;
  cfgPath: string;
  ymlPath: string;
  c2sPort: number | undefined;
  /** The loopback port of ejabberd's HTTP API (`/api`), when asked for with `httpApi`. */
  apiPort: number | undefined;
  /** Runs ejctl against this node (`-c` its cfg prepended). */
  ctl: (args: string[], opts?: { env?: Record<string, string | undefined>; input?: string }) => Promise<CliResult>;
  stop: () => Promise<void>;
}

export interface NodeOptions {
  /** Extra lines for ejabberdctl.cfg. */
  cfgExtra?: string;
  /** Open a c2s listener on a free loopback port. */
  c2s?: boolean;
  /** ejabberd's HTTP API (mod_http_api) on a free loopback port, open to loopback, with MUC and vCard (test/helpers/httpApi.ts). */
  httpApi?: boolean;
  /** Extra environment for the node's VM (e.g. ERL_EPMD_ADDRESS). */
  env?: Record<string, string>;
  /** Extra erl arguments (e.g. -kernel inet_dist_listen_min ...). */
  erlArgs?: string[];
  /** Use this cookie instead of a random one. */
  cookie?: string;
  /**
   * TLS distribution set up by ejctl itself: a CA in DIR/ca (`ejctl tls init-ca`), the node's
   * certificate installed in DIR/tls with ERL_OPTIONS in the cfg (`ejctl tls issue`), and the
   * node booted with `-proto_dist inet_tls -ssl_dist_optfile DIR/tls/ssl_dist.conf`.
   */
  tls?: boolean;
  /** The host part of the node name (default localhost); one with a dot gives a long name (-name). */
  host?: string;
  /** The files for a node that runs elsewhere (a Debian 13 root): its name, and the cookie it runs with. */
  node?: string;
}

let counter = 0;

export function uniqueName(prefix = 'ejt'): string {
  return `${prefix}${process.pid}${String.fromCharCode(97 + (counter++ % 26))}${counter}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Writes a file with its final mode from the first byte. */
export function writeFileMode(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export function ejabberdYml(c2sPort: number | undefined, apiPort?: number): string {
  const listeners = [
    c2sPort === undefined ? '' : `  -\n    port: ${c2sPort}\n    ip: "127.0.0.1"\n    module: ejabberd_c2s\n    starttls: false\n`,
    apiPort === undefined ? '' : httpApiListener(apiPort),
  ].join('');
  const listen = listeners === '' ? 'listen: []' : `listen:\n${listeners}`;
  const api = apiPort === undefined ? { yml: '', modules: '' } : httpApiYml();
  return `hosts:\n  - localhost\nloglevel: warning\n${listen}\nacl:\n  admin:\n    user: admin@localhost\naccess_rules:\n  local:\n    allow: all\n  c2s:\n    allow: all\n${api.yml}auth_method: internal\nauth_password_format: plain\nmodules:\n  mod_adhoc: {}\n  mod_admin_extra: {}\n  mod_disco: {}\n  mod_roster: {}\n${api.modules}`;
}

export async function createTestNodeFiles(opts: NodeOptions = {}): Promise<Omit<TestNode, 'stop'>> {
  const name = opts.node?.split('@')[0] ?? uniqueName();
  const node = opts.node ?? `${name}@${opts.host ?? 'localhost'}`;
  const dir = tempDir('ejctl-node-');
  const home = join(dir, 'home');
  const spool = join(dir, 'spool');
  const logs = join(dir, 'logs');
  for (const d of [home, spool, logs]) {
    mkdirSync(d, { mode: 0o700 });
    chownToNodeUser(d);
  }
  const cookie = opts.cookie ?? randomBytes(32).toString('base64url').replace(/[-_]/g, 'x');
  const cookieFile = join(home, '.erlang.cookie');
  writeFileMode(cookieFile, cookie, 0o400);
  chownToNodeUser(cookieFile);
  const c2sPort = opts.c2s ? await freePort() : undefined;
  const apiPort = opts.httpApi ? await freePort() : undefined;
  const ymlPath = join(dir, 'ejabberd.yml');
  writeFileMode(ymlPath, ejabberdYml(c2sPort, apiPort), 0o600);
  chownToNodeUser(ymlPath);
  // As Debian ships it: ejabberdctl exports ERL_INETRC=CONFIG_DIR/inetrc.
  writeFileMode(
    join(dir, 'inetrc'),
    '{lookup,["file","native"]}.\n{hosts_file, "/etc/hosts"}.\n{file, resolv, "/etc/resolv.conf"}.\n',
    0o644,
  );
  const cfgPath = join(dir, 'ejabberdctl.cfg');
  const user = nodeUser();
  const cfg = [
    `ERLANG_NODE=${node}`,
    `CONFIG_DIR=${dir}`,
    `SPOOL_DIR=${spool}`,
    `LOGS_DIR=${logs}`,
    `EJABBERD_CONFIG_PATH=${ymlPath}`,
    `COOKIE_FILE=${cookieFile}`,
    `INSTALLUSER=${user?.name ?? ''}`,
    opts.cfgExtra ?? '',
    '',
  ].join('\n');
  writeFileMode(cfgPath, cfg, 0o644);
  const ctl = (args: string[], o: { env?: Record<string, string | undefined>; input?: string } = {}) => ejctl(['-c', cfgPath, ...args], o);
  if (opts.tls) await setUpTls(dir, ctl);
  return { name, node, dir, home, spool, logs, cookieFile, cookie, cfgPath, ymlPath, c2sPort, apiPort, ctl };
}

/**
 * A test node for the tests of the enclosing describe: started before them, stopped (and the
 * temp dirs removed) after them, also when a test fails. The returned object stands for the node
 * once it runs.
 */
export function useTestNode(opts: NodeOptions = {}): TestNode {
  let node: TestNode | undefined;
  beforeAll(async () => {
    node = await startTestNode(opts);
  });
  afterAll(async () => {
    await node?.stop();
    cleanupTempDirs();
  });
  return new Proxy({} as TestNode, {
    get: (_target, key: keyof TestNode) => {
      if (!node) throw new Error('the test node is not running (used outside a test?)');
      return node[key];
    },
  });
}

/** Starts ejabberd in the node's dirs with erl directly, and waits until it answers `status`. */
export async function startTestNode(opts: NodeOptions = {}): Promise<TestNode> {
  const files = await createTestNodeFiles(opts);
  await bootNode(files, opts);
  return { ...files, stop: () => stopTestNode(files) };
}

/** The CA and the node's certificate, made with ejctl tls as an operator would. */
async function setUpTls(dir: string, ctl: (args: string[]) => Promise<CliResult>): Promise<void> {
  for (const args of [
    ['tls', 'init-ca', '--ca-dir', join(dir, 'ca')],
    ['tls', 'issue', '--ca-dir', join(dir, 'ca')],
  ]) {
    const r = await ctl(args);
    if (r.exitCode !== 0) throw new Error(`ejctl ${args.join(' ')} failed: ${r.stderr}`);
  }
}

/** The VM arguments of TLS distribution as ejctl tls writes them (test nodes boot with erl directly). */
export function tlsErlArgs(dir: string): string[] {
  return ['-proto_dist', 'inet_tls', '-ssl_dist_optfile', join(dir, 'tls', 'ssl_dist.conf')];
}

export async function bootNode(files: Omit<TestNode, 'stop'>, opts: NodeOptions = {}): Promise<void> {
  const user = nodeUser();
  const args = [
    files.node.includes('.') ? '-name' : '-sname',
    files.node,
    '-noinput',
    '-detached',
    ...(opts.tls ? tlsErlArgs(files.dir) : []),
    ...(opts.erlArgs ?? []),
    '-mnesia',
    'dir',
    `"${files.spool}"`,
    '-s',
    'ejabberd',
  ];
  await execa('/usr/bin/erl', args, {
    cwd: files.spool,
    env: {
      HOME: files.home,
      ERL_EPMD_PORT: epmdPort(),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      EJABBERD_CONFIG_PATH: files.ymlPath,
      EJABBERD_LOG_PATH: join(files.logs, 'ejabberd.log'),
      ERL_CRASH_DUMP: join(files.logs, 'erl_crash.dump'),
      ERL_LIBS: '/usr/lib/x86_64-linux-gnu',
      ...opts.env,
    },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    stdin: 'ignore',
  });
  await waitFor(async () => (await files.ctl(['status'])).exitCode === 0, 60_000, `${files.node} did not start; see ${files.logs}`);
}

export async function stopTestNode(files: Pick<TestNode, 'node' | 'ctl' | 'logs'>): Promise<void> {
  await files.ctl(['stop']);
  const gone = await waitFor(() => beamPids(files.node).length === 0, 20_000, '').then(
    () => true,
    () => false,
  );
  if (!gone) for (const pid of beamPids(files.node)) process.kill(pid, 'SIGKILL');
}

/** beam.smp processes whose command line names this node. */
export function beamPids(node: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.includes('beam') && argv.includes(node)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(message || 'timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}
