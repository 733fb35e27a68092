/**
 * A three-host ejabberd cluster on the harness's network (test/helpers/netns.ts), built the way
 * an operator builds one: on each host, files laid out as an install (cfg, ejabberd.yml, spool,
 * logs, home), `ejctl setup --cluster ... --yes` run on that host, `ejctl start`, then
 * `join_cluster` to the first node. Nodes have long names: h1 and h2 by IP address, h3 by FQDN
 * (resolved through the hosts file the harness gives every host); no host name has a domain.
 * Besides the three, an operator host (ejctl and ejabberdctl, with a cfg per node and the
 * cluster's cookie) and an outsider host (nothing of the cluster).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chownToNodeUser, EJCTL, tempDir, type CliResult } from './env.js';
import { createNetwork, type Network, type NsExecOptions, type NsHost } from './netns.js';
import { ejabberdYml, waitFor, writeFileMode } from './node.js';

export const WINDOW = '4370-4379';
export const EJABBERDCTL = '/usr/sbin/ejabberdctl';

export interface HostNode {
  host: NsHost;
  node: string;
  dir: string;
  cfgPath: string;
  logs: string;
  /** ejctl on this node's own host, with its cfg. */
  ctl(args: string[], opts?: NsExecOptions): Promise<CliResult>;
}

/** What the operator host holds for one node: a cfg naming it, the cluster's cookie. */
export interface OperatorTarget {
  node: string;
  dir: string;
  cfgPath: string;
  home: string;
  spool: string;
  logs: string;
}

export interface HostCluster {
  net: Network;
  nodes: HostNode[];
  operator: NsHost;
  outsider: NsHost;
  cookie: string;
  targets: OperatorTarget[];
  /** The cluster CA (TLS clusters): on the operator host only. */
  caDir?: string;
  /** ERL_OPTIONS of the operator's cfgs (TLS with its client certificate), if any. */
  operatorErlOptions?: string;
  destroy(): Promise<void>;
}

let stateDir: string | undefined;
/** The rotation's state dir for this run (ejctl makes it 0700): never root's /var/lib/ejctl. */
export function rotationStateDir(): string {
  stateDir ??= join(tempDir('ejctl-state-'), 'state');
  return stateDir;
}

/** Runs the built ejctl inside a host. */
export function ejctlOn(host: NsHost, args: string[], opts: NsExecOptions = {}): Promise<CliResult> {
  return host.exec(process.execPath, [EJCTL, ...args], { ...opts, env: { EJCTL_STATE_DIR: rotationStateDir(), ...opts.env } });
}

function nodeDirs(prefix: string): { dir: string; home: string; spool: string; logs: string } {
  const dir = tempDir(prefix);
  const [home, spool, logs] = ['home', 'spool', 'logs'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [home, spool, logs]) {
    mkdirSync(d, { mode: 0o700 });
    chownToNodeUser(d);
  }
  return { dir, home, spool, logs };
}

/** As Debian ships it (ejabberdctl exports ERL_INETRC=CONFIG_DIR/inetrc): names from /etc/hosts first. */
function writeInetrc(dir: string): void {
  writeFileMode(join(dir, 'inetrc'), '{lookup,["file","native"]}.\n{hosts_file, "/etc/hosts"}.\n', 0o644);
}

function locationLines(d: { dir: string; home: string; spool: string; logs: string }, cookieFile?: string): string[] {
  return [
    `CONFIG_DIR=${d.dir}`,
    `SPOOL_DIR=${d.spool}`,
    `LOGS_DIR=${d.logs}`,
    `EJABBERD_CONFIG_PATH=${join(d.dir, 'ejabberd.yml')}`,
    `COOKIE_FILE=${cookieFile ?? join(d.home, '.erlang.cookie')}`,
    'INSTALLUSER=ejabberd',
  ];
}

/** An install as a package leaves it, before setup: no node name, no cookie yet. */
function layOutInstall(host: NsHost): Omit<HostNode, 'node' | 'ctl'> {
  const d = nodeDirs(`ejctl-${host.name}-`);
  const yml = join(d.dir, 'ejabberd.yml');
  writeFileMode(yml, ejabberdYml(undefined), 0o600);
  chownToNodeUser(yml);
  writeInetrc(d.dir);
  const cfgPath = join(d.dir, 'ejabberdctl.cfg');
  writeFileMode(cfgPath, `${locationLines(d).join('\n')}\n`, 0o644);
  return { host, dir: d.dir, cfgPath, logs: d.logs };
}

export interface ClusterOptions {
  /**
   * TLS distribution: the operator makes a cluster CA (`ejctl tls init-ca`) and a certificate per
   * node (`ejctl tls issue NODE --out DIR`), each host's setup installs its own with
   * --tls-cert/--tls-key/--tls-ca, and the operator's cfgs get a client certificate of its own.
   */
  tls?: boolean;
}

export async function startHostCluster(opts: ClusterOptions = {}): Promise<HostCluster> {
  const net = await createNetwork(['h1', 'h2', 'h3', 'op', 'out']);
  const h = net.hosts;
  const [h1, h2, h3, operator, outsider] = [h.h1, h.h2, h.h3, h.op, h.out] as NsHost[] as [NsHost, NsHost, NsHost, NsHost, NsHost];
  const cookie = randomBytes(32).toString('base64url').replace(/[-_]/g, 'x');
  try {
    const opDir = tempDir('ejctl-op-');
    // The cookie as the operator carries it to each host (root's, 0400), for `setup --cookie import`.
    const carried = join(opDir, 'cluster.cookie');
    writeFileMode(carried, cookie, 0o400);
    const members = [h1, h2, h3];
    const names = [`ejabberd@${h1.address}`, `ejabberd@${h2.address}`, `ejabberd@${h3.fqdn}`];
    const installs = members.map(layOutInstall);
    const tls = opts.tls ? await makeCertificates(operator, names, opDir) : undefined;
    await Promise.all(
      installs.map(async (inst, i) => {
        const peers = members.filter((m) => m !== inst.host);
        const r = await ejctlOn(inst.host, [
          'setup',
          '--config-dir',
          inst.dir,
          '--systemd-dir',
          tempDir('ejctl-systemd-'),
          '--cluster',
          '--node',
          names[i] ?? '',
          '--interface',
          inst.host.address,
          '--firewall-window',
          WINDOW,
          '--peers',
          peers.map((p) => p.address).join(','),
          '--import-cookie',
          carried,
          '--fix-permissions',
          '--no-restrict-system-epmd',
          '--yes',
          ...(tls ? tls.setupFlags(i) : ['--no-tls']),
        ]);
        if (r.exitCode !== 0) throw new Error(`setup on ${inst.host.name} failed (${r.exitCode}): ${r.stdout}${r.stderr}`);
      }),
    );
    const nodes: HostNode[] = installs.map((inst, i) => ({
      ...inst,
      node: names[i] ?? '',
      ctl: (args, o) => ejctlOn(inst.host, ['-c', inst.cfgPath, ...args], o),
    }));
    await Promise.all(nodes.map(startOn));
    const [first, ...rest] = nodes as [HostNode, ...HostNode[]];
    for (const n of rest) {
      const r = await n.ctl(['join_cluster', first.node]);
      if (r.exitCode !== 0) throw new Error(`join_cluster ${n.node} -> ${first.node} failed: ${r.stdout}${r.stderr}`);
    }
    await waitFor(async () => (await clusterMembers(first)).length === 3, 60_000, 'the cluster did not form');
    for (const n of nodes) await waitFor(async () => (await n.ctl(['status'])).exitCode === 0, 60_000, `${n.node} not started after join`);
    const targets = nodes.map((n) => operatorTarget(n.node, cookie, tls?.operatorErlOptions));
    return {
      net,
      nodes,
      operator,
      outsider,
      cookie,
      targets,
      ...(tls ? { caDir: tls.caDir, operatorErlOptions: tls.operatorErlOptions } : {}),
      destroy: () => net.destroy(),
    };
  } catch (err) {
    await net.destroy();
    throw err;
  }
}

async function startOn(n: HostNode): Promise<void> {
  const r = await n.ctl(['start']);
  if (r.exitCode !== 0) throw new Error(`start ${n.node} failed (${r.exitCode}): ${r.stdout}${r.stderr}`);
  await waitFor(async () => (await n.ctl(['status'])).exitCode === 0, 90_000, `${n.node} did not start; see ${n.logs}`);
}

export async function clusterMembers(n: HostNode): Promise<string[]> {
  const r = await n.ctl(['list_cluster']);
  if (r.exitCode !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().replace(/^'(.*)'$/, '$1')) // long names print as quoted atoms
    .filter((l) => l !== '')
    .sort();
}

/**
 * The operator's files for one node: a cfg naming it and the cookie in a home of its own (the node
 * user's, 0400); or, with `sharedCookieFile`, a cfg whose COOKIE_FILE is that one file, which all
 * the operator's cfgs share (as docs/cluster.md sets the operator up).
 */
export function operatorTarget(node: string, cookie: string, erlOptions: string | undefined, sharedCookieFile?: string): OperatorTarget {
  const d = nodeDirs('ejctl-optarget-');
  writeInetrc(d.dir);
  if (sharedCookieFile === undefined) {
    const cookieFile = join(d.home, '.erlang.cookie');
    writeFileMode(cookieFile, cookie, 0o400);
    chownToNodeUser(cookieFile);
  }
  const cfgPath = join(d.dir, 'ejabberdctl.cfg');
  const tlsLine = erlOptions === undefined ? [] : [`ERL_OPTIONS="${erlOptions}"`];
  writeFileMode(cfgPath, `${[`ERLANG_NODE=${node}`, ...locationLines(d, sharedCookieFile), ...tlsLine].join('\n')}\n`, 0o644);
  return { node, cfgPath, ...d };
}

/** ejabberdctl on a host, as the ejabberd user (as Debian's, run as root, switches to it), with the target's cfg. */
export function ejabberdctlOn(host: NsHost, t: OperatorTarget, args: string[]): Promise<CliResult> {
  const opts = ['--config-dir', t.dir, '--ctl-config', t.cfgPath, '--node', t.node, '--spool', t.spool, '--logs', t.logs];
  const priv = ['--reuid', 'ejabberd', '--regid', 'ejabberd', '--clear-groups', EJABBERDCTL, ...opts, ...args];
  return host.exec('/usr/bin/setpriv', priv, { env: { HOME: t.home }, cwd: t.spool });
}

interface Certificates {
  caDir: string;
  setupFlags: (i: number) => string[];
  /** ERL_OPTIONS for the operator's cfgs: TLS with the operator's own client certificate. */
  operatorErlOptions: string;
}

/** The CA and every certificate, made on the operator host with ejctl tls, as docs/cluster.md says. */
async function makeCertificates(operator: NsHost, names: string[], opDir: string): Promise<Certificates> {
  const caDir = join(opDir, 'ca');
  const must = async (args: string[]) => {
    const r = await ejctlOn(operator, args);
    if (r.exitCode !== 0) throw new Error(`ejctl ${args.join(' ')} failed (${r.exitCode}): ${r.stdout}${r.stderr}`);
  };
  await must(['tls', 'init-ca', '--ca-dir', caDir]);
  const out = (i: number) => join(opDir, `certs-${i}`);
  for (const [i, node] of names.entries()) await must(['tls', 'issue', node, '--ca-dir', caDir, '--out', out(i)]);
  // The operator's own client certificate (named after its host), its key readable by the user
  // control nodes run as.
  const opOut = join(opDir, 'certs-op');
  await must(['tls', 'issue', `ejctl@${operator.name}`, '--ca-dir', caDir, '--out', opOut]);
  const opKey = join(opDir, 'operator.key');
  writeFileMode(opKey, readFileSync(join(opOut, `${operator.name}.key`), 'utf8'), 0o400);
  chownToNodeUser(opKey);
  const optfile = join(opDir, 'ssl_dist.conf');
  const files = { cert: join(opOut, `${operator.name}.pem`), key: opKey, ca: join(opOut, 'ca.pem') };
  writeFileMode(optfile, operatorOptfile(files), 0o644);
  return {
    caDir,
    setupFlags: (i) => {
      const host = names[i]?.split('@')[1] ?? '';
      return ['--tls-cert', join(out(i), `${host}.pem`), '--tls-key', join(out(i), `${host}.key`), '--tls-ca', join(out(i), 'ca.pem')];
    },
    operatorErlOptions: `-proto_dist inet_tls -ssl_dist_optfile ${optfile}`,
  };
}

/** An ssl_dist option file written by hand, as an operator would (docs/cluster.md). */
export function operatorOptfile(f: { cert: string; key: string; ca: string }): string {
  const common = `{certfile, "${f.cert}"}, {keyfile, "${f.key}"}, {cacertfile, "${f.ca}"}, {verify, verify_peer}, {versions, ['tlsv1.3']}`;
  return `[{server, [${common}, {fail_if_no_peer_cert, true}]},\n {client, [${common}]}].\n`;
}

export interface ParityRun {
  node: string;
  tool: string;
  stdout: string;
  code: number;
}

/**
 * One command from a host through ejabberdctl, then through ejctl on each transport, with the
 * same cfg: a test expects the three runs equal but for the tool's name.
 */
export async function runEveryWay(
  host: NsHost,
  t: OperatorTarget,
  args: string[],
): Promise<{ want: ParityRun; got: ParityRun[]; stderr: string }> {
  const w = await ejabberdctlOn(host, t, args);
  const want = { node: t.node, tool: 'ejabberdctl', stdout: w.stdout, code: w.exitCode };
  const got: ParityRun[] = [];
  let stderr = '';
  for (const transport of ['erl', 'native']) {
    const r = await ejctlOn(host, ['-c', t.cfgPath, '--transport', transport, ...args]);
    got.push({ node: t.node, tool: `ejctl --transport ${transport}`, stdout: r.stdout, code: r.exitCode });
    stderr += r.stderr;
  }
  return { want, got, stderr };
}

/** What `got` must equal: ejabberdctl's run, once per transport. */
export const asEjabberdctl = (want: ParityRun): ParityRun[] =>
  ['erl', 'native'].map((transport) => ({ ...want, tool: `ejctl --transport ${transport}` }));
