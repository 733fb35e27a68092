/**
 * Before anything changes: find the cluster from the seed node, reach every member with the
 * current cookie, and check the mesh and each node's cookie file. Every problem is collected,
 * so the operator sees the whole list at once.
 */
import { EjctlError, Exit } from '../errors.js';
import type { Label, Session } from './session.js';

export type CookieLabel = 'old' | 'new' | 'other' | null;

export interface NodeInfo {
  nodes: string[];
  cookie: CookieLabel;
  pins: Record<string, CookieLabel>;
  cookieFile: string;
  file: { exists: boolean; type?: string; mode?: number; uid?: number; content?: string; error?: string };
  sharedKey: CookieLabel;
  setcookieArg: boolean;
  proto: string;
}

export interface Discovery {
  seed: string;
  live: string[];
  skipped: string[];
  info: Map<string, NodeInfo>;
}

/** Connects the session to `node` with the cookie of `label`, trying `fallback` after. */
export async function reach(session: Session, node: string, label: Label, fallback?: Label): Promise<Label | undefined> {
  for (const l of fallback ? [label, fallback] : [label]) {
    await session.call('use', node, l);
    if ((await session.call('connect', node)).ok === true) return l;
  }
  return undefined;
}

export async function nodeInfo(session: Session, node: string): Promise<NodeInfo | undefined> {
  const r = await session.call('info', node);
  return r.ok && typeof r.ok === 'object' ? (r.ok as NodeInfo) : undefined;
}

export async function discover(session: Session, seed: string, skipDown: string[]): Promise<Discovery> {
  if (!(await reach(session, seed, 'old'))) {
    throw new EjctlError(`cannot reach ${seed} with the cookie in COOKIE_FILE: nothing was changed`, Exit.unreachable, {
      hint: 'Is the node running? Does `ejctl status` work?',
    });
  }
  const cluster = (await session.call('cluster', seed)).ok as { running?: unknown; known?: unknown } | undefined;
  const running = Array.isArray(cluster?.running) ? (cluster.running as string[]) : [];
  const known = Array.isArray(cluster?.known) ? (cluster.known as string[]) : running;
  if (running.length === 0)
    throw new EjctlError(`${seed} did not list its cluster (ejabberd_cluster:get_nodes/0): is ejabberd started there?`, Exit.unreachable);
  const problems: string[] = [];
  for (const s of skipDown) {
    if (!known.includes(s)) problems.push(`--skip-down ${s}: not a member of this cluster (members: ${known.join(', ')})`);
    else if (running.includes(s)) problems.push(`--skip-down ${s}: it is running; a running node must be rotated with the others`);
  }
  for (const n of known) {
    if (!running.includes(n) && !skipDown.includes(n))
      problems.push(
        `${n} is a cluster member but is not running: start it, or pass --skip-down ${n} and import the new cookie there later`,
      );
  }
  const live = running.filter((n) => !skipDown.includes(n));
  const info = new Map<string, NodeInfo>();
  for (const n of live) {
    if (!(await reach(session, n, 'old'))) {
      problems.push(`${n} cannot be reached with the current cookie`);
      continue;
    }
    const i = await nodeInfo(session, n);
    if (!i) {
      problems.push(`${n} did not answer the preflight questions`);
      continue;
    }
    info.set(n, i);
    problems.push(...nodeProblems(n, i, live));
  }
  if (problems.length > 0) {
    throw new EjctlError(
      `the cluster is not ready for a rotation; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      Exit.error,
    );
  }
  return { seed, live, skipped: skipDown.filter((s) => known.includes(s)), info };
}

export function nodeProblems(n: string, i: NodeInfo, live: string[]): string[] {
  const problems: string[] = [];
  const missing = live.filter((p) => p !== n && !i.nodes.includes(p));
  if (missing.length > 0) problems.push(`${n} is not connected to ${missing.join(', ')}: the mesh is incomplete`);
  if (i.cookie !== 'old') problems.push(`${n} runs with a cookie other than the one in COOKIE_FILE`);
  if (i.setcookieArg)
    problems.push(`${n} was started with -setcookie: its cookie comes from its command line, which a rotation cannot change`);
  if (!i.file.exists) problems.push(`${n}: its cookie file ${i.cookieFile} cannot be read (${i.file.error ?? 'missing'})`);
  else if (i.file.type !== 'regular') problems.push(`${n}: its cookie file ${i.cookieFile} is a ${i.file.type ?? '?'}, not a regular file`);
  else if (i.file.content !== 'old')
    problems.push(`${n}: its cookie file ${i.cookieFile} does not hold the cookie it runs with (a restart would already lock it out)`);
  return problems;
}

/**
 * The new cookie crosses the network in distribution messages (set_cookie calls). Over plain TCP
 * between hosts anyone on the path can read it; over TLS distribution, or on one host, no one.
 */
export function plainTcpHosts(d: Discovery, ourHost: string): string[] {
  const hosts = new Set([ourHost, ...[...d.live, ...d.skipped].map((n) => n.slice(n.indexOf('@') + 1))]);
  const plain = [...d.info.values()].some((i) => !i.proto.includes('tls'));
  return hosts.size > 1 && plain ? [...hosts] : [];
}
