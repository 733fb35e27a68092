/**
 * A small network inside the test machine: hosts that are network namespaces (each with its own
 * UTS namespace, so its own host name without a domain, as in containers, and its own mount
 * namespace, where a temp file is bind-mounted over /etc/hosts: /etc itself is never written),
 * joined by veth pairs to a bridge that lives in a namespace of its own. The root namespace's
 * interfaces and routes are never touched, and traffic stays inside the harness's namespaces.
 *
 * Each namespace is held by a `sleep` process (its "holder"); a holder carries EJCTL_NETNS_OWNER
 * in its environment, so a later run finds the leftovers of a crashed one (owner pid gone) and
 * removes them. Removing a host kills every process in its network namespace (the ejabberd node,
 * its EPMD, tcpdump), then its holder: the kernel then removes the namespace and its veth.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type CliResult } from './env.js';

const OWNER_VAR = 'EJCTL_NETNS_OWNER';
/** The FQDN domain the hosts file gives every host (its host name itself has none). */
export const DOMAIN = 'ejctl.test';

export interface NsExecOptions {
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface NsHost {
  /** Host name without a domain, e.g. `h1`. */
  name: string;
  /** `h1.ejctl.test`, resolvable through the hosts file of every host. */
  fqdn: string;
  address: string;
  holderPid: number;
  /** Runs argv inside this host (its network, host name and /etc/hosts), never through a shell. */
  exec(file: string, args: string[], opts?: NsExecOptions): Promise<CliResult>;
  /** argv that runs `file args` inside this host, for a long-lived process (tcpdump). */
  argv(file: string, args: string[]): string[];
}

export interface Network {
  subnet: string;
  hosts: Record<string, NsHost>;
  /** The bridge's namespace holder (for a capture on `br0`). */
  bridge: NsHost;
  destroy: () => Promise<void>;
}

const NSENTER = '/usr/bin/nsenter';
const IP = '/usr/sbin/ip';

/** The environment of every process run in a host: no EPMD port of the test run's loopback EPMD. */
function hostEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/nonexistent', ...extra };
}

function nsArgv(pid: number, file: string, args: string[]): string[] {
  return [NSENTER, '-t', String(pid), '-n', '-u', '-m', '--', file, ...args];
}

function makeHost(name: string, address: string, holderPid: number): NsHost {
  const argv = (file: string, args: string[]) => nsArgv(holderPid, file, args);
  return {
    name,
    fqdn: `${name}.${DOMAIN}`,
    address,
    holderPid,
    argv,
    async exec(file, args, opts = {}) {
      const [cmd, ...rest] = argv(file, args);
      const r = await execa(cmd ?? NSENTER, rest, {
        env: hostEnv(opts.env),
        extendEnv: false,
        reject: false,
        stripFinalNewline: false,
        ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        timeout: opts.timeoutMs ?? 120_000,
      });
      return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
    },
  };
}

async function must(host: NsHost, file: string, args: string[]): Promise<void> {
  const r = await host.exec(file, args);
  if (r.exitCode !== 0) throw new Error(`${host.name}: ${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
}

/** A holder: a process in new network, UTS and (private) mount namespaces. */
async function startHolder(withMount: boolean): Promise<number> {
  const flags = ['--net', '--uts', ...(withMount ? ['--mount', '--propagation', 'private'] : [])];
  const child = spawn('/usr/bin/unshare', [...flags, '--', '/bin/sleep', 'infinity'], {
    detached: true,
    stdio: 'ignore',
    env: { ...hostEnv(), [OWNER_VAR]: String(process.pid) },
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  // unshare execs sleep in the same process once the namespaces exist; until it has, its argv
  // already names /bin/sleep, so wait for the namespace itself to differ from ours (else the
  // harness would configure the root namespace).
  const deadline = Date.now() + 10_000;
  const kinds = ['net', 'uts', ...(withMount ? ['mnt'] : [])];
  const shared = () => kinds.some((k) => readlinkOr(`/proc/${pid}/ns/${k}`) === readlinkOr(`/proc/self/ns/${k}`));
  while (shared() || readArgv(pid)[0] !== '/bin/sleep') {
    if (Date.now() > deadline) throw new Error('the namespace holder did not come up');
    await new Promise((r) => setTimeout(r, 20));
  }
  return pid;
}

function readArgv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * Builds the network: one bridge namespace and a host per name, addresses .1, .2, ... of a
 * private /24 picked at random (in the bridge's own namespace nothing can collide anyway).
 */
export async function createNetwork(names: string[]): Promise<Network> {
  removeStaleNetworks();
  const subnet = `10.${randomInt(100, 250)}.${randomInt(1, 250)}`;
  const holders: number[] = [];
  const destroy = async () => {
    for (const pid of holders.splice(0).reverse()) killNamespace(pid);
    await Promise.resolve();
  };
  try {
    const brPid = await startHolder(false);
    holders.push(brPid);
    const bridge = makeHost('bridge', `${subnet}.254`, brPid);
    await must(bridge, IP, ['link', 'add', 'br0', 'type', 'bridge']);
    await must(bridge, IP, ['link', 'set', 'br0', 'up']);
    const hostsFile = join(tempDir('ejctl-netns-'), 'hosts');
    // As in a container: each host's own name has no domain (so a bare `erl -name` finds none);
    // the FQDNs resolve through lines of their own.
    const lines = [
      '127.0.0.1 localhost',
      ...names.map((n, i) => `${subnet}.${i + 1} ${n}`),
      ...names.map((n, i) => `${subnet}.${i + 1} ${n}.${DOMAIN}`),
    ];
    writeFileSync(hostsFile, `${lines.join('\n')}\n`, { mode: 0o644, flag: 'wx' });
    const hosts: Record<string, NsHost> = {};
    for (const [i, name] of names.entries()) {
      const pid = await startHolder(true);
      holders.push(pid);
      const host = makeHost(name, `${subnet}.${i + 1}`, pid);
      await must(bridge, IP, ['link', 'add', `v${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)]);
      await must(bridge, IP, ['link', 'set', `v${name}`, 'master', 'br0', 'up']);
      await must(host, IP, ['addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
      await must(host, IP, ['link', 'set', 'eth0', 'up']);
      await must(host, IP, ['link', 'set', 'lo', 'up']);
      await must(host, '/usr/bin/hostname', [name]);
      await must(host, '/usr/bin/mount', ['--bind', hostsFile, '/etc/hosts']);
      hosts[name] = host;
    }
    return { subnet: `${subnet}.0/24`, hosts, bridge, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

function readlinkOr(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

const netnsOf = (pid: number | string): string | undefined => readlinkOr(`/proc/${pid}/ns/net`);

/** Kills every process in the holder's network namespace, the holder last. */
function killNamespace(holderPid: number): void {
  const ns = netnsOf(holderPid);
  if (ns === undefined || ns === netnsOf('self')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === holderPid) continue;
    if (netnsOf(entry) === ns) signal(Number(entry));
  }
  signal(holderPid);
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Holders (and everything in their namespaces) left by a run whose process is gone. */
export function removeStaleNetworks(): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let owner: number | undefined;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const line = env.find((l) => l.startsWith(`${OWNER_VAR}=`));
      owner = line === undefined ? undefined : Number(line.slice(OWNER_VAR.length + 1));
    } catch {
      continue;
    }
    if (owner === undefined || !readArgv(Number(entry)).includes('/bin/sleep')) continue;
    if (!isAlive(owner)) killNamespace(Number(entry));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs the Erlang VM of `node` running in `host` (found by its network namespace, so a node
 * of the same name in another test run's network is never touched), and waits until it is gone.
 */
export async function killNode(host: NsHost, node: string): Promise<void> {
  const netns = readlinkOr(`/proc/${host.holderPid}/ns/net`);
  const pids = readdirSync('/proc').filter((e) => {
    if (!/^\d+$/.test(e) || readlinkOr(`/proc/${e}/ns/net`) !== netns) return false;
    const argv = readArgv(Number(e));
    return (argv[0] ?? '').endsWith('beam.smp') && argv.includes(node);
  });
  if (pids.length !== 1) throw new Error(`expected one VM of ${node} in ${host.name}, found ${pids.length}`);
  const pid = Number(pids[0]);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${node}'s VM (pid ${pid}) did not die`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
